"""Versions and history shared by the apps' editable models.

- ``Versioned``: a version number checked in the UPDATE, so concurrent edits are
  detected; ``bump_version()`` is the trigger that moves it on at every UPDATE,
  from the app, the admin, an import or SQL. Concrete models list it in
  ``Meta.triggers``.
- ``tracked(model_name)``: django-pghistory records every insert, update and
  delete of the model in MODEL_NAME, with the request's user as context.
"""

import pghistory
import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _


def tracked(model_name, *trackers, **options):
    return pghistory.track(
        *(trackers or (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())),
        model_name=model_name,
        obj_field=pghistory.ObjForeignKey(related_name="history"),
        **options,
    )


def bump_version():
    return pgtrigger.Trigger(
        name="bump_version",
        when=pgtrigger.Before,
        operation=pgtrigger.Update,
        func="NEW.version := OLD.version + 1; RETURN NEW;",
    )


class Versioned(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True
