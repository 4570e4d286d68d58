"""« Équipe et pilotes »: every account with its roles, the state of its invitation and the
actions it pilots in the current plan, for administrators (those who manage accounts), who
resend an invitation, deactivate or reactivate an account there, outside Django's admin.
Here in actions, not in the core app: it counts the actions each person pilots.

Deactivating writes is_active alone, in one UPDATE: an administrator renaming the person
meanwhile keeps the new name, and neither overwrites the other."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from essplan import links
from essplan.accounts import ROLE_CHOICES, send_invitation
from essplan.forms import FilterForm
from essplan.french import person_name
from essplan.models import Invitation
from essplan.search import PEOPLE_ORDER, people_matching

from .models import Action, Plan
from .pilots import PILOT_ROLES

PENDING, ACTIVE, DEACTIVATED = "en_attente", "actif", "desactive"
STATES = [
    (PENDING, "Invitation en attente"),
    (ACTIVE, "Compte actif"),
    (DEACTIVATED, "Compte désactivé"),
]


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Recherche",
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Nom, identifiant ou adresse"}
        ),
    )
    role = django_filters.ChoiceFilter(
        label="Rôle", choices=ROLE_CHOICES, method="with_role", empty_label="Tous les rôles"
    )
    state = django_filters.ChoiceFilter(
        label="État", choices=STATES, method="in_state", empty_label="Tous les états"
    )

    class Meta:
        model = get_user_model()
        fields = []
        form = FilterForm

    def search(self, queryset, name, value):
        return people_matching(queryset, value)

    def with_role(self, queryset, name, value):
        """By a subquery, not a join: the row's list of roles keeps all of them."""
        members = get_user_model().groups.through.objects.filter(group__name=value)
        return queryset.filter(pk__in=members.values("user_id"))

    def in_state(self, queryset, name, value):
        if value == DEACTIVATED:
            return queryset.filter(is_active=False)
        if value == PENDING:
            return queryset.filter(
                is_active=True, invitation__isnull=False, invitation__accepted_at__isnull=True
            )
        return queryset.filter(
            Q(invitation__isnull=True) | Q(invitation__accepted_at__isnull=False), is_active=True
        )


def people(plan):
    """Every account in French order of names, with its invitation, its roles and the number
    of actions of PLAN (None: no plan yet) it pilots, in one query."""
    piloted = Value(0)
    if plan is not None:
        piloted = Coalesce(
            Subquery(
                Action.pilots.through.objects.filter(user=OuterRef("pk"), action__plan=plan)
                .order_by()
                .values("user")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )
    return (
        get_user_model()
        .objects.select_related("invitation")
        .annotate(
            role_names=ArraySubquery(
                Group.objects.filter(user=OuterRef("pk")).order_by("name").values("name")
            ),
            piloted=piloted,
        )
        .order_by(*PEOPLE_ORDER)
    )


def row(user, now):
    """What the page shows of USER and which of its buttons it offers."""
    invitation = getattr(user, "invitation", None)
    state = invitation.state(now) if invitation is not None else None
    return {
        "user": user,
        "name": person_name(user),
        "roles": user.role_names,
        "invitation": invitation,
        "invitation_state": state,
        "may_resend": user.is_active and state in (Invitation.PENDING, Invitation.EXPIRED),
        "may_pilot": user.is_active and any(role in PILOT_ROLES for role in user.role_names),
    }


def current_plan():
    """The plan whose pilots the page counts and names: the adopted plan that started last."""
    return Plan.objects.current()


def resend_invitation(user, inviter):
    """A fresh link to USER, whose invitation waits, sent as invitations are (at once); its
    validity runs from now. OSError when the mail could not leave (the date then stays)."""
    sent_at = timezone.now()
    roles = ", ".join(user.groups.order_by("name").values_list("name", flat=True))
    send_invitation(user, roles, inviter)
    Invitation.objects.filter(user=user).update(sent_at=sent_at)


def set_active(user_id, active):
    """The account USER_ID (de)activated: is_active written alone, in a single UPDATE (a
    concurrent change of its other fields is kept); the account read again. Deactivating
    also revokes every link mailed to the person so far (invitation, password, personal
    links): reactivated, the account does not bring them back."""
    accounts = get_user_model().objects
    with transaction.atomic():
        accounts.filter(pk=user_id).update(is_active=active)
        if not active:
            links.revoke(accounts.filter(pk=user_id))
    return accounts.get(pk=user_id)
