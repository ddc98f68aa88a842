#!/usr/bin/env bash
# The "Increase Replication / Stop a Broker / Restart the Broker" walkthrough (Kafka REST Proxy demo) on Ferry.
#
# Usage: scripts/walkthrough.sh [--port 19092] [--rest-port 8082] [--keep]
#
#   --port       first broker port; the three brokers listen on PORT..PORT+2 (default 19092)
#   --rest-port  port of the REST view shaped like the Kafka REST Proxy v2 (default 8082)
#   --keep       keep the data directory (printed at the end) instead of deleting it
#
# Starts `ferry cluster start --brokers 3 --rest-port P` in the background, creates `myorders` (3 partitions,
# replication factor 1), produces a few messages, reassigns the partitions to [1,2], [1,2], [2], stops broker 2
# (what `docker stop broker-2` does), starts it again and consumes everything — showing
# `curl /topics/myorders` after each step. The cluster is stopped and its data removed on exit, even on Ctrl-C.
# Needs node and curl; jq is used to pretty-print when present. Run from anywhere inside the repository.
set -euo pipefail

PORT=19092
REST_PORT=8082
KEEP=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --rest-port) REST_PORT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
exec 3>&2 # wait_for silences the commands it polls; fd 3 still reaches the terminal
ferry() { npx --no-install tsx src/ops/cli/main.ts "$@"; }

DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/ferry-walkthrough-XXXXXX")"
CLUSTER_OUT="$DATA_DIR/cluster.out"
CLUSTER_LOG="$DATA_DIR/cluster.log"
CLUSTER_PID=""
REST="http://127.0.0.1:$REST_PORT"

cleanup() {
  local status=$?
  if [[ -n "$CLUSTER_PID" ]] && kill -0 "$CLUSTER_PID" 2>/dev/null; then
    echo
    echo "== Stopping the cluster"
    kill -TERM "$CLUSTER_PID" 2>/dev/null || true
    wait "$CLUSTER_PID" 2>/dev/null || true
  fi
  if [[ "$KEEP" == 1 ]]; then
    echo "Data kept in $DATA_DIR"
  else
    rm -rf "$DATA_DIR"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { echo; echo "== $*"; }
show() { # show the REST view of a path, pretty-printed when jq is there
  echo "\$ curl $REST$1"
  if command -v jq >/dev/null; then curl -sf "$REST$1" | jq .; else curl -sf "$REST$1"; echo; fi
}
# wait_for DESCRIPTION SECONDS COMMAND…: polls COMMAND every 0.2 s until it succeeds, failing after SECONDS.
wait_for() {
  local what="$1" seconds="$2"
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then echo "timed out after ${seconds}s waiting for $what" >&2; return 1; fi
    sleep 0.2
  done
}
topic_json() { curl -sf "$REST/topics/myorders"; }
partition2_offline() { topic_json | grep -q '"partition":2,"leader":-1'; }
all_in_sync_and_2_leads() {
  local json
  json="$(topic_json)"
  [[ "$json" != *'"in_sync":false'* && "$json" == *'"partition":2,"leader":2'* ]]
}
reassignment_completed() {
  [[ "$(ferry reassign-partitions --bootstrap-server "$BOOTSTRAP" \
    --reassignment-json-file "$DATA_DIR/increase-replication.json" --verify | grep -c 'is completed.')" == 3 ]]
}

# Small kafkajs clients stand in for kafka-console-producer.sh / kafka-console-consumer.sh.
produce() { # produce PARTITION MESSAGE…
  BOOTSTRAP="$BOOTSTRAP" node --input-type=module -e '
    import kafkajs from "kafkajs";
    const [partition, ...values] = process.argv.slice(1);
    const kafka = new kafkajs.Kafka({ brokers: process.env.BOOTSTRAP.split(","), logLevel: kafkajs.logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 100 } });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: "myorders", acks: -1, timeout: 3000,
        messages: values.map((value) => ({ value, partition: Number(partition) })) });
      console.log(`produced ${values.join(" ")} to myorders-${partition}`);
    } catch (err) {
      console.log(`produce to myorders-${partition} failed: ${err.message}`);
      process.exitCode = 1;
    } finally { await producer.disconnect(); }
  ' "$@"
}
consume_all() { # consume_all COUNT: reads myorders from the beginning until COUNT messages (or 30 s)
  BOOTSTRAP="$BOOTSTRAP" node --input-type=module -e '
    import kafkajs from "kafkajs";
    const want = Number(process.argv[1]);
    const kafka = new kafkajs.Kafka({ brokers: process.env.BOOTSTRAP.split(","), logLevel: kafkajs.logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `walkthrough-${Date.now()}`, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: ["myorders"], fromBeginning: true });
    let seen = 0;
    const done = new Promise((resolve) => {
      const timer = setTimeout(resolve, 30000);
      consumer.run({ eachMessage: async ({ partition, message }) => {
        console.log(`myorders-${partition}: ${message.value}`);
        if (++seen === want) { clearTimeout(timer); resolve(); }
      } });
    });
    await done;
    await consumer.disconnect();
    console.log(`consumed ${seen} of ${want}`);
    process.exit(seen === want ? 0 : 1);
  ' "$@"
}

