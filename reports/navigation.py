"""The header's links (and the 403 page's advice), decided once per page from the apps'
access rules: templates read these flags, never a permission name. It lives here, in the app
that reads all the others (the dashboard, the search), as the header spans them all."""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from actions.access import can_read_plans, has_own_actions
from committee.access import can_read_sessions
from essplan.access import can_manage_people
from structures.access import can_read_directory

from .access import can_read_reports


def navigation(user):
    """What the header offers USER: the plans (with the dashboard and the search), « Mes
    actions », the comité de suivi's sessions, the directory and its map, the reports,
    « Équipe »."""
    return SimpleNamespace(
        plans=can_read_plans(user),
        own_actions=has_own_actions(user),
        committee=can_read_sessions(user),
        directory=can_read_directory(user),
        reports=can_read_reports(user),
        people=can_manage_people(user),
    )


def context(request):
    """The flags as ``nav``, computed when a template first reads them (a JSON or fragment
    response never does). The user is read then too, not before: reading it opens the
    session, and a public page that never shows the header must not vary by cookie."""
    return {
        "nav": SimpleLazyObject(
            lambda: navigation(getattr(request, "user", None) or AnonymousUser())
        )
    }
