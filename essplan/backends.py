"""Permissions read once per change of the auth tables, not on every request."""

from django.contrib.auth.backends import ModelBackend

from .datacache import cached_value


class CachedPermissionsBackend(ModelBackend):
    """ModelBackend whose permission sets are cached until a user, group or permission
    changes (the "auth" version of essplan.datacache): two queries fewer per page."""

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
