import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from actions import reminders


def day(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Date invalide : « {text} » (attendu : AAAA-MM-JJ).") from None


class Command(BaseCommand):
    help = (
        "Envoie les relances des campagnes de suivi ouvertes : aux pilotes (ouverture, "
        "N jours avant la date limite, le jour même, puis chaque semaine) et le résumé "
        "hebdomadaire à l'équipe ESS. Chaque relance part une fois. À lancer toutes les heures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Lister ce qui partirait, sans rien envoyer.")
        parser.add_argument("--date", type=day, help="Faire comme si l'on était ce jour-là.")

    def handle(self, *args, dry_run=False, date=None, **options):
        today = date or timezone.localdate()
        due, unreachable = reminders.due(today)
        for campaign, pilot, actions in unreachable:
            name = pilot.get_full_name() or pilot.get_username()
            self.stdout.write(f"Injoignable (pas d'adresse électronique) : {name}, pilote de "
                              f"{', '.join(action.code for action in actions)} "
                              f"(campagne {campaign.year}).")
        if dry_run:
            for reminder in due:
                self.stdout.write(f"Partirait : {describe(reminder)}")
            self.stdout.write(f"{len(due)} relance(s) à envoyer le {today:%d/%m/%Y} (essai : "
                              "rien n'est envoyé).")
            return
        outcome = reminders.send(due)
        for reminder in outcome.sent:
            self.stdout.write(f"Envoyée : {describe(reminder)}")
        for reminder, error in outcome.failed:
            self.stderr.write(f"Non envoyée : {describe(reminder)} ({error})")
        self.stdout.write(f"{len(outcome.sent)} relance(s) envoyée(s) le {today:%d/%m/%Y}.")
        if outcome.failed:
            raise CommandError(f"{len(outcome.failed)} relance(s) non envoyée(s) : elles "
                               "repartiront au prochain lancement.")


def describe(reminder):
    return (f"{reminder.stage} · campagne {reminder.campaign.year} · {reminder.recipient.email}"
            f" · {len(reminder.actions)} action(s)")
