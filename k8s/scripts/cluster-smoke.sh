#!/usr/bin/env bash
# End-to-end check on a real local cluster (kind, k3d or minikube): build the five images, load them into the
# cluster, apply k8s/overlays/local, wait for the rollout, then smoke-test:
#   1. a model: when none is promoted yet, publish SMOKE_TRAIN_TICKS sample ticks, wait until Silver has refined
#      them, run the training Job (kubectl create job --from=cronjob/predictor-train; the local overlay promotes
#      what it trains) and wait for the predictor to become ready;
#   2. sign a client token with the cluster's publisher-auth Secret (node apps/publisher/dist/cli.js token), check a
#      socket without one is refused, then publish ticks and see `prediction` events on namespace /signals
#      (subscribe, JWT in the handshake) and signals.predictions grow; then see Gold hold predictions over the API;
#   3. scrape /metrics on every service;
#   4. scale the predictor to 3 replicas, check the consumer group has 3 members and predictions continue.
#
# Needs a built checkout (npm run build): the token command and the Socket.IO client come from it.
#
#   k8s/scripts/cluster-smoke.sh [--skip-build] [--keep] [--create-kind]
#
#   --skip-build    use images already loaded into the cluster
#   --keep          leave the namespace in place afterwards (default: keep too; pass --delete to remove it)
#   --delete        delete the lakehouse namespace at the end
#   --create-kind   when kind is installed but no cluster exists, create one (NodePort 30004 mapped to the host)
#
# Environment: CONTAINER_CLI (docker; podman works too), IMAGE_TAG (0.1.0, the tag k8s/base pins),
# SMOKE_TICKS (200), SMOKE_TRAIN_TICKS (2000: 1000 per sample symbol), SMOKE_TIMEOUT_S (300),
# SMOKE_TRAIN_TIMEOUT_S (900).
# Exit codes: 0 passed, 1 a check failed, 2 no local cluster detected (nothing was changed).
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/env.sh"
cd "$ROOT" || exit 1

APPS=(ingestor refiner predictor publisher maintainer)
NS=lakehouse
CONTAINER_CLI="${CONTAINER_CLI:-docker}"
IMAGE_TAG="${IMAGE_TAG:-0.1.0}"
SMOKE_TICKS="${SMOKE_TICKS:-200}"
SMOKE_TIMEOUT_S="${SMOKE_TIMEOUT_S:-300}"
SMOKE_TRAIN_TICKS="${SMOKE_TRAIN_TICKS:-2000}"
SMOKE_TRAIN_TIMEOUT_S="${SMOKE_TRAIN_TIMEOUT_S:-900}"
PREDICTOR_CLI=/app/apps/predictor/dist/cli.js
TOKEN_CLI=apps/publisher/dist/cli.js
SCALED_REPLICAS=3
build=1 delete=0 create_kind=0
for arg in "$@"; do
  case "$arg" in
    --skip-build) build=0 ;;
    --keep) delete=0 ;;
    --delete) delete=1 ;;
    --create-kind) create_kind=1 ;;
    *) sed -n '2,20p' "$0" >&2; exit 2 ;;
  esac
done

fail() { log "FAILED: $*"; exit 1; }

# --- which local cluster? ------------------------------------------------------------------------------------------
detect_cluster() {
  local context
  context="$(kubectl config current-context 2>/dev/null || true)"
  case "$context" in
    kind-*) command -v kind >/dev/null && echo "kind ${context#kind-}" && return ;;
    k3d-*) command -v k3d >/dev/null && echo "k3d ${context#k3d-}" && return ;;
    minikube) command -v minikube >/dev/null && echo "minikube minikube" && return ;;
  esac
  if command -v kind >/dev/null && [ -n "$(kind get clusters 2>/dev/null | head -1)" ]; then
    echo "kind $(kind get clusters | head -1)"
  elif command -v k3d >/dev/null && k3d cluster list --no-headers 2>/dev/null | grep -q .; then
    echo "k3d $(k3d cluster list --no-headers | awk 'NR==1{print $1}')"
  elif command -v minikube >/dev/null && minikube status >/dev/null 2>&1; then
    echo "minikube minikube"
  fi
}

