"""The roles of the application: Django groups and the model permissions each holds.

``GRANTS`` is the one statement of what a role may do on which app; ``sync()`` makes the
groups hold exactly those permissions after every ``migrate`` (and after a test database is
flushed). Object-level rules (a pilot's own actions) are not permissions: they live in the
access helpers of each app (``actions/access.py``…).
"""

from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, Permission, User
    from django.db.models import QuerySet
    from django.http import HttpRequest

# Who asks: request.user, signed in or not (the type alias is read only by the type checker).
type Someone = User | AnonymousUser

ADMIN = "Administrateur"
EDITOR = "Équipe ESS"
VIEWER = "Comité de suivi"
PILOT = "Pilote"

# Permission to read the plan: the gate of every page behind the login.
VIEW_PLAN = "actions.view_plan"

ALL = "*"
VERBS = ("view", "add", "change", "delete")


def verbs(*models: str, only: tuple[str, ...] | list[str] = VERBS) -> list[str]:
    return [f"{verb}_{model}" for model in models for verb in only]


PLAN_READ = verbs("plan", "axis", "objective", "action", "direction", only=["view"])
FOLLOWUP = (
    "progressupdate",
    "budgetline",
    "event",
    "eventaction",
    "campaign",
    "reviewcomment",
    "attachment",
)
DIRECTORY_REFERENCE = verbs("commune", "legalform", "nafcode", only=["view"])
INDICATORS = ("indicator", "target", "measurement")
# The comité de suivi's sessions: the team prepares and records them (administrators hold
# every permission of the app); the comité reads them and proposes agenda items.
COMMITTEE = ("session", "member", "agendaitem", "decision", "discussionrequest")

# {role: {app label: [codename, …] or ALL}}
GRANTS: dict[str, dict[str, list[str] | str]] = {
    ADMIN: {
        "auth": ALL,
        "actions": ALL,
        "structures": ALL,
        "indicators": verbs(*INDICATORS),
        "reports": verbs("annualreport"),
        "jobs": verbs("job", only=["view"]),
    },
    EDITOR: {
        "actions": [*PLAN_READ, "change_action", *verbs(*FOLLOWUP), *verbs(*COMMITTEE)],
        "structures": [*verbs("structure", "listingrequest"), *DIRECTORY_REFERENCE],
        "indicators": verbs(*INDICATORS),
        "reports": ["view_annualreport"],
    },
    VIEWER: {
        "actions": [
            *PLAN_READ,
            *verbs(*FOLLOWUP, only=["view"]),
            *verbs(*COMMITTEE, only=["view"]),
            "propose_agendaitem",
        ],
        "structures": ["view_structure", *DIRECTORY_REFERENCE],
        "indicators": verbs(*INDICATORS, only=["view"]),
        "reports": ["view_annualreport"],
    },
}
# A pilot reads what the comité reads but its sessions, and records the follow-up of the
# actions it pilots (the object-level rule is actions.access.may_follow): there, it reads the
# comité's decisions and asks for a discussion (« À discuter »).
GRANTS[PILOT] = {
    **GRANTS[VIEWER],
    "actions": [
        *PLAN_READ,
        *verbs(*FOLLOWUP, only=["view"]),
        "follow_own_action",
        "view_decision",
        "add_discussionrequest",
    ],
}


def granted(role: str) -> "QuerySet[Permission]":
    """The permissions GRANTS gives ROLE, as a queryset."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    wanted = Q(pk__in=[])
    for app_label, codenames in GRANTS[role].items():
        condition = Q(content_type__app_label=app_label)
        if codenames != ALL:
            condition &= Q(codename__in=codenames)
        wanted |= condition
    return Permission.objects.filter(wanted)


def sync(using: str = "default", **kwargs: object) -> None:
    """Create the roles and give each exactly the permissions of GRANTS (post_migrate)."""
    from django.contrib.auth.models import Group

    for role in GRANTS:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set(granted(role).using(using))


def signed_in(request: "HttpRequest") -> "User":
    """REQUEST's account, for the type checker: behind the login (LoginRequiredMiddleware),
    request.user is never the anonymous user."""
    return cast("User", request.user)


def require(user: Someone, perm: str) -> None:
    """403 unless USER holds PERM."""
    if not user.has_perm(perm):
        raise PermissionDenied
