"""Log-in by username or e-mail address; permissions read once per change of the auth
tables, not on every request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .datacache import cached_value


class CachedPermissionsBackend(ModelBackend):
    """ModelBackend whose permission sets are cached until a user, group or permission
    changes (the "auth" version of essplan.datacache): two queries fewer per page. One logs
    in with one's username or e-mail address."""

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
