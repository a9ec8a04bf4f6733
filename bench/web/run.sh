#!/usr/bin/env bash
# Web benchmark (bench/web/README.md): bash bench/web/run.sh [--letters 100000] [--clients 20] [--seconds 30]
# 1. The API's peak RSS while it exports every letter in each format (a fresh API process per format; VmHWM from
#    /proc before and after). 2. The web app's server time of / and /letters/{id} at N concurrent clients.
# Uses bench/load's scratch PostgreSQL, generated letters and imported template (made once per size).
set -euo pipefail
letters=100000 clients=20 seconds=30
while [ $# -gt 0 ]; do
  case "$1" in
    --letters) letters="$2" ;;
    --clients) clients="$2" ;;
    --seconds) seconds="$2" ;;
    *) echo "usage: $0 [--letters N] [--clients N] [--seconds S]" >&2; exit 2 ;;
  esac
  shift 2
done
root="$(cd "$(dirname "$0")/../.." && pwd)"
# The report (everything below printed) is kept as bench/results/web-<UTC time>.txt.
exec > >(tee "$root/bench/results/web-$(date -u +%Y%m%dT%H%M%SZ).txt")
work="${BENCH_WORK:-/tmp/seletters-bench-load}"
port="${BENCH_PORT:-29339}"
api_port="${BENCH_API_PORT:-29340}"
web_port="${BENCH_WEB_PORT:-29341}"
server="Host=127.0.0.1;Port=$port;Username=postgres"
database="web_$letters"
template="load_${letters}_template"

for project in src/SeLetters.MigrationService src/SeLetters.Api src/SeLetters.Web bench/load/SeLetters.LoadBench bench/web/SeLetters.WebBench; do
  dotnet build -c Release -v q -nologo "$root/$project" >/dev/null
done
out() { echo "$root/$1/bin/Release/net10.0/$(basename "$1").dll"; }

. "$root/bench/scratch-postgres.sh"
scratch_postgres_start "$work" "$port" -c max_connections=300 -c shared_buffers=1GB
api="" web=""
stop() { for pid in "$@"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done; return 0; }
cleanup() { stop "$web" "$api"; scratch_postgres_stop; }
trap cleanup EXIT

psql() { PGOPTIONS="-c client_min_messages=warning" "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d "${2:-postgres}" -v ON_ERROR_STOP=1 -qAtc "$1"; }
migrate() {
  ConnectionStrings__lettersdb="$server;Database=$1" DOTNET_ENVIRONMENT=Production Import__Sample=false \
    dotnet "$(out src/SeLetters.MigrationService)" "${@:2}" >"$work/migration-service.log" 2>&1 \
    || { tail -5 "$work/migration-service.log" >&2; echo "the migration service failed (log: $work/migration-service.log)" >&2; exit 1; }
}
# The same template bench/load imports (and keeps) once per size.
echo "bash bench/web/run.sh --letters $letters --clients $clients --seconds $seconds ($(git -C "$root" rev-parse --short HEAD), $(date -u +%FT%TZ))"
dotnet "$(out bench/load/SeLetters.LoadBench)" prepare --letters "$letters" --work "$work"
if [ -n "$(psql "SELECT 1 FROM pg_database WHERE datname = '$template'")" ]; then
  migrate "$template"
else
  psql "DROP DATABASE IF EXISTS load_${letters}_importing"
  psql "CREATE DATABASE load_${letters}_importing"
  echo "importing $letters letters ..."
  migrate "load_${letters}_importing" import --source "$work/letters-$letters.duckdb"
  psql "ALTER DATABASE load_${letters}_importing RENAME TO $template"
fi
psql "DROP DATABASE IF EXISTS $database"
psql "CREATE DATABASE $database TEMPLATE $template"
psql "ANALYZE" "$database"
max_id=$(psql "SELECT max(id) FROM letters" "$database")

start_api() {
  ConnectionStrings__lettersdb="$server;Database=$database" Api__Key=bench Catalogue__Path="$work/IBcatalogue-342000.duckdb" \
    DOTNET_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    dotnet "$(out src/SeLetters.Api)" --urls "http://127.0.0.1:$api_port" >"$work/api.log" 2>&1 &
  api=$!
  until curl -fs "http://127.0.0.1:$api_port/health" >/dev/null; do
    kill -0 "$api" 2>/dev/null || { tail -20 "$work/api.log" >&2; echo "the API did not start" >&2; exit 1; }
    sleep 0.2
  done
  curl -fs "http://127.0.0.1:$api_port/api/letters?limit=1" >/dev/null
}
peak_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

echo "load average: $(cat /proc/loadavg)"
echo "export of all $letters letters: the API's peak RSS (VmHWM) before and after, one fresh API process per format"
printf '%-8s %12s %14s %14s %10s\n' format bytes "RSS before MB" "RSS peak MB" seconds
for format in csv ndjson xlsx; do
  start_api
  before=$(peak_mb "$api")
  timing=$(curl -fs -o /dev/null -w '%{size_download} %{time_total}' "http://127.0.0.1:$api_port/api/letters/export?format=$format")
  printf '%-8s %12s %14s %14s %10s\n' "$format" "${timing% *}" "$before" "$(peak_mb "$api")" "${timing#* }"
  stop "$api"
  api=""
done

start_api
services__api__http__0="http://127.0.0.1:$api_port" DOTNET_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  dotnet "$(out src/SeLetters.Web)" --urls "http://127.0.0.1:$web_port" >"$work/web.log" 2>&1 &
web=$!
until curl -fs "http://127.0.0.1:$web_port/health" >/dev/null; do
  kill -0 "$web" 2>/dev/null || { tail -20 "$work/web.log" >&2; echo "the web app did not start" >&2; exit 1; }
  sleep 0.2
done
dotnet "$(out bench/web/SeLetters.WebBench)" --base-url "http://127.0.0.1:$web_port" --max-id "$max_id" --clients "$clients" --seconds "$seconds"
