#!/usr/bin/env bash
# End-to-end check on a real local cluster (kind, k3d or minikube): build the five images, load them into the
# cluster, apply k8s/overlays/local, wait for the rollout, then smoke-test:
#   1. publish sample ticks to ticks.raw;
#   2. see predictions arrive on a Socket.IO connection to the publisher (and on signals.predictions);
#   3. scrape /metrics on every service;
#   4. scale the predictor to 3 replicas, check the consumer group has 3 members and predictions continue.
#
#   k8s/scripts/cluster-smoke.sh [--skip-build] [--keep] [--create-kind]
#
#   --skip-build    use images already loaded into the cluster
#   --keep          leave the namespace in place afterwards (default: keep too; pass --delete to remove it)
#   --delete        delete the lakehouse namespace at the end
#   --create-kind   when kind is installed but no cluster exists, create one (NodePort 30004 mapped to the host)
#
# Environment: CONTAINER_CLI (docker; podman works too), IMAGE_TAG (0.1.0, the tag k8s/base pins),
# SMOKE_TICKS (200), SMOKE_TIMEOUT_S (300).
# Exit codes: 0 passed, 1 a check failed, 2 no local cluster detected (nothing was changed).
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/env.sh"
cd "$ROOT" || exit 1

APPS=(ingestor refiner predictor publisher maintainer)
NS=lakehouse
CONTAINER_CLI="${CONTAINER_CLI:-docker}"
IMAGE_TAG="${IMAGE_TAG:-0.1.0}"
SMOKE_TICKS="${SMOKE_TICKS:-200}"
SMOKE_TIMEOUT_S="${SMOKE_TIMEOUT_S:-300}"
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
for app in "${APPS[@]}"; do
  kubectl -n "$NS" rollout status "deployment/$app" --timeout="${SMOKE_TIMEOUT_S}s" || {
    kubectl -n "$NS" logs "deployment/$app" --tail=50 >&2 || true
    fail "$app rollout"
  }
done

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

publish_ticks() { # count: the first N sample ticks, stamped now so they are live, into ticks.raw
  node -e '
    const lines = require("fs").readFileSync("data/sample/ticks.ndjson", "utf8").split("\n").filter(Boolean);
    const n = Number(process.argv[1]); const start = Date.now();
    for (let i = 0; i < n; i++) {
      const tick = JSON.parse(lines[i % lines.length]);
      tick.timestamp = new Date(start + i * 1000).toISOString();
      console.log(`${tick.symbol}\t${JSON.stringify(tick)}`);
    }' "$1" |
    kubectl -n "$NS" exec -i kafka-0 -- /opt/kafka/bin/kafka-console-producer.sh --bootstrap-server localhost:9092 \
      --topic ticks.raw --property parse.key=true --property key.separator=$'\t' >/dev/null
}

predictions_on_topic() { # how many records signals.predictions holds (end offsets summed)
  kubectl -n "$NS" exec kafka-0 -- /opt/kafka/bin/kafka-get-offsets.sh --bootstrap-server localhost:9092 \
    --topic signals.predictions --time -1 | awk -F: '{s+=$3} END {print s+0}'
}

port_forward publisher 80 || fail "port-forward to the publisher"
publisher_port="$FORWARDED_PORT"
log "publisher (dashboard, API, Socket.IO) at http://127.0.0.1:$publisher_port"

log "listening for predictions on Socket.IO, then publishing $SMOKE_TICKS ticks"
socket_log="$(mktemp)"
node k8s/scripts/smoke-socket.mjs "http://127.0.0.1:$publisher_port" 1 "$SMOKE_TIMEOUT_S" >"$socket_log" 2>&1 &
socket_pid=$!
pids+=("$socket_pid")
before="$(predictions_on_topic)"
publish_ticks "$SMOKE_TICKS"
wait "$socket_pid" || { cat "$socket_log" >&2; fail "no prediction on the socket"; }
cat "$socket_log"
[ "$(predictions_on_topic)" -gt "$before" ] || fail "signals.predictions did not grow"

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

log "scaling the predictor to $SCALED_REPLICAS replicas"
kubectl -n "$NS" scale deployment/predictor --replicas="$SCALED_REPLICAS"
kubectl -n "$NS" rollout status deployment/predictor --timeout="${SMOKE_TIMEOUT_S}s" || fail "predictor scale-out"
members=0
for _ in $(seq 60); do
  members="$(kubectl -n "$NS" exec kafka-0 -- /opt/kafka/bin/kafka-consumer-groups.sh --bootstrap-server \
    localhost:9092 --describe --group predictor --members 2>/dev/null | awk '$1 == "predictor"' | wc -l)"
  [ "$members" -ge "$SCALED_REPLICAS" ] && break
  sleep 2
done
[ "$members" -ge "$SCALED_REPLICAS" ] || fail "consumer group predictor has $members members, want $SCALED_REPLICAS"
log "consumer group predictor: $members members"

node k8s/scripts/smoke-socket.mjs "http://127.0.0.1:$publisher_port" 1 "$SMOKE_TIMEOUT_S" >"$socket_log" 2>&1 &
socket_pid=$!
pids+=("$socket_pid")
before="$(predictions_on_topic)"
publish_ticks "$SMOKE_TICKS"
wait "$socket_pid" || { cat "$socket_log" >&2; fail "no prediction on the socket after scaling"; }
[ "$(predictions_on_topic)" -gt "$before" ] || fail "signals.predictions stopped growing after scaling"
log "PASSED: ticks in, predictions out on the socket, /metrics on all five, predictions continue at $SCALED_REPLICAS predictors"
