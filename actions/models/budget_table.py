"""The budget table of a plan's deliberation, row by row as the deliberation prints it."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

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
        HEADING = "titre", "Titre"
        LINES = "lignes", "Lignes budgétaires"
        SUBTOTAL = "sous_total", "Sous-total"
        TOTAL = "total", "Total"

    class Measure(models.TextChoices):
        EXPENSES = "depenses", "Dépenses"
        REVENUE = "recettes", "Recettes"
        NET_COST = "cout_net", "Dépenses moins recettes"
        BALANCE = "solde", "Recettes moins dépenses"

    plan = models.ForeignKey(
        "actions.Plan",
        on_delete=models.CASCADE,
        related_name="deliberation_budget_rows",
        verbose_name="plan",
    )
    position = models.PositiveSmallIntegerField("position")
    kind = models.CharField("nature", max_length=20, choices=Kind)
    label = models.CharField(
        "libellé",
        max_length=300,
        blank=True,
        help_text=(
            "Le libellé de la délibération ; vide pour des lignes budgétaires, qui portent le leur."
        ),
    )
    section = models.CharField(
        "section",
        max_length=20,
        choices=BudgetLine.Section,
        blank=True,
        help_text="Vide : les deux sections.",
    )
    measure = models.CharField(
        "montant",
        max_length=20,
        choices=Measure,
        default=Measure.EXPENSES,
        help_text=(
            "Ce que la ligne additionne ; des lignes budgétaires sont des dépenses ou des recettes."
        ),
    )
    action_codes = ArrayField(
        models.CharField(max_length=20),
        verbose_name="actions",
        default=list,
        blank=True,
        help_text="Les codes des actions dont les lignes comptent ; vide : toutes.",
    )
    stated = ArrayField(
        models.DecimalField(max_digits=12, decimal_places=2),
        verbose_name="montants indiqués par la délibération",
        default=list,
        blank=True,
        help_text=(
            "Un montant par année du plan, pour une somme dont la délibération ne dit "
            "pas de quelles lignes elle est faite : il n'est pas recalculé."
        ),
    )
    comment = models.CharField("commentaire", max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = "ligne du tableau budgétaire de la délibération"
        verbose_name_plural = "lignes du tableau budgétaire de la délibération"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "position"],
                name="unique_deliberation_budget_row_position",
                violation_error_message="Le tableau a déjà une ligne à cette position.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="lignes") | Q(measure__in=["depenses", "recettes"]),
                name="deliberation_budget_lines_are_expenses_or_revenue",
                violation_error_message="Des lignes budgétaires sont des dépenses ou des recettes.",
            ),
            models.CheckConstraint(
                condition=Q(stated=[]) | Q(kind__in=["sous_total", "total"]),
                name="deliberation_budget_stated_only_on_sums",
                violation_error_message=(
                    "Seul un sous-total ou un total reprend les montants de la délibération."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.position} · {self.label or self.get_kind_display()}"
