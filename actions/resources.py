from django.utils import timezone
from import_export import fields, resources

from essplan.datacache import ACCOUNTS, PLANS
from essplan.imports import (
    FileLines,
    FrenchDateWidget,
    FrenchDecimalWidget,
    FrenchIntegerWidget,
    LookupWidget,
    PercentWidget,
    missing_parts,
    strip_cells,
)
from essplan.workbooks import EUROS, YEAR

from . import pilots
from .models import CURRENT_STATUSES, Action, BudgetLine

STATUS_LABELS = dict(CURRENT_STATUSES)


class ActionResource(resources.ModelResource):
    """The action list as a spreadsheet: one row per action, French headers."""

    sheet_name = "Actions"
    code = fields.Field(attribute="code", column_name="Code")
    title = fields.Field(attribute="title", column_name="Action")
    axis = fields.Field(
        attribute="objective__axis__number", column_name="Axe", widget=FrenchIntegerWidget()
    )
    objective = fields.Field(attribute="objective__code", column_name="Objectif")
    pilot_direction = fields.Field(column_name="Direction pilote")
    status = fields.Field(column_name="Statut")
    progress = fields.Field(
        attribute="current_progress", column_name="Avancement (%)", widget=PercentWidget()
    )
    late = fields.Field(column_name="En retard")
    planned_years = fields.Field(column_name="Années prévues")
    start_date = fields.Field(
        attribute="start_date", column_name="Début", widget=FrenchDateWidget()
    )
    end_date = fields.Field(attribute="end_date", column_name="Fin", widget=FrenchDateWidget())
    plan = fields.Field(attribute="plan__title", column_name="Plan")

    class Meta:
        model = Action
        fields = export_order = (
            "code",
            "title",
            "axis",
            "objective",
            "pilot_direction",
            "status",
            "progress",
            "late",
            "planned_years",
            "start_date",
            "end_date",
            "plan",
        )

    def __init__(self, as_of=None, **kwargs):
        """The status is that of the latest validated point on AS_OF (default: today), the
        date the « en retard » header says (actions.figures)."""
        super().__init__(**kwargs)
        self.fields["late"].column_name = f"En retard au {as_of or timezone.localdate():%d/%m/%Y}"

    def dehydrate_pilot_direction(self, action):
        return action.pilot_direction.name if action.pilot_direction else ""

    def dehydrate_status(self, action):
        return str(STATUS_LABELS[action.current_status])

    def dehydrate_late(self, action):
        return "oui" if action.is_late else "non"

    def dehydrate_planned_years(self, action):
        return ", ".join(str(year) for year in action.planned_years)


class BudgetLineResource(resources.ModelResource):
    """Every budget line of a plan, as a spreadsheet with French headers; amounts are plain
    numbers with a decimal comma in CSV, amounts in euros in a spreadsheet."""

    sheet_name = "Budget"
    action = fields.Field(attribute="action__code", column_name="Action")
    year = fields.Field(attribute="year", column_name="Année", widget=FrenchIntegerWidget(YEAR))
    section = fields.Field(attribute="get_section_display", column_name="Section")
    flow = fields.Field(attribute="get_flow_display", column_name="Sens")
    chapter = fields.Field(attribute="chapter", column_name="Chapitre")
    label = fields.Field(attribute="label", column_name="Libellé")
    planned = fields.Field(
        attribute="planned", column_name="Prévu (€)", widget=FrenchDecimalWidget(EUROS)
    )
    committed = fields.Field(
        attribute="committed", column_name="Engagé (€)", widget=FrenchDecimalWidget(EUROS)
    )
    spent = fields.Field(
        attribute="spent", column_name="Réalisé (€)", widget=FrenchDecimalWidget(EUROS)
    )
    co_funder = fields.Field(attribute="co_funder", column_name="Cofinanceur")

    class Meta:
        model = BudgetLine
        fields = export_order = (
            "action",
            "year",
            "section",
            "flow",
            "chapter",
            "label",
            "planned",
            "committed",
            "spent",
            "co_funder",
        )


class PlanActionWidget(LookupWidget):
    """An action of the plan by its code."""

    missing = "Code d'action manquant."
    unknown = "Action inconnue dans ce plan : « {key} »."

    def __init__(self, plan=None):
        super().__init__()
        self.plan = plan

    def choices(self):
        return self.plan.actions.all()


class PilotWidget(LookupWidget):
    """A person who may be named pilot, by e-mail address (case ignored)."""

    field = "email"
    missing = "Adresse électronique manquante."
    unknown = (
        "Aucun compte de pilote, de l'équipe ESS ou d'administrateur n'a l'adresse "
        "« {key} » : invitez d'abord la personne."
    )

    def choices(self):
        return pilots.candidates()

    def normalise(self, key):
        return key.lower()


PILOT_COLUMNS = ["Code", "E-mail"]


class PilotResource(resources.ModelResource):
    """Who pilots which action: one row per action and pilot (« Code;E-mail »)."""

    sheet_name = "Pilotes"
    # What a dry run matches rows against: the plan's actions and the accounts.
    reads_scopes = (PLANS, ACCOUNTS)

    action = fields.Field(attribute="action", column_name="Code", widget=PlanActionWidget())
    title = fields.Field(attribute="action__title", column_name="Action", readonly=True)
    user = fields.Field(attribute="user", column_name="E-mail", widget=PilotWidget())
    name = fields.Field(attribute="user__get_full_name", column_name="Pilote", readonly=True)

    class Meta:
        model = Action.pilots.through
        fields = export_order = ("action", "title", "user", "name")
        import_id_fields = ("action", "user")
        skip_unchanged = True

    def __init__(self, plan=None, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan
        self.fields["action"].widget = PlanActionWidget(plan)
        self.seen = FileLines()

    @staticmethod
    def file_errors(dataset):
        return missing_parts(dataset, PILOT_COLUMNS)

    def before_import_row(self, row, row_number=None, **kwargs):
        strip_cells(row)
        self.seen.add(
            (str(row.get("Code") or ""), str(row.get("E-mail") or "").lower()),
            row_number,
            "action et même pilote",
        )

    def after_save_instance(self, instance, row, **kwargs):
        """A pilot named by the import is told so, once the import is committed."""
        if not kwargs.get("dry_run"):
            pilots.told_named(instance)
