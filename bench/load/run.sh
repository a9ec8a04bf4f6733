#!/usr/bin/env bash
# Load benchmark (bench/load/README.md): bash bench/load/run.sh [--letters 100000] [--skew on|off] [--rate 500] [--seconds 60]
# The stack of bench/load/stack.sh (its own PostgreSQL, N imported letters, skewed by default, the API in Release), then
# SeLetters.LoadBench: 50 users pausing 200 ms, the same without pauses, the open loop at --rate, get by id against
# pgbench, each endpoint alone; the report goes to bench/results/load-<letters>-<UTC time>.{md,json}, with the plans of
# the searches (plans-<letters>-*) and the statements that took the database's time (statements-<letters>-*).
# Exit code: the driver's (3: a target was missed).
set -euo pipefail
letters=100000 skew=on rate=500 seconds=60
while [ $# -gt 0 ]; do
  case "$1" in
    --letters) letters="$2" ;;
    --skew) skew="$2" ;;
    --rate) rate="$2" ;;
    --seconds) seconds="$2" ;;
    *) echo "usage: $0 [--letters N] [--skew on|off] [--rate REQUESTS_PER_S] [--seconds PHASE_SECONDS]" >&2; exit 2 ;;
  esac
  shift 2
done
. "$(dirname "$0")/stack.sh"
bench_stack "$letters" "$skew"

log_start=$(stat -c %s "$scratch_pgdata/postgres.log")
psql "SELECT pg_stat_statements_reset()" "$database" >/dev/null
status=0
driver --base-url "$api_url" --api-key "$api_key" --postgres "$server;Database=$database" --skew "$skew" \
  --rate "$rate" --latency-seconds "$seconds" --saturation-seconds "$seconds" \
  --api-pid "$api" --postgres-pid "$(head -1 "$scratch_pgdata/postmaster.pid")" \
  --kind "load-$letters" --output "$out_dir" || status=$?
tail -c +"$((log_start + 1))" "$scratch_pgdata/postgres.log" >"$work/run-postgres.log"
rm -f "$out_dir"/statements-"$letters"-*.txt
statements="$out_dir/statements-$letters-$(date -u +%Y%m%dT%H%M%SZ).txt"
psql "SELECT rpad(calls::text, 8) || rpad(round(total_exec_time)::text, 10) || rpad(round(mean_exec_time::numeric, 2)::text, 9)
        || left(regexp_replace(query, '\s+', ' ', 'g'), 170)
      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY total_exec_time DESC LIMIT 15" "$database" | sed '1i calls   total ms  mean ms  statement (the whole run, pgbench included)' | tee "$statements"
driver plans --log "$work/run-postgres.log" --output "$out_dir" --kind "plans-$letters"
exit "$status"
