"""One GET to a running API timed on a kept-alive connection, for the scripts of bench/search."""
import http.client
import sys
import time
import urllib.parse


DEFAULT_BASE_URL = "http://127.0.0.1:29340/"  # where bench/load/stack.sh starts the API


class TimedApi:
    """A kept-alive connection to the API; a request that is not answered 200 ends the script, naming it."""

    def __init__(self, script: str, base_url: str | None = None) -> None:
        """The server at base_url, else the API at the command line's first argument, by default DEFAULT_BASE_URL."""
        self.base = urllib.parse.urlparse(base_url or (sys.argv[1] if len(sys.argv) > 1 else DEFAULT_BASE_URL))
        self._script = script
        self._connection = http.client.HTTPConnection(self.base.hostname, self.base.port)

    def get(self, path: str) -> float:
        """Milliseconds from sending GET path to reading the whole answer."""
        start = time.perf_counter()
        self._connection.request("GET", path)
        response = self._connection.getresponse()
        response.read()
        if response.status != 200:
            sys.exit(f"{self._script}: {path} answered {response.status}")
        return (time.perf_counter() - start) * 1000

    def get_after_idle(self, path: str, idle_ms: float) -> float:
        """get(path) after idle_ms of idle, as a user's click comes: the server's threads asleep, their caches cold."""
        time.sleep(idle_ms / 1000)
        return self.get(path)
