"""gunicorn serving the app on loopback, and wrk driving load against it."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("wrk_report.lua")
ROTATE = Path(__file__).with_name("wrk_rotate.lua")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with production settings, WORKERS sync workers, on 127.0.0.1.

    A context manager: the server, its workers included (a process group of its own), is
    stopped on the way out whatever happened, even when it never answered. Its output goes to
    a log file, never to the caller's pipes, which a stray worker would keep open."""

    def __init__(self, env, workers=2, start_timeout=300):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env, self.workers, self.start_timeout = env, workers, start_timeout
        self.log = None
        self.process = None

    def __enter__(self):
        self.log = open(ROOT / "bench" / f"gunicorn-{self.port}.log", "w+b")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "essplan.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        try:
            self.wait_until_ready()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info):
        self.close()

    def wait_until_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=5).read()
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"gunicorn s'est arrêté au démarrage : {self.output()}"
                    ) from None
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn ne répond pas sur /healthz : {self.output()}")

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-2000:]

    def close(self):
        """Stop the server and its workers: SIGTERM to the group, SIGKILL if it lingers."""
        if self.process is not None and self.process.poll() is None:
            stop_group(self.process, timeout=30)
        if self.log is not None:
            self.log.close()
            Path(self.log.name).unlink(missing_ok=True)
            self.log = None


def stop_group(process, timeout):
    """SIGTERM to PROCESS's process group, then SIGKILL after TIMEOUT seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue


def check(url, headers):
    """The page answers 200 and is not the login page: wrk counts a redirect as a success."""
    request = urllib.request.Request(url, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        response = urllib.request.build_opener(NoRedirect).open(request, timeout=120)
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{url} : HTTP {error.code}") from None
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{url} : HTTP {response.status}")
    return len(body)


def wrk(url, headers, *, duration, connections=8, threads=2):
    """wrk's figures for URL: bounded by DURATION seconds, CONNECTIONS at once."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        command + [url], capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    return figures(output)


def figures(output):
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    return json.loads(line.removeprefix("WRK_JSON "))


@contextlib.contextmanager
def reading(base, pages, *, connections=8, threads=2):
    """wrk reading PAGES ({path: headers}) from BASE in turn for as long as the block lasts;
    the dict it yields holds wrk's figures once the block is left (wrk, interrupted, prints
    them as it stops)."""
    results = {}
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", encoding="utf-8") as listed:
        for path, headers in pages.items():
            listed.write(f"{path}\t{headers.get('Cookie', '')}\n")
        listed.flush()
        process = subprocess.Popen(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                "-d86400s",
                "--timeout",
                "30s",
                "-s",
                str(ROTATE),
                base + next(iter(pages)),
                "--",
                listed.name,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        try:
            yield results
            process.send_signal(signal.SIGINT)
            output, _ = process.communicate(timeout=120)
            results.update(figures(output))
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def child_env(**extra):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return {**env, **extra}
