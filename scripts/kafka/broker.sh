#!/usr/bin/env bash
# A real Apache Kafka 4.x broker without Docker: jars from Maven Central, one combined broker+controller (KRaft) on
# 127.0.0.1, free ports picked at start, data in a project-owned work directory.
#
#   broker.sh start [--dir DIR]   start (or reuse) a broker; prints KAFKA_BROKERS=host:port, also written to DIR/broker.env
#   broker.sh stop  [--dir DIR]   stop the broker this script started, by its PID: SIGTERM, then SIGKILL after a grace period
#   broker.sh status [--dir DIR]  exit 0 when the broker answers the admin API
#   broker.sh classpath           resolve the jars (Maven) and print the classpath file
#
# DIR defaults to $LAKEHOUSE_WORK/kafka. Readiness is checked through the admin API (kafkajs describeCluster), not a
# TCP connect. Topics are never auto-created: the services create theirs with explicit partition counts.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"
HERE="$ROOT/scripts/kafka"

cmd="${1:-}"; shift || true
dir="$LAKEHOUSE_WORK/kafka"
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    *) log "unknown argument: $1"; exit 2 ;;
  esac
done

classpath_file() {
  # Keyed by the pom's hash, so a version bump resolves again and an unchanged pom costs nothing.
  local key file
  key="$(sha256sum "$HERE/pom.xml" | cut -c1-16)"
  file="$LAKEHOUSE_CACHE/kafka/classpath-$key.txt"
  if [ ! -s "$file" ]; then
    mkdir -p "$(dirname "$file")"
    log "resolving Kafka jars from Maven Central (first run only)"
    mvn -q -B -f "$HERE/pom.xml" dependency:build-classpath -Dmdep.outputFile="$file.tmp" >&2
    mv "$file.tmp" "$file"
  fi
  echo "$file"
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

is_running() { [ -f "$dir/broker.pid" ] && kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null; }

wait_ready() {
  local brokers="$1" deadline=$((SECONDS + ${KAFKA_START_TIMEOUT_S:-90}))
  until node "$HERE/ready.mjs" "$brokers" 2>/dev/null; do
    if ! is_running; then
      log "broker exited during start; last log lines:"; tail -n 30 "$dir/broker.log" >&2; return 1
    fi
    if [ $SECONDS -ge $deadline ]; then log "broker not ready after ${KAFKA_START_TIMEOUT_S:-90}s"; return 1; fi
    sleep 0.5
  done
}

start() {
  if is_running && [ -f "$dir/broker.env" ]; then
    # shellcheck disable=SC1091
    source "$dir/broker.env"
    if node "$HERE/ready.mjs" "$KAFKA_BROKERS" 2>/dev/null; then echo "KAFKA_BROKERS=$KAFKA_BROKERS"; return 0; fi
  fi
  local cp bport cport
  cp="$(cat "$(classpath_file)")"
  mkdir -p "$dir"
  # The data survives a restart (`./lakehouse down` then `up`): the lake stores Kafka offsets as its exactly-once
  # positions, so a wiped topic, numbered from 0 again, would have its records taken for ones Bronze already holds.
  # KAFKA_FRESH=1 starts from an empty broker. Ports may change between starts; the KRaft quorum keeps voter ids only.
  [ "${KAFKA_FRESH:-0}" = "1" ] && rm -rf "$dir/data"
  bport="$(free_port)"; cport="$(free_port)"
  while [ "$cport" = "$bport" ]; do cport="$(free_port)"; done
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$bport,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$bport
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
auto.create.topics.enable=false
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
# One JVM is both controller and broker on two busy cores: with the default 9 s session, a CPU-starved controller
# fences its own broker ("controller event queue overloaded"), and every client sees NOT_LEADER for a while.
broker.session.timeout.ms=60000
broker.heartbeat.interval.ms=2000
PROPS
  local java_opts=(-Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$HERE/log4j2.xml" "-Dkafka.logs.dir=$dir")
  local cluster_id
  # A kept data directory keeps its cluster id (the format step below then leaves it as it is).
  cluster_id="$(sed -n 's/^cluster\.id=//p' "$dir/data/meta.properties" 2>/dev/null || true)"
  [ -n "$cluster_id" ] ||
    cluster_id="$(java -cp "$cp" "${java_opts[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
  java -cp "$cp" "${java_opts[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" \
    --ignore-formatted >"$dir/format.log" 2>&1 || { cat "$dir/format.log" >&2; return 1; }
  nohup java -cp "$cp" "${java_opts[@]}" kafka.Kafka "$dir/server.properties" >"$dir/broker.log" 2>&1 &
  echo $! >"$dir/broker.pid"
  echo "KAFKA_BROKERS=127.0.0.1:$bport" >"$dir/broker.env"
  log "starting Kafka (pid $(cat "$dir/broker.pid"), 127.0.0.1:$bport, data in $dir)"
  wait_ready "127.0.0.1:$bport" || { stop; return 1; }
  echo "KAFKA_BROKERS=127.0.0.1:$bport"
}

stop() {
  [ -f "$dir/broker.pid" ] || return 0
  local pid; pid="$(cat "$dir/broker.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then log "broker $pid ignored SIGTERM for 30s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$dir/broker.pid" "$dir/broker.env"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) is_running && source "$dir/broker.env" && node "$HERE/ready.mjs" "$KAFKA_BROKERS" ;;
  classpath) classpath_file ;;
  *) echo "usage: broker.sh start|stop|status|classpath [--dir DIR]" >&2; exit 2 ;;
esac
