from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def set_trigger_defaults(sender, connection, **kwargs):
    """Give pgtrigger's ignore list a value for the session.

    Unset, every history trigger reads it inside an exception block, i.e. a subtransaction
    per written row: a COPY of 100 000 structures fell from 13 600 to 615 rows/s.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET pgtrigger.ignore = '{}'")


class StructuresConfig(AppConfig):
    name = "structures"
    verbose_name = "Annuaire des structures de l'ESS"

    def ready(self):
        # The first of the domain apps wires what all of them share.
        from essplan import datacache

        connection_created.connect(set_trigger_defaults, dispatch_uid="essplan-trigger-defaults")
        post_migrate.connect(datacache.install, sender=self, dispatch_uid="essplan-data-version")
