#!/usr/bin/env bash
# Import benchmark: bash bench/import/run.sh [N letters, default 100000]. Starts its own PostgreSQL from the installed
# binaries in a scratch folder, builds in Release, prints rows/s of (a) the import, (b) CSV + psql \copy, (c) row-by-row
# INSERTs, the ratios a/b and a/c, and the import's peak RSS.
set -euo pipefail
letters="${1:-100000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${BENCH_WORK:-/tmp/seletters-bench}"
port="${BENCH_PORT:-54329}"
. "$root/bench/scratch-postgres.sh"
scratch_postgres_start "$work" "$port"
trap scratch_postgres_stop EXIT

dotnet build -c Release -v q -nologo "$root/src/SeLetters.MigrationService" >/dev/null
dotnet build -c Release -v q -nologo "$root/bench/import/SeLetters.Bench.Import" >/dev/null
dotnet "$root/bench/import/SeLetters.Bench.Import/bin/Release/net10.0/SeLetters.Bench.Import.dll" \
  --letters "$letters" --work "$work" \
  --server "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres" \
  --migration-service "$root/src/SeLetters.MigrationService/bin/Release/net10.0/SeLetters.MigrationService.dll" \
  --psql "$pg_bin/psql"
