from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from essplan.forms import (
    ACTIONS_HELP,
    ChoicePicker,
    FrenchDecimalField,
    PlainSelect,
    StyledFormMixin,
    VersionedForm,
)

from .attachments import AttachmentsField
from .decision_forms import add_closing_fields, clean_closings
from .models import Action, BudgetLine, Campaign, Direction, Event, ProgressUpdate, Review, Status
from .models.followup import amount_validators
from .models.plan import PUBLIC_POINT_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def year_choices(plan):
    return [(year, str(year)) for year in plan.years]


def year_due(plan, today=None):
    """The year whose points a new campaign of PLAN asks for by default: the first year of
    the plan after its latest campaign that has begun; without a campaign, the latest
    year of the plan that has begun (the years before were followed outside essplan: the
    seeded plan's 2023 and 2024 points were imported). Else the current year, held within
    the plan's years."""
    this_year = (today or timezone.localdate()).year
    latest = plan.campaigns.order_by("-year").values_list("year", flat=True).first()
    begun = [year for year in plan.years if year <= this_year]
    if latest is None and begun:
        return begun[-1]
    after = [year for year in begun if latest is not None and year > latest]
    if after:
        return after[0]
    return min(max(this_year, plan.first_year), plan.last_year)


class ActionForm(VersionedForm):
    planned_years = forms.TypedMultipleChoiceField(
        label="Années de réalisation prévues",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Action
        fields = [
            "expected_impacts",
            "description",
            "target_publics",
            "pilot_direction",
            "associated_directions",
            "partners_text",
            "resources",
            "planned_years",
            "start_date",
            "end_date",
            "priority",
            "location",
        ]
        widgets = {
            "expected_impacts": forms.Textarea(attrs={"rows": 4}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "target_publics": forms.Textarea(attrs={"rows": 3}),
            "partners_text": forms.Textarea(attrs={"rows": 3}),
            "resources": forms.Textarea(attrs={"rows": 3}),
            "associated_directions": forms.CheckboxSelectMultiple,
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_years"].choices = year_choices(self.instance.plan)
        self.fields["associated_directions"].queryset = Direction.objects.all()

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La date de fin doit être postérieure à la date de début.")
        return data


# A line of help under each field of a point: what to write there.
POINT_HELP = {
    "status": "Où en est l'action à la date du point.",
    "progress": "La part de l'action déjà faite, de 0 à 100 : 0 pour une action à venir, "
    "100 pour une action réalisée.",
    "date": "Le jour que ce point décrit, en général celui de la saisie.",
    "achievements": "Ce qui a été fait cette année : actions menées, chiffres, dates.",
    "difficulties": "Ce qui a freiné ou bloqué l'action ; si l'avancement baisse, pourquoi.",
    "next_steps": "Ce qui est prévu ensuite : quoi, avec qui, pour quand.",
}


def publicity(plan, name):
    """What the public site will show of the field NAME of PLAN's points (a French sentence),
    as publicsite.views.action_detail reads them: the status and the percentage of a
    validated point, its texts that the plan makes public, once the plan is published."""
    if name not in ("status", "progress", *plan.public_point_fields):
        return "Interne : le plan ne publie pas ce texte sur le site public."
    if plan.is_public:
        return "Visible du public une fois le point validé : le plan est publié."
    return "Visible du public une fois le point validé, si le plan est publié."


class ProgressUpdateForm(VersionedForm):
    """A point and the documents joined to it in the same submission."""

    attachments = AttachmentsField(
        label="Joindre des justificatifs",
        help_text="Un ou plusieurs fichiers : PDF, image (PNG, JPEG, GIF, WebP) ou document "
        "bureautique (Word, Excel, PowerPoint, LibreOffice) ; 10 Mo au plus chacun. "
        "Jamais publiés : seuls les lecteurs du plan les téléchargent.",
    )

    class Meta:
        model = ProgressUpdate
        fields = ["status", "progress", "date", "achievements", "difficulties", "next_steps"]
        widgets = {
            "date": DATE_WIDGET,
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "achievements": forms.Textarea(attrs={"rows": 5}),
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, decisions=(), **kwargs):
        """DECISIONS: the comité's decisions on the action the user may close with the point
        (a « réalisée » box and a « suite donnée » field each)."""
        super().__init__(*args, **kwargs)
        add_closing_fields(self, decisions)
        plan = self.instance.action.plan
        for name, text in POINT_HELP.items():
            self.fields[name].help_text = (
                text if name == "date" else f"{text} {publicity(plan, name)}"
            )

    def clean_progress(self):
        progress = self.cleaned_data["progress"]
        if progress is not None and not 0 <= progress <= 100:
            raise ValidationError("L'avancement est un pourcentage entre 0 et 100.")
        return progress

    def clean(self):
        cleaned = super().clean()
        cleaned["closings"] = clean_closings(self)
        return cleaned


class BudgetLineForm(VersionedForm):
    year = forms.TypedChoiceField(label="Année", coerce=int)
    planned = FrenchDecimalField(
        label="Prévu (€)", max_digits=12, decimal_places=2, validators=amount_validators
    )
    committed = FrenchDecimalField(
        label="Engagé (€)",
        max_digits=12,
        decimal_places=2,
        validators=amount_validators,
        required=False,
    )
    spent = FrenchDecimalField(
        label="Réalisé (€)",
        max_digits=12,
        decimal_places=2,
        validators=amount_validators,
        required=False,
    )

    class Meta:
        model = BudgetLine
        fields = [
            "year",
            "section",
            "flow",
            "chapter",
            "label",
            "planned",
            "committed",
            "spent",
            "co_funder",
        ]

    def __init__(self, *args, plan, years, **kwargs):
        """YEARS: the years the user may write lines of (access.follow_up_years): every
        year of the plan for the ESS team, those of the open campaigns for a pilot."""
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        if list(years) != list(plan.years):
            self.fields["year"].error_messages["invalid_choice"] = (
                "Une ligne budgétaire ne se saisit que pour l'année d'une campagne de suivi "
                f"ouverte ({', '.join(map(str, years))}) : pour une autre année, écrivez à "
                "l'équipe ESS."
            )
        if self.instance._state.adding:
            # The plan's current year (or the first open to the user); amounts left empty,
            # not « 0 », until typed.
            year = plan.current_year if plan.current_year in years else years[0]
            self.initial.update(year=year, planned=None, committed=None, spent=None)

    def clean_committed(self):
        return self.cleaned_data["committed"] or 0

    def clean_spent(self):
        return self.cleaned_data["spent"] or 0


class EventForm(VersionedForm):
    class Meta:
        model = Event
        fields = ["date", "kind", "title", "place", "participants", "description", "actions"]
        widgets = {
            "date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
            "actions": ChoicePicker,
        }
        help_texts = {"actions": ACTIONS_HELP}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["actions"].queryset = Action.objects.filter(plan=plan)
        self.fields["actions"].label_from_instance = lambda action: str(action)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date and date.year not in self.plan.years:
            raise ValidationError(
                f"La date doit tomber pendant le plan ({self.plan.first_year}-"
                f"{self.plan.last_year})."
            )
        return date


class CampaignForm(VersionedForm):
    year = forms.TypedChoiceField(label="Année du point demandé", coerce=int)

    class Meta:
        model = Campaign
        fields = ["year", "opens_on", "due_on", "message", "closed_on"]
        widgets = {
            "opens_on": DATE_WIDGET,
            "due_on": DATE_WIDGET,
            "closed_on": DATE_WIDGET,
            "message": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices(self.instance.plan)
        if self.instance._state.adding:
            del self.fields["closed_on"]
            self.initial["year"] = year_due(self.instance.plan)
        else:
            self.fields["year"].disabled = True

    def clean(self):
        data = super().clean()
        opens, due = data.get("opens_on"), data.get("due_on")
        if opens and due and due < opens:
            self.add_error("due_on", "La date limite doit être postérieure ou égale à l'ouverture.")
        return data


class ReviewForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[(Review.VALIDATED, "Valider"), (Review.TO_REVISE, "Renvoyer au pilote")]
    )
    text = forms.CharField(
        label="Commentaire au pilote",
        required=False,
        max_length=5000,
        help_text="Obligatoire pour renvoyer le point ; le pilote le reçoit "
        "par courriel et le lit dans l'échange ci-dessus.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Review.TO_REVISE and not data.get("text", "").strip():
            self.add_error("text", "Dites au pilote ce qu'il doit revoir.")
        return data


class ReplyForm(StyledFormMixin, forms.Form):
    """A pilot's answer to the ESS team in the thread of a point sent back."""

    text = forms.CharField(
        label="Votre réponse à l'équipe ESS",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Écrivez votre réponse avant de l'envoyer."},
    )


class BulkPointForm(forms.Form):
    """One row of the bulk entry: an action's status and percentage for the year, with the
    version of its point when the page was opened and the values it showed."""

    action = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    shown_status = forms.CharField(widget=forms.HiddenInput, required=False)
    shown_progress = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(label="Statut", choices=[("", "—"), *Status.choices], required=False)
    progress = forms.IntegerField(
        label="Avancement (%)", min_value=0, max_value=100, required=False
    )

    def changed(self):
        data = self.cleaned_data
        return (data.get("status") or "", data.get("progress")) != (
            data.get("shown_status") or "",
            data.get("shown_progress"),
        )

    def clean(self):
        data = super().clean()
        if not self.errors and self.changed():
            if not data.get("status"):
                self.add_error("status", "Choisissez un statut.")
            elif data.get("progress") is None:
                self.add_error("progress", "Indiquez l'avancement.")
            else:
                try:
                    ProgressUpdate(status=data["status"], progress=data["progress"]).clean()
                except ValidationError as error:
                    for field, messages in error.message_dict.items():
                        for message in messages:
                            self.add_error(field if field in self.fields else None, message)
        return data


BulkPointFormSet = forms.formset_factory(BulkPointForm, extra=0)
BULK_HIDDEN = [name for name, field in BulkPointForm.base_fields.items() if field.widget.is_hidden]


class BulkRow:
    """A row of the bulk entry of YEAR as the page draws it: form INDEX of BulkPointFormSet
    for ACTION (None: a row sent for an action not on the page), its VALUES ({field: value}),
    ERRORS ({field: [messages]}) and the point someone else saved meanwhile (CONFLICT);
    SELECT, the page's status <select> (bulk_select()).

    Fifty Django forms, and fifty rows of fields drawn by the template language, cost many
    times the rest of the page: a page opened builds no form (only a page sent back does,
    BulkRow.of), and the row writes its inputs itself, as a widget does, with their labels
    and errors; the template draws the rest."""

    def __init__(self, index, year, action, values, *, select, errors=None, conflict=None):
        self.prefix = f"{BulkPointFormSet.get_default_prefix()}-{index}"
        self.year, self.select = year, select
        self.action, self.values, self.conflict = action, values, conflict
        self.errors = errors or {}
        self.url = action.get_absolute_url() if action else None

    @classmethod
    def of(cls, index, year, form, action, *, select, conflict=None):
        """The row of bound FORM, showing what was sent."""
        return cls(
            index,
            year,
            action,
            {name: form[name].value() for name in form.fields},
            select=select,
            errors=form.errors,
            conflict=conflict,
        )

    def value(self, name):
        """The value of field NAME as an input's value attribute has it, escaped."""
        value = self.values[name]
        return "" if value is None else escape(value)

    def hidden_inputs(self):
        return mark_safe(
            "".join(
                f'<input type="hidden" name="{self.prefix}-{name}" value="{self.value(name)}">'
                for name in BULK_HIDDEN
            )
        )

    def non_field_errors(self):
        return self.errors.get(NON_FIELD_ERRORS, [])

    def status_cell(self):
        """The status's label, <select> and errors."""
        select = self.select.render(
            f"{self.prefix}-status",
            self.values["status"],
            {
                "class": self._css("form-select form-select-sm", "status"),
                "id": f"id_{self.prefix}-status",
            },
        )
        return self._cell("status", f"Statut {self.year} de {self._code()}", select)

    def progress_cell(self):
        """The percentage's label, input and errors."""
        css = self._css("form-control form-control-sm", "progress")
        field = (
            f'<input class="{css}" type="number" min="0" max="100" step="1" '
            f'name="{self.prefix}-progress" id="id_{self.prefix}-progress" '
            f'value="{self.value("progress")}">'
        )
        return self._cell("progress", f"Avancement {self.year} de {self._code()} (%)", field)

    def _code(self):
        return escape(self.action.code) if self.action else ""

    def _css(self, css, name):
        return f"{css} is-invalid" if self.errors.get(name) else css

    def _cell(self, name, label, field):
        errors = "".join(
            f'<div class="invalid-feedback">{conditional_escape(error)}</div>'
            for error in self.errors.get(name, [])
        )
        return mark_safe(
            f'<label class="visually-hidden" for="id_{self.prefix}-{name}">'
            f"{label}</label>{field}{errors}"
        )


def bulk_select():
    """The status <select> of a page of the bulk entry: one for its rows, which escapes its
    options once."""
    return PlainSelect(choices=BulkPointForm.base_fields["status"].choices)


class DraftPlanForm(StyledFormMixin, forms.Form):
    """The next plan drafted from SOURCE: its identity, its period, the actions carried."""

    slug = forms.SlugField(
        label="Identifiant d'URL",
        max_length=80,
        help_text="Lettres minuscules, chiffres et tirets, par exemple cotentin-ess-2026-2028.",
    )
    title = forms.CharField(label="Intitulé", max_length=200)
    first_year = forms.IntegerField(label="Première année", min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label="Dernière année", min_value=2000, max_value=2100)
    actions = forms.MultipleChoiceField(
        label="Actions à reconduire",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins une action à reconduire."},
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = [
            (action.code, f"{action.code} · {action.title}") for action in actions
        ]


class DraftNodeForm(StyledFormMixin, forms.Form):
    """An axis, objective or action of a draft: its title, code and parent."""

    title = forms.CharField(label="Intitulé", max_length=300)
    code = forms.CharField(
        label="Code",
        max_length=20,
        required=False,
        help_text="Laissé tel quel en changeant de parent : le code suivant libre y est donné.",
    )
    parent = forms.TypedChoiceField(label="Rattachement", coerce=int, required=False)
    # What the form showed: another administrator's change meanwhile is a conflict.
    shown_title = forms.CharField(widget=forms.HiddenInput, max_length=300)
    shown_code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    shown_parent = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        if parents:
            self.fields["parent"].choices = parents
            self.fields["parent"].required = True
        else:
            del self.fields["parent"]


class AdoptPlanForm(StyledFormMixin, forms.Form):
    """The council's deliberation that adopts a draft."""

    reference = forms.CharField(label="Référence de la délibération", max_length=50)
    adopted_on = forms.DateField(label="Date de la délibération", widget=DATE_WIDGET)
    votes_for = forms.IntegerField(label="Voix pour", min_value=0)
    votes_against = forms.IntegerField(label="Voix contre", min_value=0)
    abstentions = forms.IntegerField(label="Abstentions", min_value=0)
    envelope = FrenchDecimalField(
        label="Enveloppe budgétaire (€)", max_digits=12, decimal_places=2, min_value=0
    )
    envelope_is_estimate = forms.BooleanField(
        label="La délibération donne un ordre de grandeur (« environ … € »)", required=False
    )


class PublicationForm(StyledFormMixin, forms.Form):
    """What an administrator publishes of a plan on the public site."""

    is_public = forms.BooleanField(
        label="Publier ce plan sur le site public",
        required=False,
        help_text="Axes, objectifs et actions avec leur statut (d'après les points validés), "
        "indicateurs et rapports publiés. Jamais : commentaires internes, budget, "
        "justificatifs, pilotes.",
    )
    public_point_fields = forms.MultipleChoiceField(
        label="Textes des points d'avancement rendus publics",
        choices=PUBLIC_POINT_FIELDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
