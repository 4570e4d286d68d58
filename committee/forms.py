"""The forms of the sessions: the session itself, the invitation of a member, the attendance
of all the members at once."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import StringAgg, Value

from actions.forms import DATE_WIDGET
from actions.models import Member, Session
from essplan.forms import PlainSelect, StyledFormMixin, VersionedForm
from essplan.search import PEOPLE_ORDER
from structures.models import Structure

from .services import FIELDS, Presence, member_name, same_day_error

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
Attendance = Member.Attendance


class SessionForm(VersionedForm):
    """A session's date, time, place and link; its instance's plan is set by the view."""

    class Meta:
        model = Session
        fields = list(FIELDS)
        widgets = {
            "date": DATE_WIDGET,
            "starts_at": TIME_WIDGET,
            "proposals_until": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        day, until = data.get("date"), data.get("proposals_until")
        if day and until and until > day:
            self.add_error(
                "proposals_until",
                "Les propositions de points se closent au plus tard le jour de la séance.",
            )
        if (
            day
            and Session.objects.filter(plan_id=self.instance.plan_id, date=day)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error(None, same_day_error())
        return data


class InviteForm(StyledFormMixin, forms.Form):
    """An account (of any role) or a structure of the directory invited to a session."""

    user = forms.TypedChoiceField(
        label="Un compte", coerce=int, required=False, empty_value=None, widget=PlainSelect
    )
    structure = forms.TypedChoiceField(
        label="Une structure de l'annuaire",
        coerce=int,
        required=False,
        empty_value=None,
        widget=PlainSelect,
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        accounts = (
            get_user_model()
            .objects.filter(is_active=True, groups__isnull=False)
            .exclude(committee_seats__session=session)
            .annotate(roles=StringAgg("groups__name", Value(", "), order_by="groups__name"))
            .order_by(*PEOPLE_ORDER)
            .values_list("pk", "first_name", "last_name", "username", "roles")
        )
        self.fields["user"].choices = [("", "—")] + [
            (pk, f"{f'{first} {last}'.strip() or username} ({roles})")
            for pk, first, last, username, roles in accounts
        ]
        structures = (
            Structure.objects.active()
            .exclude(committee_seats__session=session)
            .values_list("pk", "name", "committee_member")
        )
        self.fields["structure"].choices = [("", "—")] + [
            (pk, f"{name} (membre du comité)" if member else name)
            for pk, name, member in structures
        ]

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("user") is None and data.get("structure") is None:
            raise forms.ValidationError("Choisissez un compte ou une structure à inviter.")
        return data

    def invitees(self):
        """(accounts, structures) chosen, for services.invite."""
        chosen = [self.cleaned_data[name] for name in ("user", "structure")]
        return (
            get_user_model().objects.filter(pk__in=[chosen[0]] if chosen[0] else []),
            Structure.objects.filter(pk__in=[chosen[1]] if chosen[1] else []),
        )


class AttendanceForm(StyledFormMixin, forms.Form):
    """The attendance of every member of a session, in one form. Each row carries, hidden,
    what was stored when the form was opened: a row someone else changed meanwhile makes the
    save a conflict (services.record_attendance). A member invited meanwhile, absent from the
    form sent, is left as is. The fields are made after StyledFormMixin's __init__: their
    classes are given here."""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.new_members = set()
        for member in members:
            prefix, name = f"m{member.pk}", member_name(member)
            sent = not self.is_bound or f"{prefix}-seen_attendance" in self.data
            if not sent:
                self.new_members.add(member.pk)
            self.fields[f"{prefix}-attendance"] = forms.ChoiceField(
                label=f"Présence : {name}",
                choices=Attendance.choices,
                initial=member.attendance,
                required=sent,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"{prefix}-represented_by"] = forms.CharField(
                label=f"Représenté par (pour {name})",
                max_length=200,
                required=False,
                initial=member.represented_by,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
            for name, value in [
                ("seen_attendance", member.attendance),
                ("seen_represented_by", member.represented_by),
            ]:
                self.fields[f"{prefix}-{name}"] = forms.CharField(
                    widget=forms.HiddenInput,
                    required=False,
                    max_length=200,
                    strip=False,
                    initial=value,
                )

    def rows(self):
        """(member, its attendance field, its « représenté par » field), in the members'
        order."""
        return [
            (member, self[f"m{member.pk}-attendance"], self[f"m{member.pk}-represented_by"])
            for member in self.members
        ]

    def clean(self):
        data = super().clean()
        for member in self.members:
            prefix = f"m{member.pk}"
            if (
                data.get(f"{prefix}-attendance") == Attendance.REPRESENTED
                and not data.get(f"{prefix}-represented_by", "").strip()
            ):
                self.add_error(f"{prefix}-represented_by", "Indiquez qui représente ce membre.")
        return data

    def presences(self):
        """{member id: Presence} of the rows sent, for services.record_attendance."""
        data = self.cleaned_data
        return {
            member.pk: Presence(
                seen=(
                    data[f"m{member.pk}-seen_attendance"],
                    data[f"m{member.pk}-seen_represented_by"],
                ),
                attendance=data[f"m{member.pk}-attendance"],
                represented_by=data[f"m{member.pk}-represented_by"].strip(),
            )
            for member in self.members
            if member.pk not in self.new_members
        }
