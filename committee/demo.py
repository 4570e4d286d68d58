"""One example session per seeded plan, for the demonstration only (``manage.py
create_demo_sessions``, run by scripts/run.sh after the demo accounts). Nothing in the sources
tells of a real session: each one is fictitious (``Session.is_fictitious``), says so in its
notes, and every page, mail and PDF that shows it marks it."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from actions.models import Action, AgendaItem, Decision, Member, Plan, Session
from essplan import roles
from structures.models import Structure

NOTES = (
    "Séance fictive, créée pour la démonstration de l'application : ni sa date, ni ses "
    "présents, ni ses échanges, ni ses décisions n'ont eu lieu."
)


@dataclass(frozen=True)
class DemoItem:
    code: str
    source: str
    title: str
    summary: str
    decision: str
    carrier: str
    due_on: datetime.date
    done_note: str = ""


@dataclass(frozen=True)
class DemoSession:
    slug: str
    date: datetime.date
    place: str
    items: tuple[DemoItem, ...]


SESSIONS = (
    DemoSession(
        slug="cotentin-ess-2023-2025",
        date=datetime.date(2025, 6, 17),
        place="Cherbourg-en-Cotentin (lieu fictif)",
        items=(
            DemoItem(
                code="1.1.1",
                source=AgendaItem.Source.TEAM,
                title="Bilan des « cafés projets ESS »",
                summary="Exemple fictif : les cafés attirent surtout des porteurs déjà "
                "accompagnés ; le comité souhaite toucher les communes rurales.",
                decision="Exemple fictif : organiser un café projets hors de Cherbourg "
                "avant la fin de l'année.",
                carrier="Équipe ESS",
                due_on=datetime.date(2025, 12, 31),
                done_note="Exemple fictif : un café organisé à Valognes en novembre.",
            ),
            DemoItem(
                code="3.5.1",
                source=AgendaItem.Source.TEAM,
                title="Date et format du Forum de l'ESS",
                summary="Exemple fictif : le comité préfère un forum d'une journée, "
                "adossé au Mois de l'ESS.",
                decision="Exemple fictif : proposer deux dates au prochain comité.",
                carrier="Équipe ESS",
                due_on=datetime.date(2026, 3, 31),
            ),
        ),
    ),
    DemoSession(
        slug="caen-la-mer-ess-2013-2015",
        date=datetime.date(2014, 11, 20),
        place="Caen (lieu fictif)",
        items=(
            DemoItem(
                code="1.1",
                source=AgendaItem.Source.TEAM,
                title="Avancement de la charte ESS",
                summary="Exemple fictif : le projet de charte circule entre les "
                "partenaires ; deux réseaux n'ont pas encore répondu.",
                decision="Exemple fictif : relancer les réseaux et présenter la charte "
                "au conseil communautaire.",
                carrier="Équipe ESS",
                due_on=datetime.date(2015, 3, 31),
                done_note="Exemple fictif : charte présentée en mars 2015.",
            ),
        ),
    ),
)


def create_demo_sessions() -> list[str]:
    """Create the example sessions of the seeded plans that have none yet: what was done,
    line by line (idempotent: a plan that has a fictitious session is left as it is)."""
    done = []
    for demo in SESSIONS:
        plan = Plan.objects.filter(slug=demo.slug).first()
        if plan is None or plan.sessions.filter(is_fictitious=True).exists():
            continue
        _create(plan, demo)
        done.append(f"Séance fictive du comité de suivi : {plan.title}, {demo.date:%d/%m/%Y}.")
    return done


@transaction.atomic
def _create(plan: Plan, demo: DemoSession) -> None:
    session = Session.objects.create(
        plan=plan,
        date=demo.date,
        starts_at=datetime.time(14, 0),
        place=demo.place,
        state=Session.State.HELD,
        notes=NOTES,
        is_fictitious=True,
    )
    attendance = [Member.Attendance.PRESENT, Member.Attendance.EXCUSED]
    structures = Structure.objects.filter(committee_member=True).order_by("pk")
    Member.objects.bulk_create(
        Member(session=session, structure=structure, attendance=attendance[i % 2 != 0])
        for i, structure in enumerate(structures)
    )
    Member.objects.bulk_create(
        Member(session=session, user=user, attendance=Member.Attendance.PRESENT)
        for user in User.objects.filter(groups__name=roles.VIEWER, is_active=True)
    )
    for position, item in enumerate(demo.items, start=1):
        action = Action.objects.get(plan=plan, code=item.code)
        agenda_item = AgendaItem.objects.create(
            session=session,
            position=position,
            source=item.source,
            title=item.title,
            action=action,
            summary=item.summary,
        )
        Decision.objects.create(
            session=session,
            item=agenda_item,
            action=action,
            text=item.decision,
            carrier_name=item.carrier,
            due_on=item.due_on,
            done_note=item.done_note,
            done_at=(
                datetime.datetime.combine(item.due_on, datetime.time(12), datetime.UTC)
                if item.done_note
                else None
            ),
        )
