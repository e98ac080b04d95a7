#!/usr/bin/env bash
# pgwire vs PostgreSQL with pgbench (issue 4e): the same custom scripts, the same table, the same
# client counts, against DriftDB and a throwaway PostgreSQL cluster on this machine, over TCP
# 127.0.0.1, in one run. Prints a markdown table of tps and DriftDB/PostgreSQL ratios.
#
# Installs nothing. Needs:
#   * pgbench and psql          (Debian: postgresql-client)
#   * initdb, pg_ctl, postgres  (Debian: postgresql, e.g. `apt-get install -y postgresql`;
#                                found in /usr/lib/postgresql/<newest>/bin, or set PG_BIN)
#   * python3                   (only to pick free TCP ports)
#   * a built server module     (bin/driftdb-server builds it on first use; it does NOT rebuild
#                                after source changes: run `mvn -o -q -pl server -am package -DskipTests`,
#                                which copies this checkout's module jars into server/target/lib)
# As root, PostgreSQL runs as the user `postgres` (runuser); otherwise as the current user.
#
# Usage: bench/pgbench/run.sh [-T seconds] [-w warmup-seconds] [-c "8 32"] [-r rows] [-o results.md]
#                             [-s cases] [-d workdir]
#   -T  measured duration of each pgbench run (default 20)
#   -w  unmeasured warm-up run before each case, per system (default 5; JIT for DriftDB, cache for both)
#   -c  client counts (default "8 32")
#   -r  rows loaded into bench_kv for the point SELECTs (default 100000)
#   -s  cases to run (default "insert-prepared select-prepared select-simple";
#       also available: insert-simple)
#   -o  also write the table to this file
#   -d  work directory for both data directories (default: a new one under $TMPDIR or /tmp,
#       removed at the end). Keep it on a real disk: fsync is what the INSERT case measures.
# Environment: DRIFTDB_JAVA_OPTS (JVM flags for driftdb-server), PG_BIN.
set -euo pipefail

here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd -P "$here/../.." && pwd)"

duration=20
warmup=5
clients="8 32"
rows=100000
cases="insert-prepared select-prepared select-simple"
out=""
workdir=""
while getopts "T:w:c:r:s:o:d:h" opt; do
  case "$opt" in
    T) duration="$OPTARG" ;;
    w) warmup="$OPTARG" ;;
    c) clients="$OPTARG" ;;
    r) rows="$OPTARG" ;;
    s) cases="$OPTARG" ;;
    o) out="$OPTARG" ;;
    d) workdir="$OPTARG" ;;
    h) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) exit 2 ;;
  esac
done

