"""The yearly follow-up campaign: the ESS team asks the pilots for a point of each action."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from essplan.versioning import Versioned, bump_version, tracked

from .plan import Plan

CLOSED_PLAN = Plan.State.CLOSED


class CampaignQuerySet(models.QuerySet):
    def open(self, today=None):
        """Campaigns pilots may answer on TODAY: opened, not closed; a closed plan's (its
        successor adopted meanwhile) only up to its due date (see Campaign.is_open)."""
        today = today or timezone.localdate()
        return self.filter(opens_on__lte=today, closed_on__isnull=True).exclude(
            plan__state=CLOSED_PLAN, due_on__lt=today
        )


@tracked("CampaignHistory")
class Campaign(Versioned):
    plan = models.ForeignKey(
        "actions.Plan", on_delete=models.CASCADE, related_name="campaigns", verbose_name="plan"
    )
    year = models.PositiveSmallIntegerField("année du point demandé")
    opens_on = models.DateField("ouverture", default=timezone.localdate)
    due_on = models.DateField("date limite")
    message = models.TextField(
        "message aux pilotes",
        blank=True,
        help_text="Repris dans le courriel d'ouverture et les relances.",
    )
    closed_on = models.DateField(
        "clôture",
        null=True,
        blank=True,
        help_text=(
            "Une fois la campagne close, les pilotes ne peuvent plus saisir ; l'équipe "
            "ESS peut encore corriger."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ouverte par",
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-year"]
        verbose_name = "campagne de suivi"
        verbose_name_plural = "campagnes de suivi"
        triggers = [bump_version()]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year"],
                name="one_campaign_per_plan_and_year",
                violation_error_message="Ce plan a déjà une campagne pour cette année.",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("opens_on")),
                name="campaign_due_after_opening",
                violation_error_message=(
                    "La date limite doit être postérieure ou égale à l'ouverture."
                ),
            ),
        ]

    def __str__(self):
        return f"Campagne {self.year} · {self.plan}"

    def get_absolute_url(self):
        return reverse(
            "actions:campaign_detail", kwargs={"slug": self.plan.slug, "year": self.year}
        )

    def is_open(self, today=None):
        """Whether pilots may answer on TODAY. The campaign of a plan closed by its successor's
        adoption runs to its due date: its points are the last year of the plan's bilan, and
        its pilots were asked for them; after that date it is over, as if closed (no more
        points from pilots, no more reminders), and the plan is read only again."""
        today = today or timezone.localdate()
        return self.opens_on <= today and self.closed_on is None and not self.is_over(today)

    def is_over(self, today=None):
        """Whether the campaign of a closed plan has run to its due date (is_open)."""
        today = today or timezone.localdate()
        return self.plan.state == CLOSED_PLAN and today > self.due_on


class ReminderSent(models.Model):
    """A reminder e-mail that went: each (campaign, recipient, stage) goes once."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="reminders", verbose_name="campagne"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="destinataire",
    )
    stage = models.CharField("étape", max_length=40)
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)
    summary = models.CharField("objet", max_length=300, blank=True)

    class Meta:
        ordering = ["campaign", "sent_at"]
        verbose_name = "relance envoyée"
        verbose_name_plural = "relances envoyées"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "recipient", "stage"], name="one_reminder_per_stage"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.stage} · {self.recipient}"
