#!/usr/bin/env bash
# Producer throughput (issue 6e): the same unmodified KafkaProducer (acks=all, idempotent) into
# DriftDB's Kafka gateway and into a real single Kafka broker (KRaft), one after the other, in one run.
# Builds bench (and what it depends on, including server) first; BENCH_NO_BUILD=1 skips that.
# Options are ProducerThroughputBench's, e.g.:
#   bench/producer/run.sh --records 100000 --warmup 5 --payloads 100,1024 --compression none \
#       --systems driftdb,kafka,kafka-flush1 --producer batch.size=262144 --producer linger.ms=20 --rounds 1
set -euo pipefail
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  # -q still prints plugin chatter and errors on stdout; keep stdout for the results.
  mvn -o -q -pl bench -am package -DskipTests >&2
fi
java="java"
if [ -n "${JAVA_HOME:-}" ]; then
  java="$JAVA_HOME/bin/java"
fi
# The driver (this JVM) runs the producers; DriftDB runs on the server module's own class path (what
# bin/driftdb-server runs), the Kafka broker on bench's (kafka_2.13 and its dependencies).
# The driver's heap is fixed and touched at start (BENCH_JAVA_OPTS replaces these flags): a growing
# heap made the producer JVM spend a third of its main thread's CPU on page faults, on the two
# cores the server under test also needs.
# shellcheck disable=SC2086
exec "$java" ${BENCH_JAVA_OPTS--Xms2g -Xmx2g -XX:+AlwaysPreTouch} -cp "$root/bench/target/classes:$root/bench/target/lib/*" \
  io.driftdb.bench.kafka.ProducerThroughputBench \
  --server-classpath "$root/server/target/classes:$root/server/target/lib/*" "$@"
