"""The agenda's forms: an item of the team's, a member's proposal, a refusal, a document."""

from django import forms

from actions import attachments
from actions.models import Action, Plan
from essplan.forms import StyledFormMixin

TITLE_LENGTH = 300
DETAIL_LENGTH = 5000
WHY_LENGTH = 2000
REASON_LENGTH = 300


class DocumentField(forms.FileField):
    """One document, accepted as a point's supporting documents are (size, type read from
    its content)."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        return attachments.checked(upload) if upload else None


def _action_field() -> forms.ModelChoiceField:
    """The action an item concerns, among its plan's (set by the form: _of_plan)."""
    return forms.ModelChoiceField(
        queryset=Action.objects.none(),
        required=False,
        label="Action concernée",
        empty_label="Aucune action en particulier",
    )


def _of_plan(field: forms.Field, plan: Plan) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = Action.objects.filter(plan=plan).order_by("code_key")


class ItemForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Intitulé", max_length=TITLE_LENGTH)
    detail = forms.CharField(
        label="Présentation", max_length=DETAIL_LENGTH, required=False, widget=forms.Textarea
    )
    action = _action_field()
    document = DocumentField(
        label="Document joint",
        required=False,
        help_text="PDF, image ou document bureautique, 10 Mo au plus.",
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        _of_plan(self.fields["action"], plan)


class ProposeForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="Point proposé", max_length=TITLE_LENGTH)
    detail = forms.CharField(
        label="Pourquoi en parler en comité",
        max_length=WHY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    action = _action_field()

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        _of_plan(self.fields["action"], plan)


class RefuseForm(forms.Form):
    reason = forms.CharField(label="Motif de l'écart", max_length=REASON_LENGTH)


class DocumentForm(forms.Form):
    document = DocumentField(label="Document joint")
