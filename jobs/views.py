"""A job's page: how it goes, updating itself; its result or its error; cancelling it."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from .access import get_job
from .models import Job, Status
from .runner import cancel


def waiting_ahead(job):
    return Job.objects.filter(status=Status.WAITING, created_at__lt=job.created_at).count()


@require_safe
def job_detail(request, pk):
    job = get_job(request, pk)
    ahead = waiting_ahead(job) if job.status == Status.WAITING else 0
    waited = (timezone.now() - job.created_at).total_seconds()
    return render(
        request, "jobs/job_detail.html", {"job": job, "ahead": ahead, "waited": round(waited)}
    )


@require_safe
def job_state(request, pk):
    """The job's state as JSON, read by static/js/job-progress.js."""
    job = get_job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "unit": job.unit,
            "percent": job.percent,
            "step": job.step,
            "finished": job.finished,
        }
    )


@require_POST
def job_cancel(request, pk):
    job = get_job(request, pk)
    if cancel(job):
        messages.success(request, f"« {job.label} » est annulé : il ne sera pas exécuté.")
    else:
        messages.error(
            request,
            f"« {job.label} » a déjà commencé ou est terminé : il ne peut plus être annulé.",
        )
    return redirect(job.get_absolute_url())
