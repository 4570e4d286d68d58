from typing import Any

from django.core.management.base import BaseCommand

from committee.demo import create_demo_sessions


class Command(BaseCommand):
    help = (
        "Crée une séance fictive du comité de suivi pour chaque plan chargé, signalée comme "
        "fictive partout où elle est montrée (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for line in create_demo_sessions() or ["Séances fictives : déjà présentes."]:
            self.stdout.write(line)