step "Starting a 3-broker cluster (ports $PORT..$((PORT + 2)), REST view on $REST_PORT) in $DATA_DIR"
# node with the tsx loader rather than npx, so that the SIGTERM of the cleanup reaches ferry itself.
FERRY_LOGGING_LEVEL="${FERRY_LOGGING_LEVEL:-warn}" FERRY_AUTO_LEADER_REBALANCE_ENABLE=false \
  node --import tsx src/ops/cli/main.ts cluster start --name walkthrough --brokers 3 --port "$PORT" \
  --rest-port "$REST_PORT" --data-dir "$DATA_DIR" >"$CLUSTER_OUT" 2>"$CLUSTER_LOG" &
CLUSTER_PID=$!
cluster_ready() {
  kill -0 "$CLUSTER_PID" || { echo "ferry cluster start failed:" >&3; cat "$CLUSTER_LOG" >&3; exit 1; }
  grep -q '^bootstrap=' "$CLUSTER_OUT"
}
wait_for "the cluster to start" 60 cluster_ready
BOOTSTRAP="$(sed -n 's/^bootstrap=//p' "$CLUSTER_OUT")"
cat "$CLUSTER_OUT"

step "Live brokers"
show /brokers
ferry brokers --bootstrap-server "$BOOTSTRAP"

step "Create topic myorders: 3 partitions, replication factor 1"
ferry topics --bootstrap-server "$BOOTSTRAP" --create --topic myorders --partitions 3 --replication-factor 1
show /topics
show /topics/myorders
produce 0 Hello
produce 1 again
produce 2 from Ferry

step "Increase Replication: myorders-0 -> [1,2], myorders-1 -> [1,2], myorders-2 -> [2]"
cat >"$DATA_DIR/increase-replication.json" <<'JSON'
{"version":1,
  "partitions":[
    {"topic":"myorders","partition":0,"replicas":[1,2]},
    {"topic":"myorders","partition":1,"replicas":[1,2]},
    {"topic":"myorders","partition":2,"replicas":[2]}
  ]
}
JSON
ferry reassign-partitions --bootstrap-server "$BOOTSTRAP" \
  --reassignment-json-file "$DATA_DIR/increase-replication.json" --execute
wait_for "the reassignment to complete" 60 reassignment_completed
ferry reassign-partitions --bootstrap-server "$BOOTSTRAP" \
  --reassignment-json-file "$DATA_DIR/increase-replication.json" --verify
show /topics/myorders

step "Stop a Broker: broker 2 (docker stop broker-2)"
ferry cluster broker stop --id 2 --rest "$REST"
wait_for "partition 2 to go offline" 30 partition2_offline
show /brokers
show /topics/myorders
echo "Partition 2 has no leader (-1): writes to the topic fail while it is offline."
produce 2 lost || true

step "Restart the Broker: broker 2 (docker compose up -d)"
ferry cluster broker start --id 2 --rest "$REST"
wait_for "broker 2 back in sync and leading partition 2" 60 all_in_sync_and_2_leads
show /brokers
show /topics/myorders

step "Every message produced before is consumed"
consume_all 4

step "Walkthrough complete"
