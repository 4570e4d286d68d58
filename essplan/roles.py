"""The three roles of the application, as Django groups with model permissions.

The data migration ``actions.0002_roles`` creates the groups and their
permissions; a later app grants its own permissions in a migration of its own.
"""

from django.core.exceptions import PermissionDenied

ADMIN = "Administrateur"
EDITOR = "Équipe ESS"
VIEWER = "Comité de suivi"

# Permission to read the plan: the gate of every page behind the login.
VIEW_PLAN = "actions.view_plan"


def require(user, perm):
    """403 unless USER holds PERM: the first call of every view."""
    if not user.has_perm(perm):
        raise PermissionDenied
