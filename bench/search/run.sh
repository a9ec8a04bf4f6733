#!/usr/bin/env bash
# Search grid (bench/search/README.md): bash bench/search/run.sh [--letters 100000] [--skew on|off] [--reps 3] [--pages 1,4,20]
# The stack of bench/load (bench/load/stack.sh), then SeLetters.LoadBench search-grid: every search of the grid through the
# API and as the seed's webapp SQL, interleaved; the report goes to bench/results/search-grid-<letters>-<UTC time>.{md,json}.
# Exit code: the driver's (3: the worst ratio is above 0.25, or a total differs from the seed's count).
set -euo pipefail
letters=100000 skew=on reps=3 pages=1,4,20
while [ $# -gt 0 ]; do
  case "$1" in
    --letters) letters="$2" ;;
    --skew) skew="$2" ;;
    --reps) reps="$2" ;;
    --pages) pages="$2" ;;
    *) echo "usage: $0 [--letters N] [--skew on|off] [--reps N] [--pages 1,4,20]" >&2; exit 2 ;;
  esac
  shift 2
done
. "$(dirname "$0")/../load/stack.sh"
bench_stack "$letters" "$skew"
driver search-grid --base-url "$api_url" --postgres "$server;Database=$database" --reps "$reps" --pages "$pages" \
  --kind "search-grid-$letters" --output "$out_dir"
