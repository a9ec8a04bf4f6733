#!/usr/bin/env bash
# Store benchmark: bash bench/store/run.sh [PRODUCTS ...] (default: 200 800 3200). Stores letters with N products and a
# match per product through the API (POST /api/letters, as the pipeline does) on a scratch PostgreSQL of its own, and
# prints, per N, the median seconds of 5 stores (after one warm-up store) and its ratio to the first N's.
set -euo pipefail
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(200 800 3200)
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${BENCH_WORK:-/tmp/seletters-bench-store}"
port="${BENCH_PORT:-29341}"
api_port="${BENCH_API_PORT:-29342}"
api_key="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
server="Host=127.0.0.1;Port=$port;Username=postgres"

for project in src/SeLetters.MigrationService src/SeLetters.Api; do
  dotnet build -c Release -v q -nologo "$root/$project" >/dev/null
done
out() { echo "$root/$1/bin/Release/net10.0/$(basename "$1").dll"; }

. "$root/bench/scratch-postgres.sh"
scratch_postgres_start "$work" "$port"
api=""
cleanup() {
  [ -n "$api" ] && kill "$api" 2>/dev/null && wait "$api" 2>/dev/null
  scratch_postgres_stop
}
trap cleanup EXIT

"$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "DROP DATABASE IF EXISTS store_bench" -c "CREATE DATABASE store_bench"
ConnectionStrings__lettersdb="$server;Database=store_bench" DOTNET_ENVIRONMENT=Production \
  dotnet "$(out src/SeLetters.MigrationService)" >"$work/migration-service.log" 2>&1 \
  || { tail -5 "$work/migration-service.log" >&2; exit 1; }
# A slow store is measured, not cut off by the default 30 s command timeout.
ConnectionStrings__lettersdb="$server;Database=store_bench;Command Timeout=900" Api__Key="$api_key" DOTNET_ENVIRONMENT=Production \
  Logging__LogLevel__Default=Warning dotnet "$(out src/SeLetters.Api)" --urls "http://127.0.0.1:$api_port" >"$work/api.log" 2>&1 &
api=$!
until curl -fs "http://127.0.0.1:$api_port/health" >/dev/null; do
  kill -0 "$api" 2>/dev/null || { api=""; tail -20 "$work/api.log" >&2; exit 1; }
  sleep 0.2
done

# One letter with N products, each with one catalogue match.
letter() {
  local n="$1" i
  printf '{"document_name":"Bench %s.pdf","source_file_path":"/bench/%s.pdf","document_title":"Store benchmark","products":[' "$n" "$n"
  for ((i = 1; i <= n; i++)); do
    [ "$i" -gt 1 ] && printf ','
    printf '{"product_identifier":"LC1D%05d","range_label":"TeSys D","matches":[{"ibcatalogue_product_identifier":"IB%05d","match_confidence":0.9}]}' "$i" "$i"
  done
  printf ']}'
}

store() {
  curl -fsS --max-time 1800 -o /dev/null -w '%{time_total}\n' -H "X-Api-Key: $api_key" -H 'Content-Type: application/json' \
    --data-binary "@$1" "http://127.0.0.1:$api_port/api/letters"
}

first=""
printf '%-9s %-10s %s\n' products "median s" "ratio"
for n in "${sizes[@]}"; do
  letter "$n" >"$work/letter-$n.json"
  store "$work/letter-$n.json" >/dev/null
  median=$(for _ in 1 2 3 4 5; do store "$work/letter-$n.json"; done | sort -g | sed -n 3p)
  first="${first:-$median}"
  printf '%-9s %-10s %s\n' "$n" "$median" "$(awk -v a="$median" -v b="$first" 'BEGIN { printf "%.1f", a / b }')"
done
