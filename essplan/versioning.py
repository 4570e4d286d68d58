"""Versions and history shared by the apps' editable models.

- ``Versioned``: a version number checked in the UPDATE, so concurrent edits are
  detected; ``bump_version()`` is the trigger that moves it on at every UPDATE,
  from the app, the admin, an import or SQL. Concrete models list it in
  ``Meta.triggers``.
- ``tracked(model_name)``: django-pghistory records every insert, update and
  delete of the model in MODEL_NAME, with the request's user as context.
- ``save_versioned(form=…, version=…)``: saves a ModelForm's existing instance
  only if its version is still VERSION, else raises ``ConcurrentEdit`` with what
  changed in between (read from the history).
"""

from collections.abc import Callable
from typing import Any

import pghistory
import pgtrigger
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Model
from django.forms import ModelForm

from . import history
from .history import Change


def tracked(model_name: str, *trackers: Any, **options: Any) -> Any:
    return pghistory.track(
        *(trackers or (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())),
        model_name=model_name,
        obj_field=pghistory.ObjForeignKey(related_name="history"),
        **options,
    )


def bump_version() -> Any:
    return pgtrigger.Trigger(
        name="bump_version",
        when=pgtrigger.Before,
        operation=pgtrigger.Update,
        func="NEW.version := OLD.version + 1; RETURN NEW;",
    )


class Versioned(models.Model):
    version = models.PositiveIntegerField("version", default=1, editable=False)

    class Meta:
        abstract = True


CONFLICT_MESSAGE = (
    "Quelqu'un a enregistré cette fiche après que vous l'avez ouverte : votre "
    "enregistrement est refusé pour ne pas effacer son travail. Rechargez la page, "
    "puis reportez-y vos changements."
)


class ConcurrentEdit(Exception):
    """Someone saved the record after the user opened it: nothing was written."""

    def __init__(self, changes: list[Change]) -> None:
        super().__init__("concurrent edit")
        self.changes = changes


SKIPPED = {"id", "version", "updated_at"}


def changes_since(instance: Any, version: int) -> list[Change]:
    """What changed in INSTANCE's row since VERSION: [(label, then, now)], from its history."""
    model = type(instance)
    current = model.objects.get(pk=instance.pk)
    history = model.pgh_event_models["update"]
    then = (
        history.objects.filter(pgh_obj_id=instance.pk, version=version).order_by("-pgh_id").first()
    )
    changes: list[Change] = []
    recorded = {field.attname for field in history._meta.concrete_fields}
    for field in model._meta.concrete_fields:
        if then is None or field.attname not in recorded or field.name in SKIPPED:
            continue
        old, new = getattr(then, field.attname), getattr(current, field.attname)
        if old != new:
            changes.append((field.verbose_name, _display(field, old), _display(field, new)))
    return changes


def _display(field: Any, value: Any) -> Any:
    """VALUE as the history page prints it, its related object read if it has one."""
    related: dict[tuple[type[Model], Any], Model] = {}
    if field.is_relation and value is not None:
        related[(field.related_model, value)] = field.related_model._default_manager.get(pk=value)
    return history.display(field, value, related)


@transaction.atomic
def save_versioned(*, form: "ModelForm[Any]", version: int, **extra: Any) -> Any:
    """Save a ModelForm whose instance exists, refusing it if VERSION is no longer current.

    The version check is in the UPDATE itself, so two writers cannot both pass it;
    the bump_version trigger moves the version on.
    """
    instance = form.save(commit=False)
    for name, value in extra.items():
        setattr(instance, name, value)
    opts = type(instance)._meta
    # The forms name their fields (Meta.fields; none lists only exclude).
    fields = [
        name
        for name in form._meta.fields  # type: ignore[union-attr]
        if not opts.get_field(name).many_to_many
    ]
    values = {name: getattr(instance, name) for name in [*fields, *extra]}
    # QuerySet.update() skips Model.save(): the "modifié le" fields are set here.
    values.update(
        {
            field.name: field.pre_save(instance, add=False)
            for field in opts.concrete_fields
            if getattr(field, "auto_now", False)
        }
    )
    model = type(instance)
    updated = model.objects.filter(pk=instance.pk, version=version).update(**values)
    if not updated:
        raise ConcurrentEdit(changes_since(instance, version))
    instance.version = version + 1
    form.save_m2m()
    return instance


def stored_values(instance: Model) -> list[Change]:
    """What a row created meanwhile holds: [(label, "—", value)], as changes_since() says."""
    return [
        (field.verbose_name, "—", _display(field, getattr(instance, field.attname)))
        for field in type(instance)._meta.concrete_fields
        if field.name not in SKIPPED
        and not field.is_relation
        and getattr(instance, field.attname) not in (None, "", [])
    ]


def violated_constraint(error: BaseException) -> str | None:
    """The name of the constraint an IntegrityError broke (None when PostgreSQL gave none)."""
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)


def existing_twin(instance: Any) -> Model | None:
    """The stored row that takes INSTANCE's place in one of its model's unique constraints."""
    model = type(instance)
    for constraint in model._meta.total_unique_constraints:
        lookup = {
            name: getattr(instance, model._meta.get_field(name).attname)
            for name in constraint.fields
        }
        found = model._default_manager.filter(
            **{model._meta.get_field(name).attname: value for name, value in lookup.items()}
        ).first()
        if found is not None:
            return found
    return None


@transaction.atomic
def save_form(*, form: "ModelForm[Any]", **extra: Any) -> Any:
    """Create FORM's instance, or update it under the version check (ConcurrentEdit).

    A form opened on a row that did not exist yet carries no version: if the row exists by
    the time it is saved (someone created it meanwhile), or is created at the same moment
    (the unique constraint refuses the second), the save is a conflict too."""
    version = form.cleaned_data.get("version")
    if not form.instance._state.adding:
        if version is None:
            # The form's instance already holds the user's input: read what is stored.
            stored = type(form.instance)._default_manager.get(pk=form.instance.pk)
            raise ConcurrentEdit(stored_values(stored))
        return save_versioned(form=form, version=version, **extra)
    instance = form.save(commit=False)
    for name, value in extra.items():
        setattr(instance, name, value)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        twin = existing_twin(instance)
        if twin is None:
            raise
        raise ConcurrentEdit(stored_values(twin)) from None
    form.save_m2m()
    return instance


def save_or_conflict(
    form: "ModelForm[Any]", saver: Callable[..., Any] | None = None, **extra: Any
) -> list[Change] | None:
    """Save FORM (with SAVER, save_form by default); return the changes that make it a
    conflict, or None once saved. A SAVER that refuses with a ValidationError (a unique
    constraint met by a concurrent write, a decision someone closed meanwhile) has its
    message shown on the form."""
    try:
        (saver or save_form)(form=form, **extra)
    except ConcurrentEdit as exc:
        return exc.changes
    except ValidationError as exc:
        form.add_error(None, exc)
        return []
    except IntegrityError:
        form.add_error(None, CONFLICT_MESSAGE)
        return []
    return None