read -r kind_of_cluster cluster_name <<<"$(detect_cluster)" || true
if [ -z "${kind_of_cluster:-}" ] && [ "$create_kind" = 1 ] && command -v kind >/dev/null; then
  log "creating kind cluster lakehouse (NodePort 30004 → host 30004)"
  kind create cluster --name lakehouse --wait 120s --config - <<'EOF'
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    extraPortMappings:
      - containerPort: 30004
        hostPort: 30004
EOF
  kind_of_cluster=kind cluster_name=lakehouse
fi
if [ -z "${kind_of_cluster:-}" ]; then
  log "no local cluster detected (kind, k3d or minikube with a running cluster); nothing was changed"
  exit 2
fi
[ -f "$TOKEN_CLI" ] || fail "$TOKEN_CLI is missing: build the checkout first (npm run build)"
case "$kind_of_cluster" in
  kind) kubectl config use-context "kind-$cluster_name" >/dev/null ;;
  k3d) kubectl config use-context "k3d-$cluster_name" >/dev/null ;;
  minikube) kubectl config use-context minikube >/dev/null ;;
esac
log "cluster: $kind_of_cluster/$cluster_name ($(kubectl version -o json 2>/dev/null | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).serverVersion.gitVersion)}catch{console.log("?")}})'))"

# --- images ----------------------------------------------------------------------------------------------------------
load_image() {
  case "$kind_of_cluster" in
    kind) kind load docker-image --name "$cluster_name" "$1" ;;
    k3d) k3d image import --cluster "$cluster_name" "$1" ;;
    minikube) minikube image load "$1" ;;
  esac
}
if [ "$build" = 1 ]; then
  for app in "${APPS[@]}"; do
    image="fin-lakehouse/$app:$IMAGE_TAG"
    log "building $image"
    DOCKER_BUILDKIT=1 "$CONTAINER_CLI" build -f docker/app.Dockerfile --build-arg APP="$app" -t "$image" . ||
      fail "image build for $app"
    log "loading $image into $kind_of_cluster/$cluster_name"
    load_image "$image" || fail "image load for $app"
  done
fi

# --- apply and wait --------------------------------------------------------------------------------------------------
log "applying k8s/overlays/local"
# Jobs are immutable: a re-run replaces them instead of failing on a changed pod template.
kubectl -n "$NS" delete job kafka-topics lake-bucket --ignore-not-found >/dev/null 2>&1 || true
kubectl apply -k k8s/overlays/local
kubectl -n "$NS" rollout status statefulset/kafka --timeout="${SMOKE_TIMEOUT_S}s" || fail "kafka rollout"
kubectl -n "$NS" rollout status deployment/minio --timeout="${SMOKE_TIMEOUT_S}s" || fail "minio rollout"
kubectl -n "$NS" wait --for=condition=complete job/kafka-topics job/lake-bucket --timeout="${SMOKE_TIMEOUT_S}s" ||
  fail "topic or bucket creation"
rollout() {
  kubectl -n "$NS" rollout status "deployment/$1" --timeout="${2:-$SMOKE_TIMEOUT_S}s" || {
    kubectl -n "$NS" logs "deployment/$1" --tail=50 >&2 || true
    fail "$1 rollout"
  }
}
# The predictor becomes ready only once a model is promoted (step 1 below).
for app in "${APPS[@]}"; do [ "$app" = predictor ] || rollout "$app"; done

# --- smoke test ----------------------------------------------------------------------------------------------------
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ "$delete" = 1 ]; then kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# port_forward SERVICE REMOTE_PORT: sets FORWARDED_PORT once the forward answers. Not meant for $(...): the
# forward's PID must reach the cleanup trap, which a subshell would lose.
FORWARDED_PORT=
port_forward() {
  local port
  port="$(free_port)"
  kubectl -n "$NS" port-forward "svc/$1" "$port:$2" >/dev/null 2>&1 &
  pids+=("$!")
  for _ in $(seq 50); do
    if node -e "require('net').connect($port,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"; then
      FORWARDED_PORT="$port"
      return 0
    fi
    sleep 0.2
  done
  return 1
}

