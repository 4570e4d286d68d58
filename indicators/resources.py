from import_export import fields, resources, widgets

from structures.resources import FrenchDecimalWidget

from .models import Measurement


class MeasurementResource(resources.ModelResource):
    """Yearly values of the indicators, one row per indicator and year."""

    indicator = fields.Field(attribute="indicator__code", column_name="Code indicateur")
    name = fields.Field(attribute="indicator__name", column_name="Indicateur", readonly=True)
    unit = fields.Field(attribute="indicator__get_unit_display", column_name="Unité",
                        readonly=True)
    year = fields.Field(attribute="year", column_name="Année", widget=widgets.IntegerWidget())
    value = fields.Field(attribute="value", column_name="Valeur", widget=FrenchDecimalWidget())
    source = fields.Field(attribute="source", column_name="Source")
    comment = fields.Field(attribute="comment", column_name="Commentaire")

    class Meta:
        model = Measurement
        fields = export_order = ("indicator", "name", "unit", "year", "value", "source", "comment")
