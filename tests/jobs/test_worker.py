"""Jobs run by real worker processes (django-tasks-db's db_worker) over the test database:
once even with two workers or when queued twice, never after being cancelled, and marked
failed when their worker is killed."""

import datetime
import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actions.models import Plan
from essplan import roles
from jobs.models import STALE_AFTER, Job, Status
from jobs.runner import LOST_WORKER, reap, run_job
from reports.jobs import start_report
from reports.models import AnnualReport, Kind
from structures.models import Structure
from tests.conftest import COTENTIN, make_user
from tests.helpers import BASE_DIR, PRODUCTION_ENV
from tests.jobs.test_import_jobs import THREE
from tests.structures.test_import import CONFIRM
from tests.structures.test_import import URL as IMPORT

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
WAIT = 180  # seconds a worker may take on a busy machine before the test gives up


def database_url():
    params = connection.get_connection_params()
    host = quote(str(params.get("host") or ""), safe="")
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{params.get('user') or 'postgres'}@{host}{port}/{params['dbname']}"


def worker(*options):
    """A db_worker process on the test database, writing files where the test reads them."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    env.update(
        PRODUCTION_ENV,
        DATABASE_URL=database_url(),
        JOBS_BACKEND="default",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        DJANGO_SETTINGS_MODULE="essplan.settings",
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", *options],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def finish(*processes):
    for process in processes:
        try:
            process.wait(timeout=WAIT)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    return [process.returncode for process in processes]


def until(condition):
    """Wait for CONDITION() (bounded by WAIT, polled: no fixed wait on the worker)."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "le processus de travail n'a pas avancé à temps"
        time.sleep(0.2)


@pytest.fixture
def queued(settings):
    settings.JOBS_BACKEND = "default"
    user = make_user("alice")
    return start_report(Plan.objects.get(slug=COTENTIN), 2024, Kind.ANNUAL, user)


def test_two_workers_run_a_job_queued_twice_once(queued):
    assert queued.status == Status.WAITING and not AnnualReport.objects.exists()
    run_job.using(backend="default").enqueue(str(queued.pk))  # the same job queued again
    assert finish(worker("--batch"), worker("--batch")) == [0, 0]
    queued.refresh_from_db()
    assert queued.status == Status.DONE, queued.error
    assert queued.message.startswith(
        "Rapport annuel 2024 du « Plan d'actions ESS 2023-2025 » : généré ("
    )
    assert queued.done == queued.total == 3
    report = AnnualReport.objects.get()  # once, although two tasks and two workers
    assert report.file.read().startswith(b"%PDF-")


def test_a_cancelled_job_never_runs(client, queued):
    client.force_login(queued.created_by)
    client.post(reverse("jobs:job_cancel", kwargs={"pk": queued.pk}))
    assert finish(worker("--batch")) == [0]
    queued.refresh_from_db()
    assert queued.status == Status.CANCELLED and not AnnualReport.objects.exists()


def test_the_page_of_a_waiting_job_says_it_waits_for_a_worker(client, queued):
    client.force_login(queued.created_by)
    page = client.get(queued.get_absolute_url()).content.decode()
    assert "attend un processus de travail" in page and "Annuler ce travail" in page
    state = client.get(reverse("jobs:job_state", kwargs={"pk": queued.pk})).json()
    assert (state["status"], state["finished"]) == ("en_attente", False)
    other = make_user("bruno")
    client.force_login(other)
    assert client.get(queued.get_absolute_url()).status_code == 404  # not the asker's


def test_a_job_whose_worker_is_killed_is_marked_failed(settings):
    """The evaluation of the seed plan takes seconds: the worker is killed while it runs."""
    settings.JOBS_BACKEND = "default"
    job = start_report(Plan.objects.get(slug=COTENTIN), None, Kind.EVALUATION, make_user("alice"))
    process = worker()
    try:
        until(lambda: Job.objects.get(pk=job.pk).status != Status.WAITING)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        finish(process)
    job.refresh_from_db()
    if job.status == Status.DONE:  # too fast to be caught running: nothing to reap
        pytest.fail("le bilan s'est terminé avant l'arrêt du processus : test sans objet")
    assert job.status == Status.RUNNING
    assert reap() == 0  # its heartbeat is recent: the worker might still be alive
    assert reap(now=timezone.now() + STALE_AFTER + datetime.timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert (job.status, job.error) == (Status.FAILED, LOST_WORKER)
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED  # was left RUNNING
    assert not AnnualReport.objects.exists()


def test_a_large_import_is_checked_then_imported_by_a_worker(client, settings):
    """A file above IMPORT_JOB_ROWS: its dry run, then its confirmation, each done by a
    worker; nothing is written before the confirmation."""
    settings.JOBS_BACKEND = "default"
    settings.IMPORT_JOB_ROWS = 1
    client.force_login(make_user("emile", roles.EDITOR))
    before = Structure.objects.count()
    client.post(IMPORT, {"file": SimpleUploadedFile("annuaire.csv", THREE.encode())})
    check = Job.objects.get(arguments__step="check")
    assert check.status == Status.WAITING
    assert finish(worker("--batch")) == [0]
    check.refresh_from_db()
    assert check.status == Status.DONE, check.error
    assert Structure.objects.count() == before
    client.post(CONFIRM, {"token": check.result["token"]})
    client.post(CONFIRM, {"token": check.result["token"]})  # clicked twice
    assert finish(worker("--batch"), worker("--batch")) == [0, 0]
    confirm = Job.objects.get(arguments__step="confirm")
    assert confirm.status == Status.DONE, confirm.error
    assert confirm.message == "Import terminé : 3 structures créées, 0 mise à jour."
    assert Structure.objects.count() == before + 3
