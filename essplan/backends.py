"""Log-in by username or e-mail address; the account and its permissions read once per
change of the auth tables, not on every request.

The lockout (django-axes) counts failures per account, not per name as typed: the backend
finds an account by its address whatever its case (PostgreSQL's upper() even maps a dotless
ı to I), so a count per typed name would give each spelling its own five guesses. Both ask
``account_for``, so they cannot disagree on which account a name means."""

import copy
import unicodedata
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend
from sesame.backends import SesameBackendMixin

from .datacache import ACCOUNTS, cached_value

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.http import HttpRequest


def account_for(name: str) -> "User | None":
    """The account that NAME logs in as, or None: the owner of the address NAME when exactly
    one account has it (case ignored), else the account whose username is exactly NAME (as
    ModelBackend looks it up)."""
    manager = get_user_model()._default_manager
    if "@" in name:
        owners = list(manager.filter(email__iexact=name.strip())[:2])
        if len(owners) == 1:
            return owners[0]
    try:
        return manager.get_by_natural_key(name)
    except get_user_model().DoesNotExist:
        return None


def lockout_key(
    request: "HttpRequest | None", credentials: dict[str, Any] | None = None
) -> str | None:
    """AXES_USERNAME_CALLABLE: "account:<pk>" for a name that logs in as an account, else the
    name folded (NFKC, casefold), so that an unknown name's spellings share one count too.
    Remembered per request: django-axes asks several times for each attempt."""
    if credentials:
        name = credentials.get("username")
    else:
        name = request.POST.get("username") if request is not None else None
    if not name:
        return None
    memo = request.__dict__.setdefault("_lockout_keys", {}) if request is not None else {}
    if name not in memo:
        account = account_for(name)
        memo[name] = (
            f"account:{account.pk}"
            if account is not None
            else "name:" + unicodedata.normalize("NFKC", name.strip()).casefold()
        )
    return memo[name]


class CachedPermissionsBackend(ModelBackend):
    """ModelBackend whose permission sets are cached until a user, group or permission
    changes (the "accounts" version of essplan.datacache): two queries fewer per page. One logs
    in with one's username or e-mail address."""

    def get_user(self, user_id: int) -> "User | None":
        """The account of a session: read once per version of the auth tables, given as a
        copy (a request's user collects caches of its own)."""
        user = cached_value(
            "user",
            user_id,
            lambda: super(CachedPermissionsBackend, self).get_user(user_id),
            scopes=(ACCOUNTS,),
        )
        return None if user is None else copy.deepcopy(user)

    def authenticate(
        self,
        request: "HttpRequest | None",
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> "User | None":
        account = account_for(username) if username else None
        if account is not None:
            username = account.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def _get_permissions(
        self, user_obj: "User | AnonymousUser", obj: object, from_name: str
    ) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        attribute = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, attribute):
            perms = cached_value(
                f"permissions-{from_name}",
                user_obj.pk,
                lambda: super(CachedPermissionsBackend, self)._get_permissions(  # type: ignore[misc]
                    user_obj, obj, from_name
                ),
                scopes=(ACCOUNTS,),
            )
            setattr(user_obj, attribute, perms)
        return getattr(user_obj, attribute)


class PersonalLinkBackend(SesameBackendMixin, BaseBackend):
    """Log-in by the token of a personal link (django-sesame; essplan/links.py). The account
    is read as a session reads it (CachedPermissionsBackend.get_user: None once deactivated);
    the backend grants no permission of its own, the CachedPermissionsBackend does. A
    password log-in never reaches it: its authenticate() takes a token, not a password."""

    def get_user(self, user_id: int) -> "User | None":
        return CachedPermissionsBackend().get_user(user_id)
