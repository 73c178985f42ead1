#!/usr/bin/env bash
# Creates (or reuses) the shared Python venv at $LAKEHOUSE_CACHE/venv with the pinned reference
# implementations from requirements.txt, then warms the Ivy cache with delta-spark's jars from
# Maven Central, so that interop tests and benchmark baselines start without network waits.
# Idempotent: a stamp holding the requirements' hash skips pip when nothing changed.
# Usage: scripts/python/setup.sh            (prints the venv's python path on stdout)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"

HERE="$ROOT/scripts/python"
VENV="$LAKEHOUSE_CACHE/venv"
REQUIREMENTS="$HERE/requirements.txt"
STAMP="$VENV/.requirements.sha256"
export SPARK_IVY_DIR="$LAKEHOUSE_CACHE/ivy2"

want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  log "python venv up to date at $VENV"
else
  log "creating python venv at $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >&2
  echo "$want" > "$STAMP"
fi

if ! find "$SPARK_IVY_DIR" -name 'delta-spark_*.jar' 2>/dev/null | grep -q .; then
  log "resolving delta-spark jars from Maven Central into $SPARK_IVY_DIR (one JVM start)"
  "$VENV/bin/python" "$HERE/warm_spark.py" >&2
fi
echo "$VENV/bin/python"
