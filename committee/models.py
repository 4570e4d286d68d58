"""What the committee app records itself: each sending of a session's agenda, so that every
sending is told once per address and a second one says the agenda changed."""

from django.conf import settings
from django.db import models


class AgendaSending(models.Model):
    """One sending of SESSION's agenda to its members (the notifications are about it)."""

    session = models.ForeignKey(
        "actions.Session",
        on_delete=models.CASCADE,
        related_name="agenda_sendings",
        verbose_name="séance",
    )
    number = models.PositiveSmallIntegerField("envoi n°")
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="envoyé par",
    )

    class Meta:
        ordering = ["session", "number"]
        verbose_name = "envoi de l'ordre du jour"
        verbose_name_plural = "envois de l'ordre du jour"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"],
                name="one_agenda_sending_number_per_session",
                violation_error_message="Cet envoi de l'ordre du jour est déjà enregistré.",
            ),
        ]

    def __str__(self):
        return f"Ordre du jour du {self.session.date:%d/%m/%Y}, envoi n°{self.number}"

    @property
    def is_change(self):
        """A sending after the first: the agenda was changed since."""
        return self.number > 1
