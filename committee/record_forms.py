"""The forms of the session's recording: an item's summary, a decision."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from actions.models import Action, Session
from essplan import roles
from essplan.forms import StyledFormMixin
from essplan.french import person_name
from essplan.search import PEOPLE_ORDER

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Who may carry a decision with an account: the ESS team, the pilots, the comité.
CARRIER_ROLES = [roles.EDITOR, roles.PILOT, roles.VIEWER]
TEXT_REQUIRED = "Écrivez ce que le comité a décidé."
BOTH_CARRIERS = "Choisissez un compte ou écrivez le nom d'un porteur sans compte, pas les deux."
DUE_BEFORE = "L'échéance ne peut pas précéder la séance du {date}."


def carriers() -> Any:
    """The active accounts that may carry a decision, in French order of their names."""
    users = get_user_model().objects
    holders = users.filter(groups__name__in=CARRIER_ROLES).values("pk")
    return users.filter(is_active=True, pk__in=holders).order_by(*PEOPLE_ORDER)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_name(obj)


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.title}"


def choices(field: forms.ModelChoiceField) -> list[tuple[Any, str]]:
    """FIELD's choices read once, to be given to the many forms of one page."""
    return [(value, label) for value, label in field.choices]


class SummaryForm(StyledFormMixin, forms.Form):
    summary = forms.CharField(
        label="Synthèse des échanges",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    opened = forms.CharField(widget=forms.HiddenInput, max_length=64)


class DecisionForm(StyledFormMixin, forms.Form):
    """A decision of SESSION; after the session is held (HELD), only its text and due date
    may change. ACTION_CHOICES and CARRIER_CHOICES, read once (choices()), spare a query per
    form on a page that shows many."""

    text = forms.CharField(
        label="Décision",
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": TEXT_REQUIRED},
    )
    action = ActionChoiceField(
        label="Action concernée", queryset=Action.objects.none(), required=False
    )
    carrier = PersonChoiceField(
        label="Porteur (compte)",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="— Aucun compte —",
    )
    carrier_name = forms.CharField(
        label="ou porteur sans compte",
        max_length=200,
        required=False,
        help_text="Une direction, un partenaire… par exemple « Direction de l'économie ».",
    )
    due_on = forms.DateField(label="Échéance", required=False, widget=DATE_WIDGET)
    opened = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(
        self,
        *args: Any,
        session: Session,
        held: bool = False,
        action_choices: list[tuple[Any, str]] | None = None,
        carrier_choices: list[tuple[Any, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        action, carrier = self.fields["action"], self.fields["carrier"]
        assert isinstance(action, forms.ModelChoiceField)
        assert isinstance(carrier, forms.ModelChoiceField)
        action.queryset = Action.objects.filter(plan_id=session.plan_id).order_by("code_key")
        action.empty_label = "— Aucune action —"
        carrier.queryset = carriers()
        if action_choices is not None:
            action.choices = action_choices
        if carrier_choices is not None:
            carrier.choices = carrier_choices
        if held:
            for name in ("action", "carrier", "carrier_name"):
                self.fields[name].disabled = True

    def clean_due_on(self) -> Any:
        due_on = self.cleaned_data["due_on"]
        if due_on is not None and due_on < self.session.date:
            raise forms.ValidationError(DUE_BEFORE.format(date=f"{self.session.date:%d/%m/%Y}"))
        return due_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("carrier") is not None and data.get("carrier_name", "").strip():
            self.add_error("carrier_name", BOTH_CARRIERS)
        return data
