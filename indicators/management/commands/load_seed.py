import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from actions.services import load_plan
from indicators.services import load_indicators
from structures.services import load_demo_structures, load_reference_data

SEED_FILES = sorted((Path(settings.BASE_DIR) / "fixtures").glob("plan_*.json"))


class Command(BaseCommand):
    help = (
        "Charge les données de référence (communes, formes juridiques, NAF), les structures "
        "fictives de démonstration et les plans d'actions de fixtures/ (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true",
                            help="Ne pas créer les structures fictives de démonstration.")

    def handle(self, *args, **options):
        communes, forms, codes = load_reference_data()
        self.stdout.write(f"Référentiels : {communes} communes, {forms} formes juridiques, "
                          f"{codes} codes NAF.")
        if not options["no_demo"]:
            self.stdout.write(f"Structures fictives créées : {load_demo_structures()}.")
        for path in SEED_FILES:
            report = load_plan(data=json.loads(path.read_text(encoding="utf-8")))
            self.stdout.write(
                f"{report.plan} : {report.created} élément(s) créé(s), "
                f"{report.existing} déjà présent(s)."
            )
        self.stdout.write(f"Indicateurs créés : {load_indicators()}.")
