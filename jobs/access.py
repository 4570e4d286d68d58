"""Who may see and cancel a job: the person who asked for it, and the administrators (the
role that holds VIEW_ALL). Anyone else gets 404, as for a job that does not exist: a job's
page names what someone else is working on."""

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import Job
from .runner import reap

VIEW_ALL = "jobs.view_job"


def can_see(user: AbstractUser | AnonymousUser, job: Job) -> bool:
    """Whether USER may follow JOB (and cancel it while it waits)."""
    return job.created_by_id == user.pk or user.has_perm(VIEW_ALL)


def get_job(request: HttpRequest, pk: int) -> Job:
    """The job PK, for the person who asked for it or an administrator; else 404. Jobs whose
    worker died are reaped first, so the page never shows one running forever."""
    reap()
    job = get_object_or_404(Job.objects.select_related("created_by"), pk=pk)
    if not can_see(request.user, job):
        raise Http404
    return job
