#!/usr/bin/env python3
"""What any server pays on this machine for a request after idle, whatever its code: the part of the grid's floor that
the API cannot lower.

    python3 bench/search/machine-floor.py [PG_PORT] [REQUESTS]

Two round trips, each REQUESTS times in a row and REQUESTS times after each idle of IDLE_MS: 4 ms, a term-less seed SQL's
time (one of the gaps the grid leaves before a search), and 20 ms, as fixed-cost.py's last columns and as a
user's click comes:
- an HTTP GET answered by a one-thread responder in another Python process: a canned answer, no framework, no database;
- `SELECT 1`, prepared, sent by pgbench to the bench stack's PostgreSQL (PG_PORT, 29339 by default, where
  bench/load/stack.sh starts it): one round trip to a backend, without HTTP.
A search without a term needs both, then its statement's own work, before the API's code adds anything.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile

from api_timing import TimedApi

IDLE_MS = (4, 20)
PGBENCH = "/usr/lib/postgresql/15/bin/pgbench"

# Answers every GET on one kept-alive connection at a time; prints its port once listening.
RESPONDER = r"""
import socket
server = socket.create_server(("127.0.0.1", 0))
print(server.getsockname()[1], flush=True)
answer = b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nContent-Type: text/plain\r\n\r\nHealthy"
while True:
    client, _ = server.accept()
    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    pending = b""
    while data := client.recv(65536):
        pending += data
        while b"\r\n\r\n" in pending:
            _, pending = pending.split(b"\r\n\r\n", 1)
            client.sendall(answer)
"""


def http_round_trips(count: int) -> list[float]:
    """Medians: in a row, then after each idle."""
    responder = subprocess.Popen([sys.executable, "-c", RESPONDER], stdout=subprocess.PIPE, text=True)
    try:
        server = TimedApi("machine-floor", f"http://127.0.0.1:{responder.stdout.readline().strip()}/")
        for _ in range(1000):
            server.get("/")
        return [statistics.median(server.get("/") for _ in range(count))] + [
            statistics.median(server.get_after_idle("/", idle_ms) for _ in range(count)) for idle_ms in IDLE_MS]
    finally:
        responder.kill()


def select_one_ms(port: str, count: int, script: str) -> float:
    """pgbench's average latency of the script's SELECT 1 (pgbench gives no median)."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as file:
        file.write(script)
        file.flush()
        run = subprocess.run(
            [PGBENCH, "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-n", "-M", "prepared", "-r", "-t", str(count), "-f", file.name, "postgres"],
            capture_output=True, text=True, env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"})
    latency = re.search(r"^\s*([0-9.]+)\s+\d+\s+SELECT 1;$", run.stdout, re.MULTILINE)
    if run.returncode != 0 or latency is None:
        sys.exit(f"machine-floor: pgbench on port {port} failed: {run.stderr.strip() or run.stdout.strip()}")
    return float(latency.group(1))


def main() -> None:
    port = sys.argv[1] if len(sys.argv) > 1 else "29339"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    http = http_round_trips(count)
    select_one_ms(port, 1000, "SELECT 1;\n")  # unmeasured: the server's caches warm, as the responder's
    select = [select_one_ms(port, count, "SELECT 1;\n")] + [
        select_one_ms(port, count, f"\\sleep {idle_ms} ms\nSELECT 1;\n") for idle_ms in IDLE_MS]
    print("| round trip | in a row ms | " + " | ".join(f"after {idle_ms} ms idle ms" for idle_ms in IDLE_MS) + " |")
    print("|---|" + "---:|" * (1 + len(IDLE_MS)))
    print("| HTTP GET, a one-thread Python responder (medians) | " + " | ".join(f"{ms:.2f}" for ms in http) + " |")
    print("| SELECT 1 on PostgreSQL, pgbench, prepared (averages) | " + " | ".join(f"{ms:.2f}" for ms in select) + " |")


if __name__ == "__main__":
    main()
