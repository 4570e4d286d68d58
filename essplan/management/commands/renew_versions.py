"""manage.py renew_versions: every cached figure, page body and public answer is computed again.

Run it after restoring the database from a dump: the restored versions are older ones, under
which a running process or a shared Redis server may still keep what other data printed. (A
deploy that runs migrate does it by itself.)"""

from typing import Any

from django.core.management.base import BaseCommand

from essplan import datacache


class Command(BaseCommand):
    help = (
        "Donne une nouvelle version à toutes les données : tout ce qui est en cache est recalculé."
    )

    def handle(self, *args: str, **options: Any) -> None:
        datacache.renew()
        self.stdout.write(
            "Versions renouvelées : les pages et les chiffres en cache seront "
            "recalculés à leur prochain affichage."
        )
