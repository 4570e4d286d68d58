"""A long piece of work run by a worker process (django.tasks), as its page shows it."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

# A job « en cours » whose worker has not said anything for this long has lost its worker
# (killed, machine restarted): it is marked failed rather than left running for ever.
STALE_AFTER = timedelta(seconds=90)


class Status(models.TextChoices):
    WAITING = "en_attente", "En attente d'un processus de travail"
    RUNNING = "en_cours", "En cours"
    DONE = "termine", "Terminé"
    FAILED = "echec", "Échec"
    CANCELLED = "annule", "Annulé"


FINISHED = {Status.DONE, Status.FAILED, Status.CANCELLED}


class JobQuerySet(models.QuerySet):
    def stale(self, now=None):
        """Running jobs whose worker went silent (see STALE_AFTER)."""
        return self.filter(
            status=Status.RUNNING, heartbeat_at__lt=(now or timezone.now()) - STALE_AFTER
        )


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("travail", max_length=40)
    label = models.CharField("intitulé", max_length=300)
    arguments = models.JSONField("paramètres", default=dict)
    status = models.CharField("état", max_length=20, choices=Status, default=Status.WAITING)
    done = models.PositiveIntegerField("fait", default=0)
    total = models.PositiveIntegerField("à faire", default=0)
    unit = models.CharField("unité", max_length=40, blank=True)
    step = models.CharField("étape", max_length=200, blank=True)
    message = models.TextField("résultat", blank=True)
    result_url = models.CharField("adresse du résultat", max_length=500, blank=True)
    result = models.JSONField("données du résultat", default=dict, blank=True)
    error = models.TextField("erreur", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="demandé par",
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    heartbeat_at = models.DateTimeField("dernier signe du processus", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "travail en arrière-plan"
        verbose_name_plural = "travaux en arrière-plan"
        indexes = [models.Index(fields=["status", "created_at"], name="job_status_created")]

    def __str__(self):
        return f"{self.label} ({self.get_status_display().lower()})"

    def get_absolute_url(self):
        return reverse("jobs:job_detail", kwargs={"pk": self.pk})

    @property
    def finished(self):
        return self.status in FINISHED

    @property
    def percent(self):
        return round(self.done * 100 / self.total) if self.total else None
