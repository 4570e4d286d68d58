"""The archive of reports: each generated PDF (an annual report, the evaluation of a whole
plan, or the minutes of a session of the comité de suivi) is kept, unchanged, as presented."""

from django.conf import settings
from django.db import models
from django.urls import reverse

# Who reads a published version. The staff edition holds what the plan keeps private (the
# points' internal texts, points not yet validated, who generated it, the detailed budget):
# it never leaves for the public site, whose pages are built from public data only.
PUBLISHED_AUDIENCE = (
    "les comptes de l'application (administrateurs, équipe ESS, comité de suivi, pilotes) "
    "peuvent la télécharger. Elle n'est jamais mise sur le site public : elle contient les "
    "textes internes des points, les points non encore validés et le budget détaillé."
)
# Who reads a published version of the minutes: those who read the sessions.
MINUTES_AUDIENCE = (
    "les membres du comité de suivi, l'équipe ESS et les administrateurs peuvent le "
    "télécharger ; pas les pilotes, qui lisent sur la page de leurs actions les décisions qui "
    "les concernent. Il n'est jamais mis sur le site public."
)


class Kind(models.TextChoices):
    ANNUAL = "annuel", "Rapport annuel"
    EVALUATION = "bilan", "Bilan du plan"
    MINUTES = "releve", "Relevé de décisions du comité de suivi"


def minutes_title(session):
    return f"Relevé de décisions du comité de suivi du {session.date:%d/%m/%Y}"


def report_path(report, filename):
    return f"rapports/{report.plan.slug}/{report.year}/{filename}"


class AnnualReportQuerySet(models.QuerySet):
    def published(self):
        """The versions presented to the council: all that readers see (who sees what is
        decided in reports.access.reports)."""
        return self.filter(published=True)

    def documents(self):
        """The reports to the council (annual reports, evaluations), not the minutes."""
        return self.filter(session__isnull=True)


class AnnualReport(models.Model):
    """A generated report: the annual report of YEAR, the evaluation of the plan's whole
    period (YEAR is then the plan's last year), or the minutes of SESSION (« relevé de
    décisions »; YEAR is then the session's)."""

    kind = models.CharField("document", max_length=10, choices=Kind, default=Kind.ANNUAL)
    plan = models.ForeignKey(
        "actions.Plan", on_delete=models.PROTECT, related_name="reports", verbose_name="plan"
    )
    year = models.PositiveSmallIntegerField("année")
    session = models.ForeignKey(
        "actions.Session",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="minutes",
        verbose_name="séance du comité de suivi",
        help_text="La séance dont ce document est le relevé de décisions.",
    )
    generated_at = models.DateTimeField("généré le", auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="généré par",
    )
    file = models.FileField("fichier PDF", upload_to=report_path, max_length=300)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, editable=False)
    size = models.PositiveIntegerField("taille (octets)")
    page_count = models.PositiveSmallIntegerField("nombre de pages")
    published = models.BooleanField(
        "publié",
        default=False,
        help_text=(
            "La version présentée au conseil, que tous les comptes de l'application peuvent "
            "télécharger ; jamais mise sur le site public."
        ),
    )

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-generated_at"]
        verbose_name = "rapport"
        verbose_name_plural = "rapports"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "year"],
                condition=models.Q(published=True, session__isnull=True),
                name="one_published_report_per_plan_year",
                violation_error_message="Une autre version de ce rapport est déjà publiée.",
            ),
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(published=True),
                name="one_published_minutes_per_session",
                violation_error_message="Une autre version de ce relevé est déjà publiée.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=Kind.MINUTES, session__isnull=False)
                    | (~models.Q(kind=Kind.MINUTES) & models.Q(session__isnull=True))
                ),
                name="minutes_and_only_minutes_have_a_session",
                violation_error_message="Un relevé de décisions est celui d'une séance.",
            ),
        ]

    def __str__(self):
        return f"{self.title} · {self.plan} · {self.generated_at:%d/%m/%Y %H:%M}"

    @property
    def title(self):
        """« Rapport annuel 2024 », « Bilan du plan 2023-2025 » or « Relevé de décisions du
        comité de suivi du 12/03/2025 »."""
        if self.kind == Kind.MINUTES:
            return minutes_title(self.session)
        if self.kind == Kind.EVALUATION:
            return f"Bilan du plan {self.plan.first_year}-{self.plan.last_year}"
        return f"Rapport annuel {self.year}"

    def get_absolute_url(self):
        return reverse("reports:report_download", kwargs={"pk": self.pk})

    @property
    def audience(self):
        """Who reads this document once published."""
        return MINUTES_AUDIENCE if self.kind == Kind.MINUTES else PUBLISHED_AUDIENCE

    @property
    def filename(self):
        if self.kind == Kind.MINUTES:
            return f"releve-decisions-{self.plan.slug}-{self.session.date:%Y-%m-%d}.pdf"
        if self.kind == Kind.EVALUATION:
            return f"bilan-{self.plan.slug}-{self.plan.first_year}-{self.plan.last_year}.pdf"
        return f"rapport-annuel-{self.plan.slug}-{self.year}.pdf"
