from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def set_trigger_defaults(sender: object, connection: Any, **kwargs: object) -> None:
    """Give pgtrigger's ignore list a value for the session.

    Unset, every history trigger reads it inside an exception block, i.e. a subtransaction
    per written row: a COPY of 100 000 structures fell from 13 600 to 615 rows/s.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET pgtrigger.ignore = '{}'")


class EssplanConfig(AppConfig):
    """The core app: what every domain app shares (database wiring, roles, seeds, forms,
    imports, exports, history). It imports no domain app."""

    name = "essplan"
    verbose_name = "essplan"

    def ready(self) -> None:
        from . import (  # noqa: F401 - import_jobs: the import job
            datacache,
            import_jobs,
            roles,
            sessions,
        )

        connection_created.connect(set_trigger_defaults, dispatch_uid="essplan-trigger-defaults")
        # essplan is the last installed app: when it migrates, every table and permission exists.
        post_migrate.connect(datacache.install, sender=self, dispatch_uid="essplan-data-version")
        post_migrate.connect(roles.sync, sender=self, dispatch_uid="essplan-roles")
        # A new session counts its idle time from its log-in (essplan/sessions.py).
        user_logged_in.connect(sessions.started, dispatch_uid="essplan-session-started")
