"""French full-text search, accent-insensitive, shared by the apps.

``essplan_unaccent`` is an immutable SQL function created by migration
structures.0001 (the embedded PostgreSQL has no unaccent extension).
"""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Func, TextField, Value

CONFIG = "french"


class Unaccent(Func):
    function = "essplan_unaccent"
    output_field = TextField()


def search_vector(*fields):
    return SearchVector(*(Unaccent(field) for field in fields), config=CONFIG)


def search_query(text):
    """websearch syntax: words are ANDed, "quoted phrases", -excluded, or."""
    return SearchQuery(Unaccent(Value(text)), config=CONFIG, search_type="websearch")
