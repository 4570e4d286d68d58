"""The archive of reports: each generated PDF (an annual report, or the evaluation of a
whole plan) is kept, unchanged, as presented."""

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


class Kind(models.TextChoices):
    ANNUAL = "annuel", "Rapport annuel"
    EVALUATION = "bilan", "Bilan du plan"


def report_path(report, filename):
    return f"rapports/{report.plan.slug}/{report.year}/{filename}"


class AnnualReportQuerySet(models.QuerySet):
    def published(self):
        """The versions presented to the council: all that readers see (who sees what is
        decided in reports.access.reports)."""
        return self.filter(published=True)


class AnnualReport(models.Model):
    """A generated report: the annual report of YEAR, or the evaluation of the plan's whole
    period (YEAR is then the plan's last year)."""

    kind = models.CharField("document", max_length=10, choices=Kind, default=Kind.ANNUAL)
    plan = models.ForeignKey(
        "actions.Plan", on_delete=models.PROTECT, related_name="reports", verbose_name="plan"
    )
    year = models.PositiveSmallIntegerField("année")
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
                condition=models.Q(published=True),
                name="one_published_report_per_plan_year",
                violation_error_message="Une autre version de ce rapport est déjà publiée.",
            ),
        ]

    def __str__(self):
        return f"{self.title} · {self.plan} · {self.generated_at:%d/%m/%Y %H:%M}"

    @property
    def title(self):
        """« Rapport annuel 2024 » or « Bilan du plan 2023-2025 »."""
        if self.kind == Kind.EVALUATION:
            return f"Bilan du plan {self.plan.first_year}-{self.plan.last_year}"
        return f"Rapport annuel {self.year}"

    def get_absolute_url(self):
        return reverse("reports:report_download", kwargs={"pk": self.pk})

    @property
    def filename(self):
        if self.kind == Kind.EVALUATION:
            return f"bilan-{self.plan.slug}-{self.plan.first_year}-{self.plan.last_year}.pdf"
        return f"rapport-annuel-{self.plan.slug}-{self.year}.pdf"
