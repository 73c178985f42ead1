#!/usr/bin/env bash
# Debian's chromium (and chromedriver) for the dashboard's browser test, driven by playwright-core. Test-only, like
# the Python interop tools: the product never needs a browser. Idempotent; ~1 min once from Debian's apt.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
  log "chromium is missing and this user cannot apt-get install it: the dashboard browser test will fail"
  exit 1
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
log "installing Debian chromium and chromedriver (browser test only)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null ||
  { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null; }
command -v chromium >/dev/null
