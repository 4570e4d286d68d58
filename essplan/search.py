"""French full-text search, accent-insensitive, and French sorting, shared by the apps.

``essplan_unaccent`` is an immutable SQL function created by migration
essplan.0001 (the embedded PostgreSQL has no unaccent extension).
"""

from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import F, Func, QuerySet, TextField, Value
from django.db.models.expressions import OrderBy
from django.db.models.functions import Concat, Lower

CONFIG = "french"


class Unaccent(Func):
    function = "essplan_unaccent"
    output_field = TextField()


def search_vector(*fields: str) -> SearchVector:
    return SearchVector(*(Unaccent(field) for field in fields), config=CONFIG)


def search_query(text: str) -> SearchQuery:
    """websearch syntax: words are ANDed, "quoted phrases", -excluded, or."""
    return SearchQuery(Unaccent(Value(text)), config=CONFIG, search_type="websearch")


def sort_key(field: str) -> Func:
    """FIELD as French sorts it, case and accents aside: « Café » before « CUMA »,
    « Écausseville » before « Yvetot-Bocage ». The embedded PostgreSQL is built without ICU and
    the machine has no fr_FR locale, so no French collation exists on every server."""
    return Lower(Unaccent(field))


def french_order(*fields: str) -> list[OrderBy]:
    """ORDER BY terms for FIELDS in French order ("-field": descending), each followed by the
    field itself, which settles ties (« Cote » before « Côte »)."""
    terms = []
    for field in fields:
        name = field.lstrip("-")
        key, raw = sort_key(name), F(name)
        descending = field.startswith("-")
        terms += [key.desc(), raw.desc()] if descending else [key.asc(), raw.asc()]
    return terms


# People in French order of their names; the username settles ties.
PEOPLE_ORDER: list[OrderBy | str] = [*french_order("last_name", "first_name"), "username"]


def people_matching(people: QuerySet[Any], text: str) -> QuerySet[Any]:
    """PEOPLE whose name, username or e-mail contains every word of TEXT (accents and case
    ignored)."""
    people = people.annotate(
        words=Unaccent(
            Concat(
                "first_name",
                Value(" "),
                "last_name",
                Value(" "),
                "username",
                Value(" "),
                "email",
                output_field=TextField(),
            )
        )
    )
    for word in text.split():
        people = people.filter(words__icontains=Unaccent(Value(word)))
    return people