# publish_ticks COUNT: the next COUNT sample ticks (continuing the series across calls), one second apart, into
# ticks.raw keyed by symbol. Event times never go backwards between calls (a tick far behind its symbol's latest
# would be late for the refiner) and end no later than now where possible, so training's [now - days, now) holds
# them.
next_line=0 next_tick_ms=0
publish_ticks() {
  local count="$1" now_ms start_ms
  now_ms="$(node -p 'Date.now()')"
  start_ms=$((now_ms - count * 1000))
  [ "$start_ms" -gt "$next_tick_ms" ] || start_ms="$next_tick_ms"
  node -e '
    const lines = require("fs").readFileSync("data/sample/ticks.ndjson", "utf8").split("\n").filter(Boolean);
    const [n, first, start] = process.argv.slice(1).map(Number);
    for (let i = 0; i < n; i++) {
      const tick = JSON.parse(lines[(first + i) % lines.length]);
      tick.timestamp = new Date(start + i * 1000).toISOString();
      console.log(`${tick.symbol}\t${JSON.stringify(tick)}`);
    }' "$count" "$next_line" "$start_ms" |
    kubectl -n "$NS" exec -i kafka-0 -- /opt/kafka/bin/kafka-console-producer.sh --bootstrap-server localhost:9092 \
      --topic ticks.raw --property parse.key=true --property key.separator=$'\t' >/dev/null
  next_line=$((next_line + count))
  next_tick_ms=$((start_ms + count * 1000))
}

records_on_topic() { # how many records a topic holds (end offsets summed)
  kubectl -n "$NS" exec kafka-0 -- /opt/kafka/bin/kafka-get-offsets.sh --bootstrap-server localhost:9092 \
    --topic "$1" --time -1 | awk -F: '{s+=$3} END {print s+0}'
}

# --- 1. a model ------------------------------------------------------------------------------------------------------
kubectl -n "$NS" wait pod -l app.kubernetes.io/name=predictor --for=jsonpath='{.status.phase}'=Running \
  --timeout="${SMOKE_TIMEOUT_S}s" >/dev/null || fail "predictor pods not running"
promoted="$(kubectl -n "$NS" exec deploy/predictor -- node "$PREDICTOR_CLI" models promoted 2>/dev/null | tail -1)"
if [ -z "$promoted" ] || [ "$promoted" = "(none)" ]; then
  log "no model promoted yet: publishing $SMOKE_TRAIN_TICKS training ticks"
  refined_before="$(records_on_topic ticks.refined)"
  publish_ticks "$SMOKE_TRAIN_TICKS"
  refined=0
  for _ in $(seq "$((SMOKE_TIMEOUT_S / 2))"); do
    refined=$(($(records_on_topic ticks.refined) - refined_before))
    [ "$refined" -ge "$SMOKE_TRAIN_TICKS" ] && break
    sleep 2
  done
  [ "$refined" -ge "$SMOKE_TRAIN_TICKS" ] || fail "Silver refined $refined of $SMOKE_TRAIN_TICKS training ticks"
  job="smoke-train-$(date +%s)"
  log "Silver holds them: training ($job, from cronjob/predictor-train)"
  kubectl -n "$NS" create job --from=cronjob/predictor-train "$job"
  kubectl -n "$NS" wait --for=condition=complete "job/$job" --timeout="${SMOKE_TRAIN_TIMEOUT_S}s" || {
    kubectl -n "$NS" logs "job/$job" --tail=80 >&2 || true
    fail "training job $job"
  }
  kubectl -n "$NS" logs "job/$job" --tail=200 2>/dev/null | grep '"msg":"trained"' || true
else
  log "model $promoted already promoted"
fi
rollout predictor
log "predictor ready: $(kubectl -n "$NS" exec deploy/predictor -- node "$PREDICTOR_CLI" models promoted 2>/dev/null | tail -1)"

# --- 2. predictions on the socket, in Kafka and in Gold ----------------------------------------------------------------
secret="$(kubectl -n "$NS" get secret publisher-auth -o jsonpath='{.data.PUBLISHER_AUTH_SECRET}' | base64 -d)"
SMOKE_TOKEN="$(PUBLISHER_AUTH_SECRET="$secret" node "$TOKEN_CLI" token --sub cluster-smoke --ttl 1h)" ||
  fail "signing a client token with the publisher-auth Secret"
export SMOKE_TOKEN

