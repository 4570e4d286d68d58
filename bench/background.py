"""The long work done by a real worker process (manage.py db_worker), as a user starts it:
a large import confirmed (« Confirmer » to « terminé »), the large plan's annual report.

Called by bench/run.py once the bench database is built; the import writes its rows for
good (new SIRETs, after the pages were measured)."""

import subprocess
import sys
import threading
import time
from pathlib import Path

from django.test import Client
from django.urls import reverse

from jobs.models import Job, Status

ROOT = Path(__file__).resolve().parent.parent
POLL = 0.5  # seconds between two readings of the job's state (its page: every 2 s)


class Worker:
    """A db_worker process, its peak resident memory read from /proc while it runs."""

    def __init__(self, env):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.peak_kib = 0
        self.stop = threading.Event()
        self.watcher = threading.Thread(target=self.watch, daemon=True)
        self.watcher.start()

    def watch(self):
        status = Path(f"/proc/{self.process.pid}/status")
        while not self.stop.wait(0.1):
            try:
                line = next(
                    line for line in status.read_text().splitlines() if line.startswith("VmHWM:")
                )
            except (OSError, StopIteration):
                continue
            self.peak_kib = max(self.peak_kib, int(line.split()[1]))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        self.watcher.join()
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def until_finished(client, job_url, timeout=3600):
    """Poll the job's state as its page does; the job once finished."""
    state_url = job_url.rstrip("/") + "/etat/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get(state_url).json()["finished"]:
            return
        time.sleep(POLL)
    raise RuntimeError(f"{job_url} : pas terminé en {timeout} s")


def confirmed_import(editor, rows, env):
    """Stage ROWS (a user's spreadsheet) as checked, then click « Confirmer » and wait for
    « terminé » with a worker running: seconds, rows/s of the worker, its peak memory."""
    from bench.dataset import as_spreadsheet
    from essplan.imports import read_versions, stage
    from structures.resources import StructureResource

    client = Client()
    client.force_login(editor)
    token = stage(
        as_spreadsheet(rows),
        namespace="structures",
        user=editor,
        file_name="banc-import.csv",
        read=read_versions(StructureResource()),
    )
    with Worker(env) as worker:
        started = time.perf_counter()
        response = client.post(reverse("structures:structure_import_confirm"), {"token": token})
        if response.status_code != 302 or "/travaux/" not in response.url:
            raise RuntimeError(f"« Confirmer » : HTTP {response.status_code}, pas de travail")
        until_finished(client, response.url)
        seconds = time.perf_counter() - started
    job = Job.objects.get(kind="import", arguments__token=token)
    if job.status != Status.DONE or not job.message.startswith("Import terminé"):
        raise RuntimeError(f"import en échec : {job.error or job.message}")
    working = (job.finished_at - job.started_at).total_seconds()
    return {
        "rows": len(rows),
        "click_to_done_s": round(seconds, 2),
        "worker_s": round(working, 2),
        "rows_per_s": round(len(rows) / working, 1),
        "worker_peak_mib": round(worker.peak_kib / 1024, 1),
        "message": job.message,
    }


def generated_report(admin, plan, year, env):
    """The annual report of PLAN asked for on the Rapports page and made by a worker."""
    from reports.models import AnnualReport

    client = Client()
    client.force_login(admin)
    with Worker(env) as worker:
        started = time.perf_counter()
        response = client.post(
            reverse("reports:report_generate"), {"kind": "annuel", "plan": plan.pk, "year": year}
        )
        if response.status_code != 302 or "/travaux/" not in response.url:
            raise RuntimeError(f"génération : HTTP {response.status_code}, pas de travail")
        until_finished(client, response.url)
        seconds = time.perf_counter() - started
    report = AnnualReport.objects.filter(plan=plan, year=year).latest("generated_at")
    return {
        "pages": report.page_count,
        "click_to_done_s": round(seconds, 2),
        "worker_peak_mib": round(worker.peak_kib / 1024, 1),
    }
