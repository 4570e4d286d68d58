from django.core.management.base import BaseCommand, CommandError

from actions import drafting
from actions.management.plans import find_plan


class Command(BaseCommand):
    help = (
        "Prépare le brouillon du plan suivant à partir d'un plan : les actions non "
        "réalisées (ou celles de --actions) sont reconduites, sans leur suivi."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            required=True,
            help="Identifiant d'URL (slug) du plan de départ.",
        )
        parser.add_argument("--slug", required=True, help="Identifiant d'URL du nouveau plan.")
        parser.add_argument("--years", required=True, help="Période du nouveau plan : 2026-2028.")
        parser.add_argument(
            "--title",
            default="",
            help="Intitulé (par défaut, celui du plan de départ avec la nouvelle période).",
        )
        parser.add_argument(
            "--actions",
            default=None,
            help="Codes des actions à reconduire, séparés par des virgules "
            "(par défaut : celles qui ne sont pas « Réalisées »).",
        )

    def handle(self, *, source, slug, years, title, actions, **options):
        source = find_plan(source)
        codes = None if actions is None else [c.strip() for c in actions.split(",") if c.strip()]
        try:
            first, last = drafting.parse_years(years)
            plan = drafting.draft_next_plan(
                source, slug=slug, first_year=first, last_year=last, codes=codes, title=title
            )
        except drafting.DraftRefused as refused:
            raise CommandError(str(refused)) from None
        carried = plan.actions.count()
        self.stdout.write(
            f"Brouillon « {plan.title} » ({plan.slug}) créé : {carried} actions "
            f"reconduites, {plan.indicators.count()} indicateurs."
        )
