"""Jobs run in the request (the immediate backend): their outcome, failure, page and queries."""

import re
from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs import runner
from jobs.models import STALE_AFTER, Job, Status
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_a_refused_job_shows_its_french_cause(client, monkeypatch):
    def refuses(job, progress):
        progress(step="Lecture du fichier", done=1, total=4, unit="lots")
        raise runner.Refused("La colonne « Nom » est absente.")

    monkeypatch.setitem(runner.HANDLERS, "essai", refuses)
    user = make_user("alice")
    job = runner.start("essai", label="Essai", arguments={}, user=user)
    assert (job.status, job.done, job.total, job.step) == (
        Status.FAILED,
        1,
        4,
        "Lecture du fichier",
    )
    assert job.error == "La colonne « Nom » est absente."
    client.force_login(user)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Le travail a échoué" in page and "La colonne « Nom » est absente." in page


def test_an_unexpected_error_shows_a_reference_to_the_log_not_python_s_text(
    client, monkeypatch, caplog
):
    def breaks(job, progress):
        raise NotADirectoryError(20, "Not a directory", "/srv/essplan/media/rapport.pdf/x")

    monkeypatch.setitem(runner.HANDLERS, "essai", breaks)
    user = make_user("alice")
    job = runner.start("essai", label="Essai", arguments={}, user=user)
    found = re.fullmatch(
        r"erreur interne \(référence ([0-9a-f]{8})\) ; l'administrateur du "
        r"serveur en trouve le détail dans le journal sous cette référence\.",
        job.error,
    )
    assert job.status == Status.FAILED and found, job.error
    logged = [record for record in caplog.records if found[1] in record.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info[0] is NotADirectoryError
    client.force_login(user)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Le travail a échoué" in page and found[1] in page
    assert "NotADirectoryError" not in page and "Not a directory" not in page


def test_a_job_that_ends_after_being_wrongly_reaped_keeps_no_failure_text(monkeypatch):
    """Its page's check of silent jobs marked it failed while it ran (its heartbeat held back):
    it ends done, with no failure text."""
    reaped = []

    def works(job, progress):
        reaped.append(runner.reap(now=timezone.now() + STALE_AFTER + timedelta(seconds=1)))
        return {"message": "Fait."}

    monkeypatch.setitem(runner.HANDLERS, "essai", works)
    job = runner.start("essai", label="Essai", arguments={}, user=make_user("alice"))
    assert reaped == [1]
    assert (job.status, job.message, job.error) == (Status.DONE, "Fait.", "")


def test_reaping_a_lost_job_marks_its_task_failed_in_the_tasks_table(settings):
    """django-tasks-db leaves the task of a killed worker « RUNNING » for ever."""
    settings.JOBS_BACKEND = "default"  # queued in django-tasks-db's table, not run
    user = make_user("alice")
    lost, alive = (
        runner.start("essai", label=label, arguments={}, user=user) for label in ("Perdu", "Vivant")
    )
    long_ago = timezone.now() - STALE_AFTER - timedelta(seconds=1)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=long_ago)
    Job.objects.filter(pk=lost.pk).update(status=Status.RUNNING, heartbeat_at=long_ago)
    Job.objects.filter(pk=alive.pk).update(status=Status.RUNNING, heartbeat_at=timezone.now())
    assert runner.reap() == 1
    task = DBTaskResult.objects.get(args_kwargs__args=[str(lost.pk)])
    assert (task.status, task.exception_class_path, task.traceback) == (
        TaskResultStatus.FAILED,
        "jobs.runner.WorkerLost",
        runner.LOST_WORKER,
    )
    assert task.finished_at is not None
    assert (
        DBTaskResult.objects.get(args_kwargs__args=[str(alive.pk)]).status
        == TaskResultStatus.RUNNING
    )


def test_a_finished_job_cannot_be_cancelled(client, monkeypatch):
    monkeypatch.setitem(runner.HANDLERS, "essai", lambda job, progress: {"message": "Fait."})
    user = make_user("alice")
    job = runner.start("essai", label="Essai", arguments={}, user=user)
    assert (job.status, job.message) == (Status.DONE, "Fait.")
    client.force_login(user)
    response = client.post(reverse("jobs:job_cancel", kwargs={"pk": job.pk}), follow=True)
    assert "ne peut plus être annulé" in response.content.decode()
    job.refresh_from_db()
    assert job.status == Status.DONE


def test_the_job_page_and_its_state_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    user = make_user("alice")
    job = Job.objects.create(kind="report", label="Rapport", created_by=user)
    client.force_login(user)
    # session, user, versions, reap, the job (+ asker), the jobs ahead of it
    with django_assert_max_num_queries(8):
        assert client.get(job.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("jobs:job_state", kwargs={"pk": job.pk})).status_code == 200