port_forward publisher 80 || fail "port-forward to the publisher"
publisher_url="http://127.0.0.1:$FORWARDED_PORT"
log "publisher (dashboard, API, Socket.IO) at $publisher_url"
node k8s/scripts/smoke-socket.mjs --expect-refused "$publisher_url" 30 || fail "a socket without a token was not refused"

expect_predictions() { # WHEN: listen on the socket, publish SMOKE_TICKS ticks, see predictions there and in Kafka
  local socket_log socket_pid before
  socket_log="$(mktemp)"
  node k8s/scripts/smoke-socket.mjs "$publisher_url" 1 "$SMOKE_TIMEOUT_S" >"$socket_log" 2>&1 &
  socket_pid=$!
  pids+=("$socket_pid")
  before="$(records_on_topic signals.predictions)"
  publish_ticks "$SMOKE_TICKS"
  wait "$socket_pid" || { cat "$socket_log" >&2; fail "no prediction on the socket $1"; }
  cat "$socket_log"
  [ "$(records_on_topic signals.predictions)" -gt "$before" ] || fail "signals.predictions did not grow $1"
}
log "listening for predictions on Socket.IO, then publishing $SMOKE_TICKS ticks"
expect_predictions ""

gold_rows() { # rows the Gold API returns for the sample symbols; a refused token fails the smoke test
  node -e '
    const [url, token] = process.argv.slice(1);
    Promise.all(["SPX", "IXIC"].map((s) =>
      fetch(`${url}/api/gold/predictions?symbol=${s}&limit=10`, { headers: { authorization: `Bearer ${token}` } })
        .then(async (r) => { if (r.status !== 200) throw new Error(`${r.status} ${await r.text()}`); return r.json(); })))
      .then((pages) => console.log(pages.reduce((n, p) => n + p.rows.length, 0)),
            (e) => { console.error(`gold API: ${e.message}`); process.exit(1); });' "$publisher_url" "$SMOKE_TOKEN"
}
rows=0
for _ in $(seq "$((SMOKE_TIMEOUT_S / 2))"); do
  rows="$(gold_rows)" || fail "the Gold API refused the token"
  [ "$rows" -gt 0 ] && break
  sleep 2
done
[ "$rows" -gt 0 ] || fail "gold.predictions holds no prediction (GET /api/gold/predictions)"
log "gold.predictions over the API: $rows rows"

# --- 3. metrics ------------------------------------------------------------------------------------------------------
log "scraping /metrics"
for app in "${APPS[@]}"; do
  port="$(kubectl -n "$NS" get "svc/$app-metrics" -o jsonpath='{.spec.ports[0].port}')"
  port_forward "$app-metrics" "$port" || fail "port-forward to $app-metrics"
  local_port="$FORWARDED_PORT"
  node -e '
    fetch(process.argv[1]).then(async (r) => {
      const body = await r.text();
      if (r.status !== 200 || !/^# TYPE /m.test(body)) { console.error(r.status, body.slice(0, 200)); process.exit(1); }
      console.log(`${process.argv[2]}: ${body.split("\n").filter((l) => l && !l.startsWith("#")).length} samples`);
    }, (e) => { console.error(e.message); process.exit(1); });' "http://127.0.0.1:$local_port/metrics" "$app" ||
    fail "/metrics of $app"
done

# --- 4. three predictors -----------------------------------------------------------------------------------------------
log "scaling the predictor to $SCALED_REPLICAS replicas"
kubectl -n "$NS" scale deployment/predictor --replicas="$SCALED_REPLICAS"
rollout predictor
members=0
for _ in $(seq 60); do
  members="$(kubectl -n "$NS" exec kafka-0 -- /opt/kafka/bin/kafka-consumer-groups.sh --bootstrap-server \
    localhost:9092 --describe --group predictor --members 2>/dev/null | awk '$1 == "predictor"' | wc -l)"
  [ "$members" -ge "$SCALED_REPLICAS" ] && break
  sleep 2
done
[ "$members" -ge "$SCALED_REPLICAS" ] || fail "consumer group predictor has $members members, want $SCALED_REPLICAS"
log "consumer group predictor: $members members"
expect_predictions "after scaling"
log "PASSED: a promoted model, ticks in, predictions out on the socket (token-checked) and in Gold, /metrics on all five, predictions continue at $SCALED_REPLICAS predictors"
