"""gunicorn serving the app on loopback, and wrk driving load against it."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("wrk_report.lua")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with production settings, WORKERS sync workers, on 127.0.0.1."""

    def __init__(self, env, workers=2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "essplan.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--timeout", "120", "--log-level", "warning"],
            cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=2).read()
                return
            except (urllib.error.URLError, ConnectionError):
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn s'est arrêté au démarrage") from None
                time.sleep(0.3)
        raise RuntimeError("gunicorn ne répond pas sur /healthz")

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=30)


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
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s",
               "-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True,
                            timeout=duration + 60).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    return json.loads(line.removeprefix("WRK_JSON "))


def child_env(**extra):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return {**env, **extra}
