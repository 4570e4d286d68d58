"""A real load balancer (Debian's haproxy) before one or two application servers, and the
machine's CPU use while wrk loads a page through it."""

import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench import load

CONFIG = """global
    maxconn 512
defaults
    mode http
    timeout connect 5s
    timeout client 120s
    timeout server 120s
frontend essplan
    bind 127.0.0.1:{port}
    default_backend app
backend app
    balance roundrobin
{servers}
"""


class Balancer:
    """haproxy on a free loopback port, round robin over SERVERS (bench.load.Server)."""

    def __init__(self, servers):
        self.port = load.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        lines = [
            f"    server app{number} 127.0.0.1:{server.port}"
            for number, server in enumerate(servers, start=1)
        ]
        self.config = CONFIG.format(port=self.port, servers="\n".join(lines))
        self.process = None

    def __enter__(self):
        self.file = tempfile.NamedTemporaryFile("w", suffix=".cfg")  # noqa: SIM115
        self.file.write(self.config)
        self.file.flush()
        self.process = subprocess.Popen(
            ["haproxy", "-db", "-f", self.file.name],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=5).read()
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError("haproxy ne répond pas") from None
                time.sleep(0.2)

    def __exit__(self, *exc_info):
        load.stop_group(self.process, timeout=10)
        self.file.close()


def cpu_times():
    """(busy, total) jiffies of all the machine's cores."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def measured(url, headers, *, duration, connections):
    """wrk's figures for URL, with the share of the machine's CPU that was busy meanwhile."""
    load.wrk(url, headers, duration=1, connections=connections)  # warm-up
    busy, total = cpu_times()
    figures = load.wrk(url, headers, duration=duration, connections=connections)
    busy_after, total_after = cpu_times()
    figures["cpu"] = round((busy_after - busy) / max(total_after - total, 1), 3)
    return figures


def one_and_two_servers(env, urls, headers_of, *, duration, connections):
    """{"1": {page: figures}, "2": {page: figures}}: each page through haproxy before one,
    then two application servers (each gunicorn with 2 workers)."""
    results = {}
    with load.Server(env) as first, load.Server(env) as second:
        for count, servers in (("1", [first]), ("2", [first, second])):
            with Balancer(servers) as balancer:
                results[count] = {}
                for name, url in urls.items():
                    load.check(balancer.base + url, headers_of(name))
                    results[count][name] = measured(
                        balancer.base + url,
                        headers_of(name),
                        duration=duration,
                        connections=connections,
                    )
    return results
