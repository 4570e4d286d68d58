"""The budget table of a plan's deliberation, row by row as the deliberation prints it."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .followup import BudgetLine


class DeliberationBudgetRow(models.Model):
    """A row of the table: a heading, the budget lines of some actions, or a sum of those
    lines (a sub-total, a total, a section's balance).

    The amounts are computed from the plan's budget lines (actions.budget.deliberation_budget),
    so that the table follows the lines when they change. A sum the deliberation prints
    without saying which lines it adds up keeps the deliberation's own amounts ("stated"),
    and the table says so: they are not computed.
    """

    class Kind(models.TextChoices):
        HEADING = "titre", _("Titre")
        LINES = "lignes", _("Lignes budgétaires")
        SUBTOTAL = "sous_total", _("Sous-total")
        TOTAL = "total", _("Total")

    class Measure(models.TextChoices):
        EXPENSES = "depenses", _("Dépenses")
        REVENUE = "recettes", _("Recettes")
        NET_COST = "cout_net", _("Dépenses moins recettes")
        BALANCE = "solde", _("Recettes moins dépenses")

    plan = models.ForeignKey(
        "actions.Plan", on_delete=models.CASCADE, related_name="deliberation_budget_rows",
        verbose_name=_("plan"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("nature"), max_length=20, choices=Kind)
    label = models.CharField(
        _("libellé"), max_length=300, blank=True,
        help_text=_("Le libellé de la délibération ; vide pour des lignes budgétaires, qui "
                    "portent le leur."),
    )
    section = models.CharField(
        _("section"), max_length=20, choices=BudgetLine.Section, blank=True,
        help_text=_("Vide : les deux sections."),
    )
    measure = models.CharField(
        _("montant"), max_length=20, choices=Measure, default=Measure.EXPENSES,
        help_text=_("Ce que la ligne additionne ; des lignes budgétaires sont des dépenses ou "
                    "des recettes."),
    )
    action_codes = ArrayField(
        models.CharField(max_length=20), verbose_name=_("actions"), default=list, blank=True,
        help_text=_("Les codes des actions dont les lignes comptent ; vide : toutes."),
    )
    stated = ArrayField(
        models.DecimalField(max_digits=12, decimal_places=2),
        verbose_name=_("montants indiqués par la délibération"), default=list, blank=True,
        help_text=_("Un montant par année du plan, pour une somme dont la délibération ne dit "
                    "pas de quelles lignes elle est faite : il n'est pas recalculé."),
    )
    comment = models.CharField(_("commentaire"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("ligne du tableau budgétaire de la délibération")
        verbose_name_plural = _("lignes du tableau budgétaire de la délibération")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "position"], name="unique_deliberation_budget_row_position",
                violation_error_message=_("Le tableau a déjà une ligne à cette position."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="lignes") | Q(measure__in=["depenses", "recettes"]),
                name="deliberation_budget_lines_are_expenses_or_revenue",
                violation_error_message=_(
                    "Des lignes budgétaires sont des dépenses ou des recettes."),
            ),
            models.CheckConstraint(
                condition=Q(stated=[]) | Q(kind__in=["sous_total", "total"]),
                name="deliberation_budget_stated_only_on_sums",
                violation_error_message=_(
                    "Seul un sous-total ou un total reprend les montants de la délibération."),
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.position} · {self.label or self.get_kind_display()}"
