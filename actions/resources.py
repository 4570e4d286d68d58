from import_export import fields, resources, widgets

from .models import Action, Status

STATUS_LABELS = dict(Status.choices)


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
