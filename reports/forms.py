from django import forms

from actions.models import Plan
from essplan.forms import StyledFormMixin

from .models import Kind


class GenerateReportForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Document",
        choices=Kind.choices,
        initial=Kind.ANNUAL,
        required=False,
        help_text="Le bilan couvre toute la période du plan : l'année choisie ne compte alors pas.",
    )
    plan = forms.ModelChoiceField(
        label="Plan", queryset=Plan.objects.order_by("-first_year", "title"), empty_label=None
    )
    year = forms.TypedChoiceField(label="Année", coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = sorted(
            {year for plan in self.fields["plan"].queryset for year in plan.years}, reverse=True
        )
        self.fields["year"].choices = [(year, str(year)) for year in years]

    def clean(self):
        cleaned = super().clean()
        plan, year = cleaned.get("plan"), cleaned.get("year")
        cleaned["kind"] = cleaned.get("kind") or Kind.ANNUAL
        if cleaned["kind"] == Kind.EVALUATION:
            return cleaned
        if year in (None, ""):
            self.add_error("year", "Choisissez l'année du rapport annuel.")
        elif plan and year not in plan.years:
            self.add_error(
                "year",
                f"Le plan « {plan.title} » couvre les années {plan.first_year} à {plan.last_year}.",
            )
        return cleaned
