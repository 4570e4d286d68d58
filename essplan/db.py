"""The embedded PostgreSQL server used when no DATABASE_URL is set.

pgserver ships the PostgreSQL binaries and starts a server whose data lives in
``var/pgdata``. Two of its pitfalls are handled here:

* a process killed by a signal never removes its pid from ``.handle_pids.json``,
  so the server would never be stopped again: dead pids are pruned, under
  pgserver's own lock, before the server is requested;
* run as root, pgserver runs PostgreSQL as a ``pgserver`` system user and opens
  read/execute permissions on the parent folders of the data directory, which is
  why the data directory stays inside the project (``var/``).
"""

import json
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import psutil

PGDATA = Path(__file__).resolve().parent.parent / "var" / "pgdata"


def _pgserver() -> Any:
    """Import pgserver, which warns on import when XDG_RUNTIME_DIR is unset (it uses /tmp)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pgserver
        import pgserver.postgres_server
    return pgserver


def prune_dead_handles(pgdata: Path) -> list[int]:
    """Drop the pids of processes that died without deregistering; return them."""
    PostgresServer = _pgserver().postgres_server.PostgresServer

    handles = pgdata / ".handle_pids.json"
    with PostgresServer._lock:
        if not handles.exists():
            return []
        pids = json.loads(handles.read_text() or "[]")
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))
        return [pid for pid in pids if pid not in alive]


@cache
def socket_dir(pgdata: Path = PGDATA) -> str:
    """Start (or join) the embedded server and return its socket directory."""
    pgserver = _pgserver()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if pgdata.exists():
        prune_dead_handles(pgdata)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    return str(server.get_postmaster_info().socket_dir)
