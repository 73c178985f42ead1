#!/usr/bin/env bash
# Regenerates data/sample/ticks.ndjson from the real daily S&P 500 and NASDAQ Composite prices that the PyPI
# package `arch` ships (arch/data/sp500, arch/data/nasdaq; NCSA licence). Deterministic: the source files are
# pinned by SHA-256 and the transform (ticks_from_daily.py) uses no clock and no randomness.
# Usage: bash scripts/sample-data/generate.sh   (needs python3 and pip; downloads into a temp dir, not the repo)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ARCH_VERSION=8.0.0
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# The data files are identical in every arch wheel; pin one platform so the download itself is reproducible.
python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
  --python-version 311 --implementation cp --dest "$WORK" "arch==$ARCH_VERSION"
python3 -m zipfile -e "$WORK"/arch-"$ARCH_VERSION"-*.whl "$WORK/wheel"

python3 "$HERE/ticks_from_daily.py" \
  --source "SPX=$WORK/wheel/arch/data/sp500/sp500.csv.gz" \
  --source "IXIC=$WORK/wheel/arch/data/nasdaq/nasdaq.csv.gz" \
  --out "$ROOT/data/sample/ticks.ndjson"
