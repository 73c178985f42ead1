# shellcheck shell=bash
# Sourced by every project script. It makes a pinned Node 24 the `node` on PATH (installed from the npm registry's
# `node-linux-<arch>` package, so no manual step and no download outside the registries) and pins every cache to a
# fixed path outside the checkout, so that a fresh clone (CI) reuses compiled Rust, Maven jars and Python wheels.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT
export LAKEHOUSE_CACHE="${LAKEHOUSE_CACHE:-$HOME/.cache/fin-lakehouse}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$LAKEHOUSE_CACHE/cargo-target}"
# `napi build` always passes --target; giving plain cargo (test, clippy) the same target makes them share its
# compiled dependencies instead of building delta-rs and DataFusion a second time.
if [ -z "${CARGO_BUILD_TARGET:-}" ] && command -v rustc >/dev/null 2>&1; then
  CARGO_BUILD_TARGET="$(rustc -vV | sed -n 's/^host: //p')"
  export CARGO_BUILD_TARGET
fi
export LAKEHOUSE_WORK="${LAKEHOUSE_WORK:-$ROOT/.work}"
export TZ=UTC
# onnxruntime-node would otherwise fetch a CUDA add-on from outside the registries at install time.
export ONNXRUNTIME_NODE_INSTALL=skip

log() { printf '\033[1m[lakehouse]\033[0m %s\n' "$*" >&2; }

ensure_node24() {
  local version arch pkg home
  version="$(cat "$ROOT/.nvmrc")"
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) log "unsupported CPU $(uname -m)"; return 1 ;;
  esac
  pkg="node-linux-$arch"
  home="$LAKEHOUSE_CACHE/node-$version"
  if [ ! -x "$home/node_modules/$pkg/bin/node" ]; then
    log "installing Node $version from the npm registry ($pkg) into $home"
    mkdir -p "$home"
    npm install --prefix "$home" --no-save --no-audit --no-fund --loglevel=error "$pkg@$version" >&2
  fi
  export PATH="$home/node_modules/$pkg/bin:$PATH"
  if [ "$(node --version)" != "v$version" ]; then
    log "expected Node v$version on PATH, found $(node --version)"
    return 1
  fi
}

ensure_node24
