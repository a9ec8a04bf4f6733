#!/usr/bin/env bash
# Import benchmark: bash bench/import/run.sh [N letters, default 100000]. Starts its own PostgreSQL from the installed
# binaries in a scratch folder, builds in Release, prints rows/s of (a) the import, (b) CSV + psql \copy, (c) row-by-row
# INSERTs, the ratios a/b and a/c, and the import's peak RSS.
set -euo pipefail
letters="${1:-100000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${BENCH_WORK:-/tmp/seletters-bench}"
bin="$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
port="${BENCH_PORT:-54329}"
mkdir -p "$work"
chmod 755 "$work"

as_postgres() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups "$@"; else "$@"; fi; }

pgdata="$work/pgdata"
if [ ! -d "$pgdata" ]; then
  mkdir -p "$pgdata"
  [ "$(id -u)" = 0 ] && chown postgres: "$pgdata"
  as_postgres "$bin/initdb" -D "$pgdata" -U postgres --auth=trust >/dev/null
fi
as_postgres "$bin/pg_ctl" -D "$pgdata" -o "-p $port -k /tmp -c fsync=on" -l "$pgdata/postgres.log" -w start >/dev/null
trap 'as_postgres "$bin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null' EXIT

dotnet build -c Release -v q -nologo "$root/src/SeLetters.MigrationService" >/dev/null
dotnet build -c Release -v q -nologo "$root/bench/import/SeLetters.Bench.Import" >/dev/null
dotnet "$root/bench/import/SeLetters.Bench.Import/bin/Release/net10.0/SeLetters.Bench.Import.dll" \
  --letters "$letters" --work "$work" \
  --server "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres" \
  --migration-service "$root/src/SeLetters.MigrationService/bin/Release/net10.0/SeLetters.MigrationService.dll" \
  --psql "$bin/psql"
