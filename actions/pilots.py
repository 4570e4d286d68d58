"""Who may be named pilot of an action, and finding them by name or e-mail."""

from django.contrib.auth import get_user_model
from django.db.models import TextField, Value
from django.db.models.functions import Concat

from essplan import roles
from essplan.search import PEOPLE_ORDER, Unaccent

# A pilot records an action's follow-up: the roles that may do so.
PILOT_ROLES = [roles.PILOT, roles.EDITOR, roles.ADMIN]


def candidates():
    """Active accounts holding a role that may record the follow-up of an action."""
    return (get_user_model().objects.filter(is_active=True, groups__name__in=PILOT_ROLES)
            .distinct().order_by(*PEOPLE_ORDER))


def search(text, people, *, limit=20):
    """The first LIMIT of PEOPLE whose name, username or e-mail contains every word of TEXT
    (accents and case ignored)."""
    people = people.annotate(words=Unaccent(Concat(
        "first_name", Value(" "), "last_name", Value(" "), "username", Value(" "), "email",
        output_field=TextField())))
    for word in text.split():
        people = people.filter(words__icontains=Unaccent(Value(word)))
    return people[:limit]

