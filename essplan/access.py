"""Who may do what with the accounts (« Équipe et pilotes », invitations): the core app's
rules, as each domain app keeps its own in its access.py. The administrators hold auth.*."""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from .roles import Someone, require

MANAGE_PEOPLE = "auth.change_user"
INVITE = "auth.add_user"


def can_manage_people(user: Someone) -> bool:
    """Whether USER sees « Équipe et pilotes » and acts on its accounts."""
    return user.has_perm(MANAGE_PEOPLE)


def require_people_manager(request: HttpRequest) -> None:
    """403 unless the user manages the accounts: the gate of « Équipe et pilotes »."""
    require(request.user, MANAGE_PEOPLE)


def get_account(request: HttpRequest, pk: int) -> Any:
    """The account PK, for those who manage the accounts (403 otherwise, 404 if unknown)."""
    require_people_manager(request)
    return get_object_or_404(get_user_model().objects.select_related("invitation"), pk=pk)


def require_inviter(request: HttpRequest) -> None:
    """403 unless the user invites people."""
    require(request.user, INVITE)
