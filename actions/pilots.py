"""Who may be named pilot of an action, and finding them by name or e-mail."""

from django.contrib.auth import get_user_model
from django.db import transaction

from essplan import notify, roles
from essplan.search import PEOPLE_ORDER, people_matching

from .models import WAITING, Action

# A pilot records an action's follow-up: the roles that may do so.
PILOT_ROLES = [roles.PILOT, roles.EDITOR, roles.ADMIN]


def candidates():
    """Active accounts holding a role that may record the follow-up of an action."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=PILOT_ROLES)
        .distinct()
        .order_by(*PEOPLE_ORDER)
    )


def unpiloted(plan, year):
    """PLAN's actions whose point of YEAR is awaited and that no active pilot follows: nobody
    is reminded of them (reminders.waiting_by_pilot), in code order."""
    return (
        Action.objects.filter(plan=plan)
        .with_review(year)
        .filter(review__in=WAITING)
        .exclude(pilots__is_active=True)
        .order_by("code_key")
    )


def search(text, people, *, limit=20):
    """The first LIMIT of PEOPLE whose name, username or e-mail contains every word of TEXT
    (accents and case ignored)."""
    return people_matching(people, text)[:limit]


@transaction.atomic
def name_pilot(action, person):
    """PERSON named pilot of ACTION, and told so (once: naming a pilot again changes nothing)."""
    nomination, created = action.pilots.through.objects.get_or_create(action=action, user=person)
    if created:
        told_named(nomination)


def told_named(nomination):
    notify.notify(notify.Kind.PILOT_NAMED, nomination, [nomination.user])
