from import_export import fields, resources, widgets

from essplan.imports import FrenchDecimalWidget

from .models import CURRENT_STATUSES, Action, BudgetLine

STATUS_LABELS = dict(CURRENT_STATUSES)


class ActionResource(resources.ModelResource):
    """The action list as a spreadsheet: one row per action, French headers."""

    code = fields.Field(attribute="code", column_name="Code")
    title = fields.Field(attribute="title", column_name="Action")
    axis = fields.Field(attribute="objective__axis__number", column_name="Axe")
    objective = fields.Field(attribute="objective__code", column_name="Objectif")
    pilot_direction = fields.Field(column_name="Direction pilote")
    status = fields.Field(column_name="Statut")
    progress = fields.Field(attribute="current_progress", column_name="Avancement (%)")
    late = fields.Field(column_name="En retard")
    planned_years = fields.Field(column_name="Années prévues")
    start_date = fields.Field(
        attribute="start_date", column_name="Début", widget=widgets.DateWidget("%d/%m/%Y")
    )
    end_date = fields.Field(
        attribute="end_date", column_name="Fin", widget=widgets.DateWidget("%d/%m/%Y")
    )

    class Meta:
        model = Action
        fields = export_order = (
            "code", "title", "axis", "objective", "pilot_direction", "status", "progress", "late",
            "planned_years", "start_date", "end_date",
        )

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
    numbers (a spreadsheet formats them), with a decimal comma."""

    action = fields.Field(attribute="action__code", column_name="Action")
    year = fields.Field(attribute="year", column_name="Année")
    section = fields.Field(attribute="get_section_display", column_name="Section")
    flow = fields.Field(attribute="get_flow_display", column_name="Sens")
    chapter = fields.Field(attribute="chapter", column_name="Chapitre")
    label = fields.Field(attribute="label", column_name="Libellé")
    planned = fields.Field(attribute="planned", column_name="Prévu (€)", widget=FrenchDecimalWidget())
    committed = fields.Field(attribute="committed", column_name="Engagé (€)",
                             widget=FrenchDecimalWidget())
    spent = fields.Field(attribute="spent", column_name="Réalisé (€)", widget=FrenchDecimalWidget())
    co_funder = fields.Field(attribute="co_funder", column_name="Cofinanceur")

    class Meta:
        model = BudgetLine
        fields = export_order = ("action", "year", "section", "flow", "chapter", "label",
                                 "planned", "committed", "spent", "co_funder")
