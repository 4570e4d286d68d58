"""Starting a job and running it in a worker process.

``start`` records the job and hands it to the tasks backend (settings.JOBS_BACKEND: the
database backend of django-tasks-db by default, whose ``db_worker`` processes run it; the
immediate backend runs it in the request). ``run_job`` claims the job with a conditional
update, so a job queued twice, or picked by two workers, runs once; a cancelled one never
runs. While a job runs, a thread of the worker writes a heartbeat: a job whose heartbeat
stops (worker killed) is marked failed by ``reap``, never left « en cours ».
"""

import logging
import threading

from django.conf import settings
from django.db import connection
from django.tasks import task
from django.utils import timezone

from .models import Job, Status

logger = logging.getLogger(__name__)
HANDLERS = {}
HEARTBEAT_SECONDS = 15
LOST_WORKER = ("Le processus de travail qui l'exécutait s'est arrêté avant la fin (arrêt forcé "
               "ou redémarrage du serveur) : rien n'a été enregistré. Relancez-le.")


class Refused(Exception):
    """Raised by a handler that cannot do its work for a reason the user can act on: the job
    fails with this French message as its cause."""


def handler(kind):
    """Register the function that does the work of the jobs of KIND: f(job, progress), which
    returns {"message": …} and optionally "url" (the result's page) and "result" (JSON data
    that this page reads)."""
    def register(function):
        HANDLERS[kind] = function
        return function
    return register


def start(kind, *, label, arguments, user=None):
    """Record a job of KIND and queue it; the job (its page shows how it goes)."""
    job = Job.objects.create(kind=kind, label=label, arguments=arguments, created_by=user)
    run_job.using(backend=settings.JOBS_BACKEND).enqueue(str(job.pk))
    job.refresh_from_db()
    return job


def cancel(job):
    """Cancel JOB if it has not started: whether it was."""
    return bool(Job.objects.filter(pk=job.pk, status=Status.WAITING).update(
        status=Status.CANCELLED, finished_at=timezone.now()))


def reap(now=None):
    """Mark failed the running jobs whose worker went silent; how many."""
    now = now or timezone.now()
    return Job.objects.stale(now).update(status=Status.FAILED, error=LOST_WORKER, finished_at=now)


class Progress:
    """progress(done=…, total=…, unit=…, step=…): what the job's page shows."""

    def __init__(self, job):
        self.job = job

    def __call__(self, **fields):
        for name, value in fields.items():
            setattr(self.job, name, value)
        Job.objects.filter(pk=self.job.pk).update(heartbeat_at=timezone.now(), **fields)


def _beat(job_id, stop):
    try:
        while not stop.wait(HEARTBEAT_SECONDS):
            Job.objects.filter(pk=job_id, status=Status.RUNNING).update(heartbeat_at=timezone.now())
    finally:
        connection.close()


@task()
def run_job(job_id):
    """The body of every job, run by a worker: claim, work, record the outcome."""
    now = timezone.now()
    if not Job.objects.filter(pk=job_id, status=Status.WAITING).update(
            status=Status.RUNNING, started_at=now, heartbeat_at=now):
        return "déjà pris ou annulé"
    job = Job.objects.get(pk=job_id)
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(job.pk, stop), daemon=True)
    beat.start()
    try:
        outcome = HANDLERS[job.kind](job, Progress(job))
    except Refused as refusal:
        Job.objects.filter(pk=job.pk).update(
            status=Status.FAILED, finished_at=timezone.now(), error=str(refusal))
        return "échec"
    except Exception as error:  # noqa: BLE001 - any failure is the job's, told on its page
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=Status.FAILED, finished_at=timezone.now(),
            error=f"{type(error).__name__} : {error}")
        return "échec"
    finally:
        stop.set()
        beat.join()
    Job.objects.filter(pk=job.pk).update(
        status=Status.DONE, finished_at=timezone.now(), message=outcome["message"],
        result_url=outcome.get("url", ""), result=outcome.get("result", {}),
        done=job.total or job.done)
    return "terminé"
