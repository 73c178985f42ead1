#!/usr/bin/env bash
# The crate's own checks, with the shared target dir env.sh pins: formatting, clippy (warnings are errors),
# unit tests. Release profile throughout, so the dependencies compiled for `npm run build:native` are reused.
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib/env.sh"
cd "$ROOT/libs/delta/crate"
# The same value build-native.mjs uses: napi-build reruns when it changes, which would rebuild the crate.
export NAPI_TYPE_DEF_TMP_FOLDER="$CARGO_TARGET_DIR/napi-type-def/lakehouse-delta"
cargo fmt --check
cargo clippy --release --all-targets -- -D warnings
cargo test --release --lib
