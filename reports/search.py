"""The header's search: actions, indicators and directory structures matching a text, each
kind only for those who may read it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from actions.models import Action
from indicators.models import Indicator
from structures.access import can_read_directory
from structures.models import Structure

LIMIT = 10


@dataclass
class Section:
    title: str
    rows: list  # (url, label, detail)
    more: bool  # more than LIMIT found
    more_url: str = ""


def search_everything(user, plans, text):
    """The sections of results for TEXT in PLANS (the plans USER may read) and, if USER may
    see it, in the directory: three queries at most."""
    actions = list(
        Action.objects.filter(plan__in=plans)
        .search(text)
        .select_related("plan")
        .order_by("-plan__first_year", "code_key")[: LIMIT + 1]
    )
    indicators = list(
        Indicator.objects.filter(plan__in=plans)
        .search(text)
        .select_related("plan")
        .order_by("-plan__first_year", "code")[: LIMIT + 1]
    )
    sections = [
        Section(
            "Actions",
            [
                (a.get_absolute_url(), f"{a.code} · {a.title}", a.plan.title)
                for a in actions[:LIMIT]
            ],
            len(actions) > LIMIT,
        ),
        Section(
            "Indicateurs",
            [
                (i.get_absolute_url(), f"{i.code} · {i.name}", i.plan.title)
                for i in indicators[:LIMIT]
            ],
            len(indicators) > LIMIT,
        ),
    ]
    if can_read_directory(user):
        structures = list(
            Structure.objects.active()
            .search(text)
            .select_related("commune")
            .only("pk", "name", "acronym", "commune__name")[: LIMIT + 1]
        )
        sections.append(
            Section(
                "Structures de l'annuaire",
                [(s.get_absolute_url(), str(s), s.commune.name) for s in structures[:LIMIT]],
                len(structures) > LIMIT,
                more_url=f"{reverse('structures:structure_list')}?{urlencode({'q': text})}",
            )
        )
    return sections
