#!/usr/bin/env bash
# Implementation of ./lakehouse; see that file for the commands.
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$ROOT"

# The processes `up` starts: every app, and the publisher twice (apps/publisher/README.md "Several replicas"):
# `publisher` serves the sockets, the API and the dashboard; `publisher-gold` writes Gold at a lower CPU priority.
PROCESSES=(ingestor refiner predictor publisher publisher-gold maintainer)

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

# start_process NAME APP NICE [VAR=VALUE...]: apps/APP/dist/main.js in the background at niceness NICE, with the
# extra environment; log in logs/NAME.log, pid in NAME.pid.
start_process() {
  local name=$1 app=$2 niceness=$3
  shift 3
  log "starting $name (log: $LAKEHOUSE_WORK/logs/$name.log)"
  nohup nice -n "$niceness" env "$@" node --enable-source-maps "apps/$app/dist/main.js" \
    >"$LAKEHOUSE_WORK/logs/$name.log" 2>&1 &
  echo $! >"$LAKEHOUSE_WORK/$name.pid"
}

cmd_up() {
  setup
  mkdir -p "$LAKEHOUSE_WORK/logs"
  eval "$(scripts/kafka/broker.sh start | grep '^KAFKA_BROKERS=')"
  export KAFKA_BROKERS
  export LAKE_ROOT="${LAKE_ROOT:-$LAKEHOUSE_WORK/lake}"
  export MODEL_STORE_DIR="${MODEL_STORE_DIR:-$LAKEHOUSE_WORK/models}"
  export KAFKA_TOPIC_PARTITIONS="${KAFKA_TOPIC_PARTITIONS:-6}"
  # The dashboard's and the API's token secret: generated once per checkout, kept out of git (.work/).
  local secret_file="$LAKEHOUSE_WORK/publisher-auth-secret"
  [ -s "$secret_file" ] || node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('hex'))" >"$secret_file"
  chmod 600 "$secret_file"
  PUBLISHER_AUTH_SECRET="$(cat "$secret_file")"
  export PUBLISHER_AUTH_SECRET
  for app in ingestor refiner predictor maintainer; do start_process "$app" "$app" 0; done
  start_process publisher publisher 0 GOLD_WRITER=false
  # Gold is batch work beside the live path: its own process, niced, so its decoding, MERGEs and bar recomputes
  # never take the cores the sockets wait on (in k8s: its own Deployment with a lower CPU request).
  start_process publisher-gold publisher 10 GOLD_WRITER=true LIVE_FEED=false HTTP_PORT="${PUBLISHER_GOLD_PORT:-3006}"
  # The predictor is ready only once a model is promoted; the others now.
  node scripts/wait-ready.mjs ingestor refiner publisher publisher-gold maintainer
  if [ ! -f "$LAKEHOUSE_WORK/sample-loaded" ]; then
    log "loading the shipped sample (real SPX/IXIC daily prices, 1999–2018) into bronze.ticks"
    node apps/ingestor/dist/cli.js load data/sample/ticks.ndjson
    touch "$LAKEHOUSE_WORK/sample-loaded"
  fi
  log "waiting for the refiner to bring it into silver.ticks"
  node scripts/wait-silver.mjs
  local promoted
  promoted="$(node apps/predictor/dist/cli.js models promoted 2>/dev/null || true)"
  if [ -z "$promoted" ] || [ "$promoted" = "(none)" ]; then
    log "no model promoted yet: training the GRU on silver.ticks (a few minutes; log: $LAKEHOUSE_WORK/logs/train.log)"
    node apps/predictor/dist/cli.js train --symbols SPX,IXIC --from 1999-01-01T00:00:00Z \
      --to 2019-01-01T00:00:00Z --epochs "${TRAIN_EPOCHS:-3}" --promote >"$LAKEHOUSE_WORK/logs/train.log" 2>&1
  fi
  node scripts/wait-ready.mjs predictor
  log "starting a live synthetic feed into ticks.raw (log: $LAKEHOUSE_WORK/logs/feed.log)"
  nohup node apps/ingestor/dist/cli.js feed synthetic --rate "${FEED_RATE:-200}" --seed 7 \
    >"$LAKEHOUSE_WORK/logs/feed.log" 2>&1 &
  echo $! >"$LAKEHOUSE_WORK/feed.pid"
  local api="http://127.0.0.1:${PUBLISHER_PORT:-3004}" token
  token="$(node apps/publisher/dist/cli.js token --sub dashboard --ttl 12h)"
  log "all services are up and ticks are flowing."
  log "  dashboard:       $api/?token=$token"
  log "  API (OpenAPI):   $api/api/docs   (Authorization: Bearer <the token above>)"
  log "  metrics:         http://127.0.0.1:3001/metrics (ingestor) … :3005 (maintainer), :3006 (publisher-gold)"
  log "  lake:            $LAKE_ROOT    models: $MODEL_STORE_DIR"
  log "stop with ./lakehouse down"
}

cmd_down() {
  for app in feed "${PROCESSES[@]}"; do
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
