#!/usr/bin/env bash
# Load benchmark (bench/load/README.md): bash bench/load/run.sh [--letters 100000] [--rate 500] [--seconds 60]
# Starts its own PostgreSQL in a scratch folder, imports N generated letters through the migration service, serves a
# generated IBcatalogue of ~342,000 products, runs the API in Release on loopback (its log: $BENCH_WORK/api.log) and
# drives it with SeLetters.LoadBench, which prints the report and writes it under bench/results/. Exit code: the driver's (3: a target was missed).
set -euo pipefail
letters=100000 rate=500 seconds=60
while [ $# -gt 0 ]; do
  case "$1" in
    --letters) letters="$2" ;;
    --rate) rate="$2" ;;
    --seconds) seconds="$2" ;;
    *) echo "usage: $0 [--letters N] [--rate REQUESTS_PER_S] [--seconds PHASE_SECONDS]" >&2; exit 2 ;;
  esac
  shift 2
done
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${BENCH_WORK:-/tmp/seletters-bench-load}"
# Below the ephemeral range (32768+), where an outgoing connection can hold the port at the wrong moment.
port="${BENCH_PORT:-29339}"
api_port="${BENCH_API_PORT:-29340}"
api_key="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
server="Host=127.0.0.1;Port=$port;Username=postgres"
database="load_$letters"
template="${database}_template"

for project in src/SeLetters.MigrationService src/SeLetters.Api bench/load/SeLetters.LoadBench; do
  dotnet build -c Release -v q -nologo "$root/$project" >/dev/null
done
out() { echo "$root/$1/bin/Release/net10.0/$(basename "$1").dll"; }

. "$root/bench/scratch-postgres.sh"
# The API's pool (100) and pgbench's 100 clients overlap while the API's idle connections age out; 1 GB of shared
# buffers, as a database server of this size would have; auto_explain logs the plan of a sample of all statements, so
# the report can show the plans the searches really used; pg_stat_statements says where the database's time went.
scratch_postgres_start "$work" "$port" -c max_connections=300 -c shared_buffers=1GB -c session_preload_libraries=auto_explain \
  -c auto_explain.log_min_duration=0 -c auto_explain.sample_rate=0.05 -c auto_explain.log_format=json \
  -c shared_preload_libraries=pg_stat_statements
api=""
cleanup() {
  [ -n "$api" ] && kill "$api" 2>/dev/null && wait "$api" 2>/dev/null
  scratch_postgres_stop
}
trap cleanup EXIT

dotnet "$(out bench/load/SeLetters.LoadBench)" prepare --letters "$letters" --work "$work"
psql() { PGOPTIONS="-c client_min_messages=warning" "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d "${2:-postgres}" -v ON_ERROR_STOP=1 -qAtc "$1"; }
# The import runs once per size into a template; every run starts from a fresh copy of it, the template brought up to
# date first by the migration service (without a source it only applies new migrations).
migrate() {
  ConnectionStrings__lettersdb="$server;Database=$1" DOTNET_ENVIRONMENT=Production Import__Sample=false \
    dotnet "$(out src/SeLetters.MigrationService)" "${@:2}" >"$work/migration-service.log" 2>&1 \
    || { tail -5 "$work/migration-service.log" >&2; echo "the migration service failed (log: $work/migration-service.log)" >&2; exit 1; }
}
if [ -n "$(psql "SELECT 1 FROM pg_database WHERE datname = '$template'")" ]; then
  migrate "$template"
else
  psql "DROP DATABASE IF EXISTS ${database}_importing"
  psql "CREATE DATABASE ${database}_importing"
  echo "importing $letters letters ..."
  migrate "${database}_importing" import --source "$work/letters-$letters.duckdb"
  psql "ALTER DATABASE ${database}_importing RENAME TO $template"
fi
psql "DROP DATABASE IF EXISTS $database"
psql "CREATE DATABASE $database TEMPLATE $template"
psql "ANALYZE" "$database"
psql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" "$database"

ConnectionStrings__lettersdb="$server;Database=$database" Api__Key="$api_key" \
  Catalogue__Path="$work/IBcatalogue-342000.duckdb" DOTNET_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  dotnet "$(out src/SeLetters.Api)" --urls "http://127.0.0.1:$api_port" >"$work/api.log" 2>&1 &
api=$!
until curl -fs "http://127.0.0.1:$api_port/health" >/dev/null; do
  kill -0 "$api" 2>/dev/null || { api=""; tail -20 "$work/api.log" >&2; echo "the API did not start (log: $work/api.log)" >&2; exit 1; }
  sleep 0.2
done

log_start=$(stat -c %s "$scratch_pgdata/postgres.log")
psql "SELECT pg_stat_statements_reset()" "$database" >/dev/null
status=0
dotnet "$(out bench/load/SeLetters.LoadBench)" \
  --base-url "http://127.0.0.1:$api_port/" --api-key "$api_key" --postgres "$server;Database=$database" \
  --rate "$rate" --latency-seconds "$seconds" --saturation-seconds "$seconds" --output "$root/bench/results" || status=$?
tail -c +"$((log_start + 1))" "$scratch_pgdata/postgres.log" >"$work/run-postgres.log"
statements="$root/bench/results/statements-$(date -u +%Y%m%dT%H%M%SZ).txt"
psql "SELECT rpad(calls::text, 8) || rpad(round(total_exec_time)::text, 10) || rpad(round(mean_exec_time::numeric, 2)::text, 9)
        || left(regexp_replace(query, '\s+', ' ', 'g'), 170)
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY total_exec_time DESC LIMIT 15" "$database" | sed '1i calls   total ms  mean ms  statement (the whole run, pgbench included)' | tee "$statements"
dotnet "$(out bench/load/SeLetters.LoadBench)" plans --log "$work/run-postgres.log" --output "$root/bench/results"
exit "$status"