die() { echo "run.sh: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

command -v pgbench >/dev/null || die "pgbench not found (Debian package postgresql-client)"
command -v psql >/dev/null || die "psql not found (Debian package postgresql-client)"
command -v python3 >/dev/null || die "python3 not found (used to pick free ports)"
if [ -z "${PG_BIN:-}" ]; then
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
fi
[ -x "${PG_BIN:-}/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] ||
  die "PostgreSQL server binaries not found (Debian: apt-get install -y postgresql; or set PG_BIN)"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- work directory and cleanup -------------------------------------------------------------
own_workdir=0
if [ -z "$workdir" ]; then
  workdir="$(mktemp -d "${TMPDIR:-/tmp}/driftdb-pgbench.XXXXXX")"
  own_workdir=1
fi
mkdir -p "$workdir"
pg_data="$workdir/pg"
pg_sock="$workdir/pgsock"
drift_data="$workdir/driftdb"
drift_pid=""
pg_started=0

as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cleanup() {
  set +e
  if [ -n "$drift_pid" ] && kill -0 "$drift_pid" 2>/dev/null; then
    kill -TERM "$drift_pid"
    wait "$drift_pid" 2>/dev/null
  fi
  if [ "$pg_started" = 1 ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1
  fi
  if [ "$own_workdir" = 1 ]; then
    rm -rf "$workdir"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- PostgreSQL: a throwaway cluster, stock durability settings -------------------------------
pg_port="$(free_port)"
mkdir -p "$pg_data" "$pg_sock"
if [ "$(id -u)" = 0 ]; then
  chown postgres "$workdir" "$pg_data" "$pg_sock"
fi
pg_version="$("$PG_BIN/postgres" --version)"
log "initdb ($pg_version) in $pg_data"
as_pg "$PG_BIN/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --no-locale >"$workdir/initdb.log" 2>&1 ||
  { cat "$workdir/initdb.log" >&2; die "initdb failed"; }
# fsync, synchronous_commit, wal_sync_method, full_page_writes: defaults (durable).
as_pg "$PG_BIN/pg_ctl" -D "$pg_data" -l "$workdir/postgres.log" -w \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pg_sock -c max_connections=200" start >/dev/null ||
  { cat "$workdir/postgres.log" >&2; die "PostgreSQL did not start"; }
pg_started=1
log "PostgreSQL on 127.0.0.1:$pg_port (fsync=$(psql -X -At -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c 'SHOW fsync'), synchronous_commit=$(psql -X -At -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c 'SHOW synchronous_commit'))"

# --- DriftDB: bin/driftdb-server on a fresh data directory, default (durable) fsync ----------------
log "starting bin/driftdb-server on $drift_data"
"$root/bin/driftdb-server" --data-path "$drift_data" --port 0 --http-port 0 --kafka-port 0 >"$workdir/driftdb.out" 2>"$workdir/driftdb.log" &
drift_pid=$!
drift_port=""
for _ in $(seq 1 600); do
  drift_port="$(sed -n 's/.*DriftDB ready: pgwire [^ ]*:\([0-9]*\),.*/\1/p' "$workdir/driftdb.log" | head -1)"
  [ -n "$drift_port" ] && break
  kill -0 "$drift_pid" 2>/dev/null || { cat "$workdir/driftdb.log" >&2; die "driftdb-server exited"; }
  sleep 0.5
done
[ -n "$drift_port" ] || { tail -20 "$workdir/driftdb.log" >&2; die "driftdb-server did not become ready"; }
log "DriftDB on 127.0.0.1:$drift_port (default --fsync group: acknowledged = fsynced)"

# connection arguments per system: host port user database
conn_postgres=(-h 127.0.0.1 -p "$pg_port" -U postgres postgres)
conn_driftdb=(-h 127.0.0.1 -p "$drift_port" -U driftdb driftdb)

sql() { # system sql...
  local sys="$1"; shift
  local -n conn="conn_$sys"
  local args=()
  for s in "$@"; do args+=(-c "$s"); done
  PGCONNECT_TIMEOUT=30 psql -X -q -v ON_ERROR_STOP=1 "${args[@]}" "${conn[@]}"
}

# --- the same schema and data in both ---------------------------------------------------------------
for sys in postgres driftdb; do
  log "$sys: creating bench_kv ($rows rows) and bench_insert"
  sql "$sys" "CREATE TABLE bench_kv (id INT PRIMARY KEY, val VARCHAR, n INT)" \
             "CREATE TABLE bench_insert (id BIGINT PRIMARY KEY, client INT, payload VARCHAR)"
  # in chunks of 10 000 rows: one transaction each
  for ((lo = 1; lo <= rows; lo += 10000)); do
    hi=$((lo + 9999 < rows ? lo + 9999 : rows))
    sql "$sys" "INSERT INTO bench_kv SELECT g, 'value ' || g, g % 100 FROM generate_series($lo, $hi) AS g"
  done
done
sql postgres "VACUUM ANALYZE bench_kv"
pg_rows="$(psql -X -At -c 'SELECT count(*) FROM bench_kv' "${conn_postgres[@]}")"
drift_rows="$(psql -X -At -c 'SELECT count(*) FROM bench_kv' "${conn_driftdb[@]}")"
[ "$pg_rows" = "$rows" ] && [ "$drift_rows" = "$rows" ] || die "row counts differ: PostgreSQL $pg_rows, DriftDB $drift_rows"

# --- pgbench ------------------------------------------------------------------------------------
threads_for() { # clients -> pgbench threads (never more than clients or cores)
  local c="$1" cores
  cores="$(nproc)"
  echo $((c < cores ? c : cores))
}

# run_pgbench system script mode clients seconds -> "tps failed latency_ms"
run_pgbench() {
  local sys="$1" script="$2" mode="$3" c="$4" secs="$5"
  local -n conn="conn_$sys"
  local outf="$workdir/pgbench-$sys-$(basename "$script" .sql)-$mode-$c-$secs.txt"
  PGCONNECT_TIMEOUT=30 pgbench -n -f "$script" -M "$mode" -c "$c" -j "$(threads_for "$c")" -T "$secs" \
    -D rows="$rows" "${conn[@]}" >"$outf" 2>&1 || { cat "$outf" >&2; die "pgbench failed on $sys"; }
  local tps failed lat
  tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$outf" | tail -1)"
  failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$outf")"
  lat="$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$outf")"
  echo "${tps:-0} ${failed:-0} ${lat:-0}"
}

results=()
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
header="| case | pgbench mode | clients | PostgreSQL tps | DriftDB tps | DriftDB / PostgreSQL | PostgreSQL latency ms | DriftDB latency ms |"
for case_name in $cases; do
  case "$case_name" in
    insert-prepared) script="$here/insert.sql"; mode=prepared; label="durable single-row INSERT" ;;
    insert-simple) script="$here/insert.sql"; mode=simple; label="durable single-row INSERT" ;;
    select-prepared) script="$here/select_pk.sql"; mode=prepared; label="SELECT by primary key" ;;
    select-simple) script="$here/select_pk.sql"; mode=simple; label="SELECT by primary key" ;;
    *) die "unknown case $case_name" ;;
  esac
  first_c="${clients%% *}"
  if [ "$warmup" -gt 0 ]; then
    for sys in postgres driftdb; do
      log "warm-up: $case_name on $sys, $first_c clients, ${warmup}s"
      run_pgbench "$sys" "$script" "$mode" "$first_c" "$warmup" >/dev/null
    done
  fi
  for c in $clients; do
    # PostgreSQL first, then DriftDB, back to back, so both see the same machine load.
    read -r pg_tps pg_failed pg_lat < <(log "$case_name on postgres, $c clients, ${duration}s"; run_pgbench postgres "$script" "$mode" "$c" "$duration")
    read -r dr_tps dr_failed dr_lat < <(log "$case_name on driftdb, $c clients, ${duration}s"; run_pgbench driftdb "$script" "$mode" "$c" "$duration")
    [ "$pg_failed" = 0 ] && [ "$dr_failed" = 0 ] || log "WARNING: failed transactions: PostgreSQL $pg_failed, DriftDB $dr_failed"
    ratio="$(awk -v a="$dr_tps" -v b="$pg_tps" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }')"
    row="$(printf '| %s | %s | %s | %.0f | %.0f | %s | %s | %s |' "$label" "$mode" "$c" "$pg_tps" "$dr_tps" "$ratio" "$pg_lat" "$dr_lat")"
    results+=("$row")
    log "$row"
  done
done

{
  # The newest of the module jars bin/driftdb-server runs (server/target/lib) and the server's classes.
  newest="$(ls -t "$root"/server/target/lib/driftdb-*.jar "$root/server/target/classes/io/driftdb/server/DriftServer.class" 2>/dev/null | head -1)"
  built="$(date -u -r "$newest" +%Y-%m-%dT%H:%MZ 2>/dev/null || echo '?')"
  echo "$(pgbench --version), $pg_version, DriftDB server classes built $built (HEAD $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'));" \
    "$(nproc) cores; ${duration}s per run after a ${warmup}s warm-up per case; $rows rows in bench_kv; $(date -u +%Y-%m-%dT%H:%MZ);" \
    "load average $load_before before the runs, $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') after"
  echo
  echo "$header"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${results[@]}"
} | tee ${out:+"$out"}
