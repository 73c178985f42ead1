#!/usr/bin/env bash
# A local S3-compatible server for the lake's S3 tests, from PyPI (moto's S3 server, Apache-2.0), on 127.0.0.1 with a
# free port, like scripts/kafka/broker.sh for Kafka. It serves conditional put (If-None-Match: *), which delta-rs
# uses for concurrent writers instead of a DynamoDB lock; see s3-server.py for why it is single-threaded.
#
#   s3-server.sh start [--dir DIR]   start (or reuse) a server with the bucket; prints the lake's environment
#                                    (KEY=VALUE lines, also written to DIR/s3.env)
#   s3-server.sh stop  [--dir DIR]   stop the server this script started, by its PID
#   s3-server.sh status [--dir DIR]  exit 0 when it answers
#   s3-server.sh install             install only (a virtualenv under $LAKEHOUSE_CACHE; idempotent, ~1 min once)
#   s3-server.sh python ARGS...      run the virtualenv's python (it has deltalake: s3-delta-check.py)
#
# DIR defaults to $LAKEHOUSE_WORK/s3. The printed environment is what the services and delta-rs read:
# AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ALLOW_HTTP, AWS_CONDITIONAL_PUT,
# LAKE_ROOT=s3://BUCKET/lake and S3_BUCKET.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/env.sh"
HERE="$ROOT/k8s/scripts"
MOTO_VERSION=5.2.5
# The delta-rs line libs/delta/crate pins (deltalake =1.1.x), for s3-delta-check.py.
DELTALAKE_VERSION=1.1.4
PYARROW_VERSION=26.0.1
BUCKET="${S3_BUCKET:-lakehouse}"
VENV="$LAKEHOUSE_CACHE/s3-server/moto-$MOTO_VERSION-deltalake-$DELTALAKE_VERSION"

cmd="${1:-}"; shift || true
dir="$LAKEHOUSE_WORK/s3"
while [ "$cmd" != python ] && [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    *) log "unknown argument: $1"; exit 2 ;;
  esac
done

install() {
  [ -f "$VENV/.installed" ] && return 0
  log "installing moto[server] $MOTO_VERSION and deltalake $DELTALAKE_VERSION from PyPI into $VENV (first run only)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" \
    "deltalake==$DELTALAKE_VERSION" "pyarrow==$PYARROW_VERSION" >&2
  touch "$VENV/.installed"
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

is_running() { [ -f "$dir/s3.pid" ] && kill -0 "$(cat "$dir/s3.pid")" 2>/dev/null; }

answers() { # endpoint: the bucket exists and answers a HEAD
  node -e 'fetch(process.argv[1], { method: "HEAD" }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "$1/$BUCKET"
}

start() {
  if is_running && [ -f "$dir/s3.env" ]; then
    # shellcheck disable=SC1091
    source "$dir/s3.env"
    if answers "$AWS_ENDPOINT_URL"; then cat "$dir/s3.env"; return 0; fi
  fi
  install
  mkdir -p "$dir"
  local port endpoint deadline
  port="$(free_port)"
  endpoint="http://127.0.0.1:$port"
  nohup "$VENV/bin/python" "$HERE/s3-server.py" 127.0.0.1 "$port" >"$dir/s3.log" 2>&1 &
  echo $! >"$dir/s3.pid"
  deadline=$((SECONDS + 30))
  # moto accepts any credentials and needs no signature for this bucket creation.
  until node -e 'fetch(process.argv[1], { method: "PUT" }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "$endpoint/$BUCKET" 2>/dev/null; do
    if ! is_running; then log "S3 server exited during start:"; tail -n 20 "$dir/s3.log" >&2; return 1; fi
    if [ $SECONDS -ge $deadline ]; then log "S3 server not ready after 30s"; return 1; fi
    sleep 0.3
  done
  cat >"$dir/s3.env" <<ENV
AWS_ENDPOINT_URL=$endpoint
AWS_ACCESS_KEY_ID=lakehouse-test
AWS_SECRET_ACCESS_KEY=lakehouse-test-secret
AWS_REGION=us-east-1
AWS_ALLOW_HTTP=true
AWS_CONDITIONAL_PUT=etag
S3_BUCKET=$BUCKET
LAKE_ROOT=s3://$BUCKET/lake
ENV
  cat "$dir/s3.env"
}

stop() {
  if ! is_running; then rm -f "$dir/s3.pid"; return 0; fi
  local pid
  pid="$(cat "$dir/s3.pid")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/s3.pid" "$dir/s3.env"
}

status() {
  is_running && [ -f "$dir/s3.env" ] || return 1
  # shellcheck disable=SC1091
  source "$dir/s3.env"
  answers "$AWS_ENDPOINT_URL"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  install) install ;;
  python) install && exec "$VENV/bin/python" "$@" ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
