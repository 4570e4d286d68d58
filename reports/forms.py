from django import forms

from actions.models import Plan
from essplan.forms import StyledFormMixin


class GenerateReportForm(StyledFormMixin, forms.Form):
    plan = forms.ModelChoiceField(label="Plan", queryset=Plan.objects.order_by("-first_year", "title"),
                                  empty_label=None)
    year = forms.TypedChoiceField(label="Année", coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = sorted({year for plan in self.fields["plan"].queryset for year in plan.years},
                       reverse=True)
        self.fields["year"].choices = [(year, str(year)) for year in years]

    def clean(self):
        cleaned = super().clean()
        plan, year = cleaned.get("plan"), cleaned.get("year")
        if plan and year and year not in plan.years:
            self.add_error("year", f"Le plan « {plan.title} » couvre les années "
                                   f"{plan.first_year} à {plan.last_year}.")
        return cleaned
