import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from actions import reminders
from essplan import notify
from essplan.french import count, person_name


def day(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Date invalide : « {text} » (attendu : AAAA-MM-JJ).") from None


class Command(BaseCommand):
    help = (
        "Envoie les relances des campagnes de suivi ouvertes : aux pilotes (ouverture, "
        "N jours avant la date limite, le jour même, puis chaque semaine) et le résumé "
        "hebdomadaire à l'équipe ESS. Chaque relance part une fois. Renvoie aussi les avis "
        "(point renvoyé, pilote nommé…) que le serveur de courrier a refusés. À lancer toutes "
        "les heures, sans option : elle envoie ce qui doit partir aujourd'hui. Avec --date, "
        "elle ne fait que simuler, sauf si --send est donné."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Lister ce qui partirait, sans rien envoyer."
        )
        parser.add_argument(
            "--date",
            type=day,
            help="Faire comme si l'on était ce jour-là (AAAA-MM-JJ) : simule "
            "seulement, rien n'est envoyé ni noté, sauf avec --send.",
        )
        parser.add_argument(
            "--send",
            action="store_true",
            help="Avec --date : envoyer vraiment les relances de ce jour-là.",
        )

    def handle(self, *args, dry_run=False, date=None, send=False, **options):
        if dry_run and send:
            raise CommandError("--dry-run et --send s'excluent.")
        today = date or timezone.localdate()
        dry_run = dry_run or (date is not None and not send)
        due, unreachable = reminders.due(today)
        for campaign, pilot, actions in unreachable:
            name = person_name(pilot)
            self.stdout.write(
                f"Injoignable (pas d'adresse électronique) : {name}, pilote de "
                f"{', '.join(action.code for action in actions)} "
                f"(campagne {campaign.year})."
            )
        if dry_run:
            for reminder in due:
                self.stdout.write(f"Partirait : {describe(reminder)}")
            self.stdout.write(
                f"{count(len(due), 'relance', 'relances')} à envoyer le "
                f"{today:%d/%m/%Y} (essai : rien n'est envoyé)."
            )
            return
        notified, refused = notify.send_pending()
        if notified or refused:
            self.stdout.write(
                f"Avis en attente : {count(notified, 'envoyé', 'envoyés')}, "
                f"{count(refused, 'refusé', 'refusés')} par le serveur de courrier."
            )
        outcome = reminders.send(due)
        for reminder in outcome.sent:
            self.stdout.write(f"Envoyée : {describe(reminder)}")
        for reminder, error in outcome.failed:
            self.stderr.write(f"Non envoyée : {describe(reminder)} ({error})")
        self.stdout.write(
            f"{count(len(outcome.sent), 'relance envoyée', 'relances envoyées')} "
            f"le {today:%d/%m/%Y}."
        )
        if outcome.failed:
            failed = len(outcome.failed)
            again = "elle repartira" if failed == 1 else "elles repartiront"
            raise CommandError(
                f"{count(failed, 'relance non envoyée', 'relances non envoyées')}"
                f" : {again} au prochain lancement."
            )


def describe(reminder):
    return (
        f"{reminder.stage} · campagne {reminder.campaign.year} · {reminder.recipient.email}"
        f" · {count(len(reminder.actions), 'action', 'actions')}"
    )
