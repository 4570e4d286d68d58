from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from actions.models import Action, Objective
from essplan.forms import ChoicePicker, FrenchDecimalField, VersionedForm

from .computations import COMPUTATION_CHOICES
from .models import Indicator, Measurement, Unit


def check_unit(value, unit):
    """French errors for values outside what the unit allows."""
    if value is None:
        return value
    if unit == Unit.PERCENT and not Decimal(0) <= value <= Decimal(100):
        raise ValidationError("Un pourcentage est compris entre 0 et 100.")
    if value < 0:
        raise ValidationError("Cette valeur ne peut pas être négative.")
    return value


class IndicatorForm(VersionedForm):
    computation = forms.ChoiceField(label="Calcul", choices=COMPUTATION_CHOICES, required=False)
    baseline_value = FrenchDecimalField(
        label="Valeur de référence", required=False, max_digits=14, decimal_places=2
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "definition",
            "unit",
            "kind",
            "direction",
            "source",
            "computation",
            "baseline_value",
            "baseline_year",
            "objectives",
            "actions",
        ]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "objectives": ChoicePicker,
            "actions": ChoicePicker,
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["objectives"].queryset = Objective.objects.filter(axis__plan=plan)
        self.fields["actions"].queryset = Action.objects.filter(plan=plan)
        targets = (
            {target.year: target.value for target in self.instance.targets.all()}
            if self.instance.pk
            else {}
        )
        for year in plan.years:
            self.fields[f"target_{year}"] = FrenchDecimalField(
                label=f"Cible {year}",
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=targets.get(year),
            )

    def target_fields(self):
        return [self[f"target_{year}"] for year in self.plan.years]

    def clean_code(self):
        code = self.cleaned_data["code"]
        twins = Indicator.objects.filter(plan=self.plan, code=code).exclude(pk=self.instance.pk)
        if twins.exists():
            raise ValidationError("Ce plan a déjà un indicateur portant ce code.")
        return code

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        for name in ["baseline_value", *(f"target_{year}" for year in self.plan.years)]:
            try:
                check_unit(data.get(name), unit)
            except ValidationError as exc:
                self.add_error(name, exc)
        year = data.get("baseline_year")
        if year and not 1900 <= year <= self.plan.last_year:
            self.add_error("baseline_year", "Année de référence invraisemblable.")
        return data

    def targets(self):
        return {year: self.cleaned_data.get(f"target_{year}") for year in self.plan.years}


class MeasurementForm(VersionedForm):
    value = FrenchDecimalField(label="Valeur", max_digits=14, decimal_places=2)

    class Meta:
        model = Measurement
        fields = ["value", "source", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}

    def clean_value(self):
        return check_unit(self.cleaned_data["value"], self.instance.indicator.unit)
