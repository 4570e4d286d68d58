"""Jobs whose work holds a long transaction, as a large import does: their heartbeat and the
rows read keep moving, their page answers at once, and they are not declared lost. The work
runs in a thread of the test (its own connection, as a worker's), paused inside its
transaction until the test releases it; nothing waits for a fixed time."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from essplan import imports, roles
from essplan.import_jobs import start_confirmation
from jobs import runner
from jobs.models import STALE_AFTER, Job, Status
from structures.models import Structure
from structures.resources import StructureResource
from tests.conftest import make_user
from tests.jobs.test_import_jobs import LIST, THREE
from tests.structures.test_import import URL

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
BOUND = 30  # seconds after which the test gives up: what it waits for comes in a moment


def until(condition):
    """Wait for CONDITION(), written by another connection (polled, bounded by BOUND)."""
    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, "rien n'a bougé à temps"
        time.sleep(0.01)


def in_thread(target):
    """Run TARGET in a thread that closes its database connection when done: the thread."""

    def run():
        try:
            target()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_an_import_paused_in_its_transaction_beats_counts_rows_and_its_page_answers(
    client, settings, monkeypatch
):
    settings.JOBS_BACKEND = "default"  # queued only: the test runs it in a thread of its own
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 0)
    monkeypatch.setattr(runner, "HEARTBEAT_SECONDS", 0.01)
    user = make_user("emile", roles.EDITOR)
    dataset = imports.read_sheet("a.csv", THREE.encode()).dataset
    token = imports.stage(
        dataset,
        namespace="structures",
        user=user,
        file_name="a.csv",
        read=imports.read_versions(StructureResource()),
    )
    job = start_confirmation(
        token,
        StructureResource(),
        namespace="structures",
        user=user,
        page_url=URL,
        done_url=LIST,
        created=("structure créée", "structures créées"),
    )
    inside, release, rows = threading.Event(), threading.Event(), []
    before_import_row = StructureResource.before_import_row

    def paused(resource, row, **kwargs):
        before_import_row(resource, row, **kwargs)
        rows.append(row)
        if len(rows) == 2:  # the second row: inside the import's transaction
            inside.set()
            release.wait(BOUND)

    monkeypatch.setattr(StructureResource, "before_import_row", paused)
    worker = in_thread(lambda: runner.run_job.call(str(job.pk)))
    try:
        assert inside.wait(BOUND)
        paused_at = timezone.now()
        until(lambda: Job.objects.get(pk=job.pk).heartbeat_at > paused_at)
        until(lambda: Job.objects.get(pk=job.pk).done == 2)
        client.force_login(user)
        started = time.monotonic()
        page = client.get(job.get_absolute_url())
        assert time.monotonic() - started < BOUND
        assert page.context["job"].status == Status.RUNNING
        assert "2 / 3 lignes" in page.content.decode()
        assert not Structure.objects.filter(name="Garage solidaire de la Hague").exists()
    finally:
        release.set()
        worker.join(BOUND)
    job.refresh_from_db()
    assert (job.status, job.error, job.done) == (Status.DONE, "", 3)
    assert job.message == "Import terminé : 3 structures créées, 0 mise à jour."


def test_the_job_page_never_waits_for_a_lock_on_the_job(client):
    """Another transaction holds the row of a silent job (its heartbeat being written, another
    page reaping it): the page answers at once, « en cours »; the next look marks it failed."""
    user = make_user("alice")
    long_ago = timezone.now() - STALE_AFTER - datetime.timedelta(seconds=1)
    job = Job.objects.create(
        kind="essai",
        label="Essai",
        created_by=user,
        status=Status.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    locked, release, released = threading.Event(), threading.Event(), []

    def hold():
        with transaction.atomic():
            Job.objects.select_for_update().get(pk=job.pk)
            locked.set()
            released.append(release.wait(BOUND))

    holder = in_thread(hold)
    try:
        assert locked.wait(BOUND)
        client.force_login(user)
        page = client.get(job.get_absolute_url())
    finally:
        release.set()
        holder.join(BOUND)
    assert released == [True], "la page a attendu la fin de l'autre transaction"
    assert page.context["job"].status == Status.RUNNING
    assert runner.reap() == 1
    job.refresh_from_db()
    assert (job.status, job.error) == (Status.FAILED, runner.LOST_WORKER)
