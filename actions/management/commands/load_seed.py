import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from actions.services import load_plan

SEED_FILES = sorted((Path(settings.BASE_DIR) / "fixtures").glob("plan_*.json"))


class Command(BaseCommand):
    help = "Charge les plans d'actions de fixtures/ (idempotent : rien n'est dupliqué)."

    def handle(self, *args, **options):
        for path in SEED_FILES:
            report = load_plan(data=json.loads(path.read_text(encoding="utf-8")))
            self.stdout.write(
                f"{report.plan} : {report.created} élément(s) créé(s), "
                f"{report.existing} déjà présent(s)."
            )
