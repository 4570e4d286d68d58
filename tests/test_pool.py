"""The connection pool (DATABASE_POOL=true) through a database outage, on a throwaway
PostgreSQL cluster the test starts, stops and starts again under a gunicorn server: every
request fails fast (/healthz answers 503 within seconds, not after the pool's 30 s default
wait) and the application is back within seconds of the database, however long the outage
lasted (psycopg_pool's reconnection back-off doubles up to minutes by default)."""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.load import Server, child_env, free_port
from tests.helpers import PRODUCTION_ENV

FAIL_FAST = 10  # seconds: a busy machine's bound for a 503, far below the pool's 30 s wait
# Long enough that psycopg_pool's default back-off (attempts 1, 3, 7, 15, 31 s after the
# failure) would try again only well after the database's return.
OUTAGE = 20
RECOVERY = 5  # seconds after the database's return
START = 120  # seconds a busy machine may take to start the cluster or gunicorn


class Cluster:
    """A PostgreSQL cluster of Debian's initdb/pg_ctl in a temporary directory, on a free
    port, run as the postgres user when the test runs as root (as .ci/run does)."""

    def __init__(self):
        self.bin = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        self.directory = tempfile.mkdtemp(prefix="essplan-pool-pg.")
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self.run("initdb", "-D", self.directory, "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def run(self, program, *args):
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=START)

    def start(self):
        self.run(
            "pg_ctl",
            "-D",
            self.directory,
            "-w",
            "-l",
            f"{self.directory}/log",
            "-o",
            f"-h 127.0.0.1 -p {self.port} -k {self.directory}",
            "start",
        )

    def stop(self, mode="fast"):
        self.run("pg_ctl", "-D", self.directory, "-w", "-m", mode, "stop")

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.directory)


def healthz(server, deadline):
    """/healthz's status, or None when it has not answered by DEADLINE (a monotonic time)."""
    try:
        with urllib.request.urlopen(
            f"{server.base}/healthz", timeout=max(deadline - time.monotonic(), 0.1)
        ) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code
    except TimeoutError:
        return None


def test_with_the_pool_a_database_outage_fails_fast_and_recovery_is_prompt():
    cluster = Cluster()
    try:
        cluster.start()
        env = child_env(**PRODUCTION_ENV, DATABASE_URL=cluster.url, DATABASE_POOL="true")
        env.pop("DEBUG", None)
        with Server(env, workers=1, start_timeout=START) as server:
            cluster.stop()
            stopped = time.monotonic()
            while time.monotonic() < stopped + OUTAGE:
                asked = time.monotonic()
                status = healthz(server, asked + FAIL_FAST)
                assert status == 503, (
                    f"/healthz: {status} (None: no answer) after {time.monotonic() - asked:.1f} s"
                )
            cluster.start()
            back = time.monotonic()
            while (status := healthz(server, back + RECOVERY)) == 503:
                pass
            assert status == 200, (
                f"/healthz: {status} (None: no answer) "
                f"{time.monotonic() - back:.1f} s after the database's return"
            )
    finally:
        cluster.remove()
