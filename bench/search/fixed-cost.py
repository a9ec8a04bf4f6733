#!/usr/bin/env python3
"""What a request costs whatever it searches: latency and CPU per request of the API, PostgreSQL and this client.

    python3 bench/search/fixed-cost.py [BASE_URL] [REQUESTS]

Against a running API (bench/load/stack.sh starts one on http://127.0.0.1:29340/). Each request is sent REQUESTS times
in a row on one kept-alive connection, after 1,000 unmeasured ones (a freshly started API compiles its code again for the first few thousand); CPU is read from /proc before and after: the API's
process (found by its --urls), every process of the postgres user (so run it where no other PostgreSQL is busy) and
this script. On one request at a time the three add up to the latency: the floor under a search without a term, whose
seed SQL (a count of every letter) takes about 5 ms at 100,000 letters. Then each request is timed IDLE_REQUESTS times
more, each after IDLE_MS of idle, as a user's click comes and as the search grid's searches come (after the seed's SQL):
the processes' threads have gone to sleep and their caches cold.
"""
import os
import statistics
import subprocess
import sys
import time

from api_timing import TimedApi

REQUESTS = [
    ("the process answers (/alive)", "/alive"),
    ("get by id", "/api/letters/4242"),
    ("search, no condition", "/api/letters?page=1&limit=25"),
    ("search, status, created_at desc", "/api/letters?status=processed&sort_by=created_at&sort_order=desc&page=1&limit=25"),
    ("search, min_confidence, status desc, page 20", "/api/letters?min_confidence=0.8&sort_by=status&sort_order=desc&page=20&limit=25"),
]

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
IDLE_REQUESTS = 200
IDLE_MS = 20


def cpu_ms(pids: list[str]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (FileNotFoundError, ProcessLookupError):
            pass  # a backend that ended meanwhile
    return total * TICK_MS


def pids(*pgrep_args: str) -> list[str]:
    found = subprocess.run(["pgrep", *pgrep_args], capture_output=True, text=True).stdout.split()
    if not found:
        sys.exit(f"fixed-cost: no process for pgrep {' '.join(pgrep_args)}")
    return found


def main() -> None:
    api = TimedApi("fixed-cost")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    process = pids("-f", f"SeLetters.Api.dll --urls http://{api.base.hostname}:{api.base.port}")

    print(f"| request | median ms | p90 ms | API CPU ms | PostgreSQL CPU ms | client CPU ms | after {IDLE_MS} ms idle: median ms | API CPU ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, path in REQUESTS:
        for _ in range(1000):
            api.get(path)
        postgres = pids("-u", "postgres")
        api_before, postgres_before, client_before = cpu_ms(process), cpu_ms(postgres), time.process_time()
        latencies = sorted(api.get(path) for _ in range(count))
        api_cpu = (cpu_ms(process) - api_before) / count
        postgres_cpu = (cpu_ms(postgres) - postgres_before) / count
        client_cpu = (time.process_time() - client_before) * 1000 / count
        api_before = cpu_ms(process)
        after_idle = statistics.median(api.get_after_idle(path, IDLE_MS) for _ in range(IDLE_REQUESTS))
        api_cpu_after_idle = (cpu_ms(process) - api_before) / IDLE_REQUESTS
        print(f"| {name} | {statistics.median(latencies):.2f} | {latencies[9 * count // 10]:.2f} | {api_cpu:.2f} | {postgres_cpu:.2f} | {client_cpu:.2f} "
              f"| {after_idle:.2f} | {api_cpu_after_idle:.2f} |")


if __name__ == "__main__":
    main()
