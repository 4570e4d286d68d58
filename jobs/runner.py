"""Starting a job and running it in a worker process.

``start`` records the job and hands it to the tasks backend (settings.JOBS_BACKEND: the
database backend of django-tasks-db by default, whose ``db_worker`` processes run it; the
immediate backend runs it in the request). ``run_job`` claims the job with a conditional
update, so a job queued twice, or picked by two workers, runs once; a cancelled one never
runs. While a job runs, a thread of the worker writes its progress and a heartbeat on a
connection of its own (see Progress): a job whose heartbeat stops (worker killed) is marked
failed by ``reap``, with its task in django-tasks-db's table, never left « en cours ».
"""

import logging
import threading
import uuid

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import Job, Status

logger = logging.getLogger(__name__)
HANDLERS = {}
HEARTBEAT_SECONDS = 15
LOST_WORKER = (
    "Le processus de travail qui l'exécutait s'est arrêté avant la fin (arrêt forcé "
    "ou redémarrage du serveur) : rien n'a été enregistré. Relancez-le."
)
INTERNAL_ERROR = (
    "erreur interne (référence {reference}) ; l'administrateur du serveur en "
    "trouve le détail dans le journal sous cette référence."
)


class Refused(Exception):
    """Raised by a handler that cannot do its work for a reason the user can act on: the job
    fails with this French message as its cause."""


class WorkerLost(Exception):
    """The cause that ``reap`` records in django-tasks-db's table for the task of a job whose
    worker was killed: the worker could not record anything itself."""


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
    return bool(
        Job.objects.filter(pk=job.pk, status=Status.WAITING).update(
            status=Status.CANCELLED, finished_at=timezone.now()
        )
    )


def reap(now=None):
    """Mark failed the running jobs whose worker went silent, and their tasks in
    django-tasks-db's table (which marks nothing when a worker is killed); how many.

    Called by every job page, it never waits: a job whose row another transaction holds (its
    heartbeat being written, another page reaping it) is left for the next call."""
    now = now or timezone.now()
    if not Job.objects.stale(now).exists():
        return 0
    with transaction.atomic():
        lost = list(
            Job.objects.stale(now).select_for_update(skip_locked=True).values_list("pk", flat=True)
        )
        Job.objects.filter(pk__in=lost).update(
            status=Status.FAILED, error=LOST_WORKER, finished_at=now
        )
        DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING,
            task_path=run_job.module_path,
            args_kwargs__args__0__in=[str(pk) for pk in lost],
        ).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=LOST_WORKER,
        )
    return len(lost)


class Progress:
    """progress(done=…, total=…, unit=…, step=…): what the job's page shows.

    The fields, and the job's heartbeat, are written by a thread of the worker on a database
    connection of its own (``start``), never on the connection of the work: the work may hold
    one long transaction (an import is all or nothing; its dry run is rolled back). Written
    there, the rows read would stay at 0 for everyone else until the end (or be rolled back),
    and the job's row would stay locked, so that the heartbeat, and the job page's look for
    silent jobs, would wait behind the work until it ends: the job would be declared lost
    while it runs. Without ``start`` (a handler called directly), the fields are only kept."""

    def __init__(self, job):
        self.job = job
        self.pending = {}
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopping = False
        self.thread = None

    def __call__(self, **fields):
        with self.lock:
            for name, value in fields.items():
                setattr(self.job, name, value)
            self.pending.update(fields)
        self.wake.set()

    def start(self):
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def stop(self):
        """Write what is still pending, and end the thread."""
        self.stopping = True
        self.wake.set()
        self.thread.join()

    def _write(self):
        """The thread: a heartbeat every HEARTBEAT_SECONDS, and the fields as soon as told."""
        try:
            while True:
                self.wake.wait(HEARTBEAT_SECONDS)
                self.wake.clear()
                stopping = self.stopping
                with self.lock:
                    fields, self.pending = self.pending, {}
                try:
                    Job.objects.filter(pk=self.job.pk, status=Status.RUNNING).update(
                        heartbeat_at=timezone.now(), **fields
                    )
                except DatabaseError:
                    # A dropped connection must not silence the heartbeat of a living worker:
                    # the next beat opens another one and writes these fields again.
                    logger.exception("Job %s: heartbeat not written", self.job.pk)
                    with self.lock:
                        self.pending = fields | self.pending
                    connection.close()
                if stopping:
                    return
        finally:
            connection.close()


@task()
def run_job(job_id):
    """The body of every job, run by a worker: claim, work, record the outcome.

    The outcome is written whatever ``reap`` wrote meanwhile: a job that ends was not lost,
    and a finished job never keeps the text of a failure it did not have."""
    now = timezone.now()
    if not Job.objects.filter(pk=job_id, status=Status.WAITING).update(
        status=Status.RUNNING, started_at=now, heartbeat_at=now
    ):
        return "déjà pris ou annulé"
    job = Job.objects.get(pk=job_id)
    progress = Progress(job)
    progress.start()
    try:
        outcome = HANDLERS[job.kind](job, progress)
    except Refused as refusal:
        ending = {"status": Status.FAILED, "error": str(refusal)}
    except Exception:  # noqa: BLE001 - any failure is the job's, told on its page
        reference = uuid.uuid4().hex[:8]
        logger.exception("Job %s (%s) failed, reference %s", job.pk, job.kind, reference)
        ending = {"status": Status.FAILED, "error": INTERNAL_ERROR.format(reference=reference)}
    else:
        ending = {
            "status": Status.DONE,
            "error": "",
            "message": outcome["message"],
            "result_url": outcome.get("url", ""),
            "result": outcome.get("result", {}),
            "done": job.total or job.done,
        }
    finally:
        progress.stop()
    Job.objects.filter(pk=job.pk).update(
        finished_at=timezone.now(),
        **{"done": job.done, "total": job.total, "unit": job.unit, "step": job.step, **ending},
    )
    return "terminé" if ending["status"] == Status.DONE else "échec"
