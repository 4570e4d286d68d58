"""What the health probe (essplan.health) asks of the jobs: how long the oldest waiting job
has waited. Here, beside the table it reads, so that the core app asks a function and never
names this app's table; measured by the database's clock, like the jobs' own dates."""

from django.db import connection

from .models import Job, Status


def oldest_waiting_seconds():
    """The age in whole seconds of the oldest job waiting for a worker (0 when none waits),
    in one query; a database failure propagates (the probe answers 503)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::int "
            f"FROM {connection.ops.quote_name(Job._meta.db_table)} WHERE status = %s",
            [Status.WAITING],
        )
        return cursor.fetchone()[0]
