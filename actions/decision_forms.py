"""Forms about the comité's decisions and the « À discuter » flag: closing a decision on the
action's page or in the point's form, proposing an action to the comité."""

import re

from django import forms

from essplan.forms import StyledFormMixin

from .decisions import AlreadyDone

NOTE_MAX = 5000
NOTE_LABEL = "Suite donnée"
NOTE_HELP = "Ce qui a été fait : repris au relevé de la prochaine séance du comité."
NOTE_REQUIRED = "Dites ce qui a été fait pour déclarer la décision réalisée (« suite donnée »)."
NOTE_UNTICKED = (
    "Cochez « réalisée » pour déclarer la décision réalisée avec cette suite donnée, ou videz "
    "le champ."
)
TICKED = re.compile(r"^decision-(\d{1,18})-done$", re.ASCII)


class DecisionCloseForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=NOTE_LABEL,
        help_text=NOTE_HELP,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": NOTE_REQUIRED},
    )


class FlagForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="Pourquoi en discuter au comité",
        help_text="Repris dans l'ordre du jour proposé pour la prochaine séance.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Dites pourquoi le comité devrait en discuter."},
    )


def ticked(data) -> list[int]:
    """The decisions whose « réalisée » box DATA (a POST) ticks."""
    return [int(match[1]) for key in data if (match := TICKED.match(key))]


def add_closing_fields(form: forms.BaseForm, decisions) -> None:
    """Give FORM, for each of DECISIONS, a « réalisée » box and a « suite donnée » field."""
    form.decisions = list(decisions)
    for decision in form.decisions:
        prefix = f"decision-{decision.pk}"
        form.fields[f"{prefix}-done"] = forms.BooleanField(
            label="Réalisée",
            required=False,
            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        )
        form.fields[f"{prefix}-note"] = forms.CharField(
            label=NOTE_LABEL,
            help_text=NOTE_HELP,
            required=False,
            max_length=NOTE_MAX,
            widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        )
        decision.done_field = form[f"{prefix}-done"]
        decision.note_field = form[f"{prefix}-note"]


def clean_closings(form: forms.BaseForm) -> list:
    """The (decision, note) pairs FORM closes; a ticked box needs its note, a note its box,
    and a decision closed meanwhile is refused with who and when."""
    closings = []
    for decision in form.decisions:
        prefix = f"decision-{decision.pk}"
        done = form.cleaned_data.get(f"{prefix}-done")
        note = (form.cleaned_data.get(f"{prefix}-note") or "").strip()
        if f"{prefix}-note" not in form.cleaned_data:
            continue
        if done and decision.done_at is not None:
            form.add_error(f"{prefix}-done", AlreadyDone(decision))
        elif done and not note:
            form.add_error(f"{prefix}-note", NOTE_REQUIRED)
        elif note and not done and decision.done_at is None:
            form.add_error(f"{prefix}-note", NOTE_UNTICKED)
        elif done:
            closings.append((decision, note))
    return closings
