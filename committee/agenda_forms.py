"""The agenda's forms: an item of the team's, a member's proposal, a refusal, a document."""

from django import forms

from actions import attachments
from actions.models import Action, Plan

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


def _action_field(plan: Plan) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Action.objects.filter(plan=plan).order_by("code_key"),
        required=False,
        label="Action concernée",
        empty_label="Aucune action en particulier",
    )


class ItemForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=TITLE_LENGTH)
    detail = forms.CharField(
        label="Présentation", max_length=DETAIL_LENGTH, required=False, widget=forms.Textarea
    )
    document = DocumentField(
        label="Document joint",
        required=False,
        help_text="PDF, image ou document bureautique, 10 Mo au plus.",
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"] = _action_field(plan)
        self.order_fields(["title", "detail", "action", "document"])


class ProposeForm(forms.Form):
    title = forms.CharField(label="Point proposé", max_length=TITLE_LENGTH)
    detail = forms.CharField(
        label="Pourquoi en parler en comité",
        max_length=WHY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"] = _action_field(plan)


class RefuseForm(forms.Form):
    reason = forms.CharField(label="Motif de l'écart", max_length=REASON_LENGTH)


class DocumentForm(forms.Form):
    document = DocumentField(label="Document joint")
