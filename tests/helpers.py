import os
import subprocess
import sys
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "p9!x7kq$2m#wz4t@v8b&c6n^j3h*r5y(e1u)i0o-a_s+d=f~g|l<k>m?q.w,z;x:c",
    "ALLOWED_HOSTS": "essplan.lecotentin.fr",
    "CSRF_TRUSTED_ORIGINS": "https://essplan.lecotentin.fr",
}


def run_python(code, **env):
    """Run CODE in a fresh interpreter with essplan settings and ENV added to a clean environment."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "PYTEST_XDIST_WORKER",
        }
    }
    environment.update(DJANGO_SETTINGS_MODULE="essplan.settings", **PRODUCTION_ENV)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_manage(*args, **env):
    return run_python(
        "import sys; from django.core.management import execute_from_command_line;"
        f"execute_from_command_line(['manage.py', *{list(args)!r}])",
        **env,
    )


def at_once(*calls, timeout=120):
    """Run each of CALLS in a thread of its own, all released at the same moment; their
    results, in order. Each thread closes its database connection when done."""
    import threading

    from django.db import connection

    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


def named_urls(resolver=None, namespace=""):
    """(namespaced name, pattern) of every named URL of the project."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry
