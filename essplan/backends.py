"""Log-in by username or e-mail address; the account and its permissions read once per
change of the auth tables, not on every request."""

import copy

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .datacache import cached_value


class CachedPermissionsBackend(ModelBackend):
    """ModelBackend whose permission sets are cached until a user, group or permission
    changes (the "auth" version of essplan.datacache): two queries fewer per page. One logs
    in with one's username or e-mail address."""

    def get_user(self, user_id):
        """The account of a session: read once per version of the auth tables, given as a
        copy (a request's user collects caches of its own)."""
        user = cached_value("user", user_id,
                            lambda: super(CachedPermissionsBackend, self).get_user(user_id),
                            scopes=("auth",))
        return None if user is None else copy.deepcopy(user)

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            owners = list(get_user_model()._default_manager.filter(email__iexact=username.strip())
                          .values_list("username", flat=True)[:2])
            if len(owners) == 1:
                username = owners[0]
        return super().authenticate(request, username=username, password=password, **kwargs)

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        attribute = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, attribute):
            perms = cached_value(f"permissions-{from_name}", user_obj.pk,
                                 lambda: super(CachedPermissionsBackend, self)._get_permissions(
                                     user_obj, obj, from_name), scopes=("auth",))
            setattr(user_obj, attribute, perms)
        return getattr(user_obj, attribute)
