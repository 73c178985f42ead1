#!/usr/bin/env bash
# `npm run build:native`: the pinned Node and cargo environment from env.sh, then build-native.mjs.
# Extra arguments go to cargo, e.g. `npm run build:native -- --features s3`.
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib/env.sh"
exec node "$ROOT/libs/delta/scripts/build-native.mjs" "$@"
