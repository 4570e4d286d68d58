"""The history of a tracked object (and of the rows that reference it), read from the rows
pghistory's triggers wrote.

Triggers record every change (in the app, in the admin, by an import or a
script); the HTTP middleware adds who made it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.formats import localize
from django.utils.functional import Promise
from pghistory.models import Events

from .french import figure, listing, person_name

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

# A changed field: its label, the value before, the value after (as the pages print them).
type Change = tuple[str | Promise, Any, Any]

LABELS = {"insert": "Création", "update": "Modification", "delete": "Suppression"}
# Technical fields, and the parent that the history page already names.
HIDDEN = {"id", "version", "pgh_obj", "action", "plan"}


@dataclass
class Entry:
    when: datetime
    who: str
    what: str
    label: str
    changes: Sequence[Change]


def _tracked_model(event_model_label: str) -> type[Model]:
    event_model = apps.get_model(event_model_label)
    return event_model.pgh_tracked_model


def display(field: Any, value: Any, related: dict[tuple[type[Model], Any], Model]) -> Any:
    """VALUE of FIELD as the pages print it: a label, a name (RELATED: {(model, pk): object}),
    a French number, a list « a, b et c ». Also the conflict screen's (essplan.versioning)."""
    if field.choices and value in dict(field.flatchoices):
        return dict(field.flatchoices)[value]
    if value in (None, "", []):
        return "—"
    if field.is_relation:
        target = related.get((field.related_model, value), value)
        return person_name(target) if isinstance(target, get_user_model()) else target
    if isinstance(value, list):
        return listing(display(field.base_field, item, related) for item in value)
    try:
        python = field.to_python(value)
        if isinstance(python, Decimal):
            return figure(python)
        if isinstance(python, int) and not isinstance(python, bool):
            return str(python)
        return localize(python)
    except (ValidationError, TypeError):
        return value


def _related_objects(events: list[Any]) -> dict[tuple[type[Model], Any], Model]:
    """{(model, pk): object} for every shown foreign key value in EVENTS: one query per model.

    The number of queries is bounded by the schema (objective, direction, user, event),
    not by the number of events."""
    wanted: dict[Any, set[Any]] = {}
    for event in events:
        model = _tracked_model(event.pgh_model)
        for field in model._meta.concrete_fields:
            if field.is_relation and field.name not in HIDDEN:
                for value in (
                    event.pgh_data.get(field.attname),
                    *(event.pgh_diff or {}).get(field.attname, ()),
                ):
                    if value is not None:
                        wanted.setdefault(field.related_model, set()).add(value)
    return {
        (model, obj.pk): obj
        for model, pks in wanted.items()
        for obj in model._default_manager.filter(pk__in=pks)
    }


def for_object(obj: Model, limit: int = 200) -> list[Entry]:
    events = list(Events.objects.references(obj).order_by("-pgh_created_at", "-pgh_id")[:limit])
    user_ids: set[Any] = {(event.pgh_context or {}).get("user") for event in events} - {None}
    users: dict[Any, AbstractUser] = {
        user.pk: user for user in get_user_model().objects.filter(pk__in=user_ids)
    }
    related = _related_objects(events)
    entries = []
    for event in events:
        model = _tracked_model(event.pgh_model)
        fields = {field.attname: field for field in model._meta.concrete_fields}
        if event.pgh_label == "update" and event.pgh_diff:
            diff = event.pgh_diff
        else:
            diff = {name: (None, value) for name, value in event.pgh_data.items()}
        pairs = [(name, diff[name]) for name in fields if name in diff]
        changes = [
            (
                fields[name].verbose_name,
                display(fields[name], old, related),
                display(fields[name], new, related),
            )
            for name, (old, new) in pairs
            if name in fields
            and fields[name].name not in HIDDEN
            and not (event.pgh_label == "insert" and new in (None, "", []))
        ]
        user = users.get((event.pgh_context or {}).get("user"))
        entries.append(
            Entry(
                when=event.pgh_created_at,
                who=person_name(user) if user else "Système (import, script)",
                what=str(model._meta.verbose_name).capitalize(),
                label=LABELS.get(event.pgh_label, event.pgh_label),
                changes=changes,
            )
        )
    return entries
