#!/usr/bin/env python3
"""A search made for the first time (sampled) against the same search again (its way remembered by the API).

    python3 bench/search/first-vs-again.py [BASE_URL] [REPS]

Against a running API (bench/load/stack.sh starts one on http://127.0.0.1:29340/ over the skewed letters). Each search
is warmed three times, then REPS first searches are timed, each made new by a min_confidence 0.000001 apart (another
value is another search to the API's memory), then REPS times the same search; the medians are printed.
"""
import statistics
import sys

from api_timing import TimedApi

SEARCHES = [
    "search=ice&min_confidence={}&sort_by=document_name&sort_order=asc&page=20&limit=25",
    "search=ice&min_confidence={}&sort_by=processing_time_ms&sort_order=asc&page=1&limit=25",
    "search=pdf&min_confidence={}&sort_by=processing_time_ms&sort_order=asc&page=1&limit=25",
    "search=zelio&min_confidence={}&sort_by=extraction_confidence&sort_order=asc&page=1&limit=25",
    "search=qqqzx&min_confidence={}&sort_by=created_at&sort_order=desc&page=1&limit=25",
    "min_confidence={}&sort_by=document_name&sort_order=desc&page=20&limit=25",
]


def main() -> None:
    api = TimedApi("first-vs-again")
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 15

    def timed(query: str) -> float:
        return api.get(f"/api/letters?{query}")

    print("| search | first (sampled) ms | again (remembered) ms |\n|---|---:|---:|")
    for search in SEARCHES:
        for _ in range(3):
            timed(search.format(0.8))
        first = [timed(search.format(round(0.8 + (i + 1) * 1e-6, 6))) for i in range(reps)]
        again = [timed(search.format(0.8)) for _ in range(reps)]
        print(f"| {search.format(0.8)} | {statistics.median(first):.1f} | {statistics.median(again):.1f} |")


if __name__ == "__main__":
    main()
