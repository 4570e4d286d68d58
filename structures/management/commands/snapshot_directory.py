from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from essplan.french import integer
from structures.snapshots import SnapshotRefused, take


class Command(BaseCommand):
    help = (
        "Relève les chiffres de l'annuaire d'une année (structures et salariés par commune "
        "et par famille). À lancer le 31 décembre ; relancé, il remplace le relevé de "
        "l'année. Une année passée est reconstituée d'après l'historique des modifications."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="année (défaut : l'année en cours)")

    def handle(self, *args, year=None, **options):
        year = year or timezone.localdate().year
        try:
            taken = take(year)
        except SnapshotRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        source = (
            "l'annuaire du jour"
            if taken["source"] == "annuaire"
            else "l'historique des modifications"
        )
        self.stdout.write(
            f"Annuaire {year} : {integer(taken['structures'])} structures, "
            f"{integer(taken['employees'])} salariés, {taken['rows']} lignes "
            f"(commune × famille), d'après {source}."
        )
