from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from essplan.datacache import PLANS
from essplan.imports import (
    FileLines,
    FrenchDecimalWidget,
    FrenchIntegerWidget,
    LookupWidget,
    missing_parts,
    strip_cells,
)
from essplan.workbooks import YEAR

from .forms import check_unit
from .models import Measurement

REQUIRED_COLUMNS = ["Code indicateur", "Année", "Valeur"]


class IndicatorWidget(LookupWidget):
    """An indicator of the plan by its code; computed indicators take no typed value."""

    missing = "Code indicateur manquant."
    unknown = "Indicateur inconnu dans ce plan : « {key} »."

    def __init__(self, plan=None):
        super().__init__()
        self.plan = plan

    def choices(self):
        return self.plan.indicators.all()

    def check(self, indicator):
        if indicator.is_computed:
            raise ValueError(
                f"L'indicateur {indicator.code} est calculé : ses valeurs ne se saisissent pas."
            )
        return indicator


class MeasurementResource(resources.ModelResource):
    """Yearly values of the indicators, one row per indicator and year."""

    reads_scopes = (PLANS,)  # what a dry run matches rows against: the plan's indicators
    sheet_name = "Valeurs"

    indicator = fields.Field(
        attribute="indicator", column_name="Code indicateur", widget=IndicatorWidget()
    )
    name = fields.Field(attribute="indicator__name", column_name="Indicateur", readonly=True)
    unit = fields.Field(attribute="indicator__get_unit_display", column_name="Unité", readonly=True)
    year = fields.Field(attribute="year", column_name="Année", widget=FrenchIntegerWidget(YEAR))
    value = fields.Field(attribute="value", column_name="Valeur", widget=FrenchDecimalWidget())
    source = fields.Field(
        attribute="source", column_name="Source", widget=widgets.CharWidget(allow_blank=True)
    )
    comment = fields.Field(
        attribute="comment", column_name="Commentaire", widget=widgets.CharWidget(allow_blank=True)
    )

    class Meta:
        model = Measurement
        fields = export_order = ("indicator", "name", "unit", "year", "value", "source", "comment")
        import_id_fields = ("indicator", "year")
        skip_unchanged = True
        clean_model_instances = True

    def __init__(self, plan=None, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan
        self.fields["indicator"].widget = IndicatorWidget(plan)
        self.seen = FileLines()

    @staticmethod
    def file_errors(dataset):
        return missing_parts(dataset, REQUIRED_COLUMNS)

    def before_import_row(self, row, row_number=None, **kwargs):
        strip_cells(row)
        year = str(row.get("Année") or "")
        if not (year.isascii() and year.isdigit()) or len(year) != 4:
            raise ValidationError(
                f"Année : « {year} » n'est pas une année (quatre chiffres, par exemple 2024)."
            )
        self.seen.add(
            (str(row.get("Code indicateur") or ""), year), row_number, "indicateur et même année"
        )

    def before_save_instance(self, instance, row, **kwargs):
        if kwargs.get("user"):
            instance.author = kwargs["user"]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if "year" not in errors and instance.year not in self.plan.years:
            errors["year"] = [f"Année hors du plan ({self.plan.first_year}-{self.plan.last_year})."]
        if "value" not in errors and "indicator" not in errors:
            try:
                check_unit(instance.value, instance.indicator.unit)
            except ValidationError as exc:
                errors["value"] = exc.messages
        try:
            instance.full_clean(
                exclude=[*errors, "indicator"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
