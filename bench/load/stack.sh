# Sourced by bench/load/run.sh and bench/search/run.sh: the stack a benchmark measures, on this machine only.
# bench_stack LETTERS SKEW: builds the migration service and the driver in Release, publishes the API as its container
# is (linux-x64, precompiled) into $work/api; starts a scratch PostgreSQL
# from the installed binaries in $BENCH_WORK (default /tmp/seletters-bench-load, port $BENCH_PORT, default 29339; shared
# with bench/import through bench/scratch-postgres.sh); generates LETTERS letters and a 342,000-product IBcatalogue once
# per size (SeLetters.LoadBench prepare) and imports them through the migration service into a template database, once
# per size, with a skewed copy of it (skew.sql) when SKEW is on; starts each run on a fresh copy ($database) brought up to
# date by the migration service; starts the API on 127.0.0.1:$BENCH_API_PORT (default 29340; its log: $work/api.log).
# Sets $root, $work, $server, $database, $api_url, $api_key, $api, $out_dir and psql(); stops everything on exit.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${BENCH_WORK:-/tmp/seletters-bench-load}"
# Below the ephemeral range (32768+), where an outgoing connection can hold the port at the wrong moment.
port="${BENCH_PORT:-29339}"
api_port="${BENCH_API_PORT:-29340}"
api_url="http://127.0.0.1:$api_port/"
api_key="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
server="Host=127.0.0.1;Port=$port;Username=postgres"
out() { echo "$root/$1/bin/Release/net10.0/$(basename "$1").dll"; }
driver() { dotnet "$(out bench/load/SeLetters.LoadBench)" "$@"; }
psql() { PGOPTIONS="-c client_min_messages=warning" "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d "${2:-postgres}" -v ON_ERROR_STOP=1 -qAtc "$1"; }

bench_stack() {
  local letters="$1" skew="$2"
  for project in src/SeLetters.MigrationService bench/load/SeLetters.LoadBench; do
    dotnet build -c Release -v q -nologo "$root/$project" >/dev/null
  done
  # The API runs as its container does: published for linux-x64, so precompiled (SeLetters.Api.csproj).
  dotnet publish -c Release -r linux-x64 --self-contained false -v q -nologo "$root/src/SeLetters.Api" -o "$work/api" >/dev/null

  . "$root/bench/scratch-postgres.sh"
  # The API's pool (100) and pgbench's 100 clients overlap while the API's idle connections age out; 1 GB of shared
  # buffers, as a database server of this size would have; auto_explain logs the plan of a sample of all statements, so
  # the report can show the plans the searches really used; pg_stat_statements says where the database's time went.
  scratch_postgres_start "$work" "$port" -c max_connections=300 -c shared_buffers=1GB -c session_preload_libraries=auto_explain \
    -c auto_explain.log_min_duration=0 -c auto_explain.sample_rate=0.05 -c auto_explain.log_format=json \
    -c shared_preload_libraries=pg_stat_statements
  api=""
  trap bench_stop EXIT

  driver prepare --letters "$letters" --work "$work"
  local imported="load_${letters}_template" template="load_${letters}_template"
  # The import runs once per size into a template; every run starts from a fresh copy of it, the template brought up to
  # date first by the migration service (without a source it only applies new migrations).
  if [ -n "$(psql "SELECT 1 FROM pg_database WHERE datname = '$imported'")" ]; then
    migrate "$imported"
  else
    psql "DROP DATABASE IF EXISTS load_${letters}_importing"
    psql "CREATE DATABASE load_${letters}_importing"
    echo "importing $letters letters ..."
    migrate "load_${letters}_importing" import --source "$work/letters-$letters.duckdb"
    psql "ALTER DATABASE load_${letters}_importing RENAME TO $imported"
  fi
  if [ "$skew" = on ]; then
    template="load_${letters}_skewed_template"
    if [ -n "$(psql "SELECT 1 FROM pg_database WHERE datname = '$template'")" ]; then
      migrate "$template"
    else
      echo "skewing a copy of the $letters letters (bench/load/skew.sql) ..."
      psql "DROP DATABASE IF EXISTS load_${letters}_skewing"
      psql "CREATE DATABASE load_${letters}_skewing TEMPLATE $imported"
      PGOPTIONS="-c client_min_messages=warning" "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d "load_${letters}_skewing" -v ON_ERROR_STOP=1 -q -f "$root/bench/load/skew.sql" >/dev/null
      # Rewritten rows would otherwise sit wherever the update left them: the copy is laid out as an import leaves it.
      for table in letters letter_search letter_products letter_product_search; do
        psql "VACUUM (FULL, ANALYZE) $table" "load_${letters}_skewing"
      done
      psql "ALTER DATABASE load_${letters}_skewing RENAME TO $template"
    fi
  fi
  database="load_$letters"
  psql "DROP DATABASE IF EXISTS $database"
  psql "CREATE DATABASE $database TEMPLATE $template"
  # A copy of a template starts with an empty visibility map and no statistics counters, so autovacuum would not come by
  # during a run: the first phase paid heap reads for every index-only walk. Measured as a database autovacuum keeps up.
  psql "VACUUM (ANALYZE)" "$database"
  psql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" "$database"

  ConnectionStrings__lettersdb="$server;Database=$database" Api__Key="$api_key" \
    Catalogue__Path="$work/IBcatalogue-342000.duckdb" DOTNET_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    dotnet "$work/api/SeLetters.Api.dll" --urls "${api_url%/}" >"$work/api.log" 2>&1 &
  api=$!
  until curl -fs "${api_url}health" >/dev/null; do
    kill -0 "$api" 2>/dev/null || { api=""; tail -20 "$work/api.log" >&2; echo "the API did not start (log: $work/api.log)" >&2; exit 1; }
    sleep 0.2
  done
  out_dir="$root/bench/results"
}

migrate() {
  ConnectionStrings__lettersdb="$server;Database=$1" DOTNET_ENVIRONMENT=Production Import__Sample=false \
    dotnet "$(out src/SeLetters.MigrationService)" "${@:2}" >"$work/migration-service.log" 2>&1 \
    || { tail -5 "$work/migration-service.log" >&2; echo "the migration service failed (log: $work/migration-service.log)" >&2; exit 1; }
}

bench_stop() {
  [ -n "$api" ] && kill "$api" 2>/dev/null && wait "$api" 2>/dev/null
  scratch_postgres_stop
}
