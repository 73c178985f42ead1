#!/usr/bin/env bash
# Implementation of ./lakehouse; see that file for the commands.
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$ROOT"

APPS=(ingestor refiner predictor publisher maintainer)

npm_install() {
  # `npm ci` only when the lockfile changed since the last install: a warm re-run costs nothing.
  local stamp="node_modules/.lockfile-sha256" want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "npm ci (Node $(node --version))"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" >"$stamp"
  fi
}

setup() {
  local t0=$SECONDS
  npm_install
  log "building the Delta binding (cargo target: $CARGO_TARGET_DIR)"
  npm run --silent build:native
  log "building TypeScript"
  npm run --silent build
  scripts/kafka/broker.sh classpath >/dev/null
  log "set-up done in $((SECONDS - t0))s"
}

setup_test_tools() {
  # Python deltalake and PySpark + delta-spark: interop checks and benchmark baselines only, never the product.
  scripts/python/setup.sh
  # kubectl, offline Kubernetes schemas and the manifest linters for the k8s checks; the local S3 server (moto).
  k8s/scripts/setup-tools.sh
  k8s/scripts/s3-server.sh install
  # Debian chromium for the dashboard's browser test.
  scripts/browser/setup.sh
}

rust_checks() {
  log "cargo fmt --check, clippy -D warnings, cargo test"
  npm run --silent test:rust -w @lakehouse/delta
  # native.d.ts is generated from the Rust docs and committed: a rebuild must reproduce it.
  git diff --exit-code -- libs/delta/native/native.d.ts
}

cmd_test() {
  setup
  setup_test_tools
  local dir="$LAKEHOUSE_WORK/kafka-ci" status=0
  # Expanded now: the trap runs after this function's locals are gone.
  # shellcheck disable=SC2064
  trap "scripts/kafka/broker.sh stop --dir '$dir'" EXIT
  eval "$(scripts/kafka/broker.sh start --dir "$dir" | grep '^KAFKA_BROKERS=')"
  export KAFKA_BROKERS
  log "tests use the broker at $KAFKA_BROKERS"
  npm run --silent lint || status=1
  rust_checks || status=1
  node scripts/run-tests.mjs unit int e2e || status=1
  return $status
}

cmd_up() {
  setup
  mkdir -p "$LAKEHOUSE_WORK/logs"
  eval "$(scripts/kafka/broker.sh start | grep '^KAFKA_BROKERS=')"
  export KAFKA_BROKERS
  export LAKE_ROOT="${LAKE_ROOT:-$LAKEHOUSE_WORK/lake}"
  export KAFKA_TOPIC_PARTITIONS="${KAFKA_TOPIC_PARTITIONS:-6}"
  for app in "${APPS[@]}"; do
    log "starting $app (log: $LAKEHOUSE_WORK/logs/$app.log)"
    nohup node --enable-source-maps "apps/$app/dist/main.js" >"$LAKEHOUSE_WORK/logs/$app.log" 2>&1 &
    echo $! >"$LAKEHOUSE_WORK/$app.pid"
  done
  node scripts/wait-ready.mjs "${APPS[@]}"
  log "loading the shipped sample (real SPX/IXIC daily prices) into bronze.ticks"
  node apps/ingestor/dist/cli.js load data/sample/ticks.ndjson
  log "starting a live synthetic feed into ticks.raw (log: $LAKEHOUSE_WORK/logs/feed.log)"
  nohup node apps/ingestor/dist/cli.js feed synthetic --rate "${FEED_RATE:-200}" --seed 7 \
    >"$LAKEHOUSE_WORK/logs/feed.log" 2>&1 &
  echo $! >"$LAKEHOUSE_WORK/feed.pid"
  local api="http://127.0.0.1:${PUBLISHER_PORT:-3004}"
  log "all services are up and ticks are flowing."
  log "  latest signals:  $api/api/signals?symbol=AAPL"
  log "  metrics:         http://127.0.0.1:3001/metrics (ingestor) … :3005 (maintainer)"
  log "  lake:            $LAKE_ROOT"
  log "stop with ./lakehouse down"
}

cmd_down() {
  for app in feed "${APPS[@]}"; do
    local pidfile="$LAKEHOUSE_WORK/$app.pid"
    [ -f "$pidfile" ] || continue
    kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  scripts/kafka/broker.sh stop
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  test) cmd_test ;;
  setup) setup ;;
  broker) shift; scripts/kafka/broker.sh "$@" ;;
  *) sed -n '2,9p' "$ROOT/lakehouse" >&2; exit 2 ;;
esac
