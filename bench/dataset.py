"""The large data set of the benchmark: generated, plausible, reproducible (fixed seed).

Structures are generated as rows of a directory spreadsheet (what an import receives)
and as model rows (what COPY writes): the same structures either way.
"""

import datetime
import json
import random
import uuid
from decimal import Decimal

import tablib
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from stdnum import luhn

from actions.models import (
    Action,
    AgendaItem,
    Axis,
    BudgetLine,
    Campaign,
    Decision,
    Direction,
    Event,
    Member,
    Objective,
    Plan,
    ProgressUpdate,
    Review,
    Session,
    Status,
)
from indicators.models import Indicator, Measurement, Target
from structures.models import Commune, LegalForm, NafCode, Structure

SLUG = "banc-essai-2023-2025"
COPIED = [
    "code",
    "name",
    "definition",
    "unit",
    "kind",
    "direction",
    "source",
    "baseline_value",
    "baseline_year",
    "computation",
]
YEARS = (2023, 2024, 2025)
HEADERS = ["SIRET", "Nom", "Forme juridique", "Code commune", "Salariés", "ETP", "Code NAF"]
KINDS = [
    "Association",
    "Recyclerie",
    "Épicerie solidaire",
    "Coopérative",
    "Atelier vélo",
    "Jardin partagé",
    "Tiers-lieu",
    "Mutuelle",
    "Café associatif",
    "Ressourcerie",
    "Chantier d'insertion",
    "Crèche parentale",
    "AMAP",
    "Fondation",
    "Régie de quartier",
]
THEMES = [
    "du Val de Saire",
    "de la Hague",
    "du Clos du Cotentin",
    "des Pieux",
    "de Valognes",
    "de Cherbourg",
    "de la Côte des Isles",
    "du Cœur du Cotentin",
    "de Barfleur",
    "des Marais",
    "de Saint-Vaast",
    "du Bocage",
    "de la Saire",
    "des Dunes",
    "du Port",
]
FORMS = ["9220", "9220", "9220", "5458", "5560", "6316", "8210", "9300", "5499"]
NAF = ["88.99B", "94.99Z", "38.32Z", "47.11C", "56.10A", "85.59A", "90.01Z", "93.12Z", "81.30Z"]


def siret(n):
    """A valid SIRET whose SIREN starts with 99 (a range INSEE does not assign)."""
    siren = f"99{n:06d}"
    siren += luhn.calc_check_digit(siren)
    head = siren + "0001"
    return head + luhn.calc_check_digit(head)


def structure_rows(count, seed=2025, first=0):
    """COUNT structures as (siret, name, legal form code, INSEE code, employees, fte, NAF),
    numbered from FIRST."""
    rng = random.Random(seed)
    communes = list(Commune.objects.order_by("insee_code").values_list("insee_code", "population"))
    weights = [max(population or 1, 1) for _, population in communes]
    insee = rng.choices([code for code, _ in communes], weights=weights, k=count)
    for index, n in enumerate(range(first, first + count)):
        employees = int(rng.paretovariate(1.4)) - 1
        yield (
            siret(n),
            f"{rng.choice(KINDS)} {rng.choice(THEMES)} n° {n + 1}",
            rng.choice(FORMS),
            insee[index],
            employees,
            Decimal(employees * 8) / 10,
            rng.choice(NAF),
        )


def as_spreadsheet(rows):
    """The rows as a user's spreadsheet has them: French decimals, text cells."""
    data = tablib.Dataset(headers=HEADERS)
    for siret_, name, form, insee, employees, fte, naf in rows:
        data.append([siret_, name, form, insee, str(employees), str(fte).replace(".", ","), naf])
    return data


def model_values(rows):
    """The rows as the directory table stores them, foreign keys by id (a list: its
    references are read before any COPY takes the connection)."""
    communes = dict(Commune.objects.values_list("insee_code", "pk"))
    forms = {form.code: form for form in LegalForm.objects.all()}
    naf = dict(NafCode.objects.values_list("code", "pk"))
    return [
        {
            "siret": siret_,
            "siren": siret_[:9],
            "name": name,
            "legal_form_id": forms[form].pk,
            "family": forms[form].family,
            "commune_id": communes[insee],
            "employees": employees,
            "fte": fte,
            "naf_id": naf[naf_code],
        }
        for siret_, name, form, insee, employees, fte, naf_code in rows
    ]


def copy_structures(rows):
    """COPY ROWS into the directory table, every column the model stores."""
    fields = [f for f in Structure._meta.concrete_fields if not f.primary_key and not f.generated]
    now = timezone.now()
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    rows = model_values(rows)
    with transaction.atomic(), connection.cursor() as cursor:
        # The history context the app's writes carry (see essplan.imports.run_import).
        cursor.connection.execute(
            "SELECT set_config('pghistory.context_id', %s, true), "
            "set_config('pghistory.context_metadata', %s, true)",
            [str(uuid.uuid4()), json.dumps({"source": "copy"})],
        )
        with cursor.connection.cursor().copy(
            f"COPY {Structure._meta.db_table} ({columns}) FROM STDIN"
        ) as copy:
            for row in rows:
                values = {**defaults, **row, "updated_at": now, "version": 1}
                copy.write_row([values[f.attname] for f in fields])


def add_follow_up(action):
    """An update, a budget line and an event for ACTION, for each year of its plan."""
    for year in action.plan.years:
        ProgressUpdate.objects.create(
            action=action,
            year=year,
            status=Status.IN_PROGRESS,
            progress=30,
            achievements=f"Réalisations {year}.",
        )
        BudgetLine.objects.create(
            action=action,
            year=year,
            label="Prestations",
            planned=Decimal(400),
            committed=Decimal(300),
            spent=Decimal(200),
        )
        Event.objects.create(
            plan=action.plan,
            date=datetime.date(year, 5, 12),
            title=f"Café projet {year}",
            participants=20,
        ).actions.add(action)


@transaction.atomic
def build_plan(
    actions=450, indicators=100, events=300, seed=2025, template_slug="cotentin-ess-2023-2025"
):
    """A plan of ACTIONS actions with updates for three years, budget lines, EVENTS events
    and INDICATORS indicators: those of the TEMPLATE_SLUG plan, then generated ones with
    entered values."""
    rng = random.Random(seed)
    direction, _ = Direction.objects.get_or_create(name="Direction du banc d'essai")
    plan = Plan.objects.create(
        title="Plan de charge (banc d'essai)",
        slug=SLUG,
        territory="Territoire du banc d'essai",
        first_year=YEARS[0],
        last_year=YEARS[-1],
        budget_envelope=Decimal(actions * 600),
        state=Plan.State.ADOPTED,
        deliberation_reference="BENCH-1",
    )
    per_axis = actions // 3
    objectives_per_axis = 5
    created = []
    for number in (1, 2, 3):
        axis = Axis.objects.create(plan=plan, number=number, title=f"Axe généré {number}")
        for o in range(1, objectives_per_axis + 1):
            objective = Objective.objects.create(
                axis=axis, code=f"{number}.{o}", title=f"Objectif généré {number}.{o}"
            )
            count = per_axis // objectives_per_axis + (o <= per_axis % objectives_per_axis)
            created += [
                Action(
                    plan=plan,
                    objective=objective,
                    code=f"{number}.{o}.{a}",
                    title=f"Action générée {number}.{o}.{a}",
                    pilot_direction=direction,
                    end_date=datetime.date(rng.choice(YEARS), 12, 31),
                )
                for a in range(1, count + 1)
            ]
    created = Action.objects.bulk_create(created)
    statuses = [Status.PLANNED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.DONE, Status.PAUSED]
    updates, lines = [], []
    for action in created:
        progress = 0
        for year in YEARS:
            progress = min(100, progress + rng.randint(0, 45))
            updates.append(
                ProgressUpdate(
                    action=action,
                    year=year,
                    status=rng.choice(statuses),
                    progress=progress,
                    achievements=f"Réalisations {year} de l'action {action.code}.",
                    difficulties="Disponibilité des partenaires." if rng.random() < 0.3 else "",
                    next_steps="Poursuivre l'accompagnement.",
                )
            )
            for label in ("Prestations", "Communication"):
                planned = Decimal(rng.randint(50, 500))
                lines.append(
                    BudgetLine(
                        action=action,
                        year=year,
                        label=label,
                        planned=planned,
                        committed=planned * Decimal("0.8"),
                        spent=planned * Decimal("0.6"),
                    )
                )
    ProgressUpdate.objects.bulk_create(updates)
    BudgetLine.objects.bulk_create(lines)
    Event.objects.bulk_create(
        [
            Event(
                plan=plan,
                date=datetime.date(rng.choice(YEARS), rng.randint(1, 12), rng.randint(1, 28)),
                kind=rng.choice(Event.Kind.values),
                title=f"Événement généré {n}",
                participants=rng.randint(5, 120),
            )
            for n in range(events)
        ]
    )
    # The seed plan's indicators (same codes, same computations), then entered ones.
    seed = Indicator.objects.exclude(plan=plan).filter(plan__slug=template_slug)
    copies = [
        Indicator(plan=plan, **{field: getattr(indicator, field) for field in COPIED})
        for indicator in seed.order_by("code")
    ]
    copies += [
        Indicator(
            plan=plan,
            code=f"B{n + 1}",
            name=f"Indicateur généré {n + 1}",
            baseline_value=Decimal(100 + n),
            baseline_year=2022,
        )
        for n in range(max(indicators - len(copies), 0))
    ]
    made = Indicator.objects.bulk_create(copies)
    entered = [indicator for indicator in made if not indicator.computation]
    Measurement.objects.bulk_create(
        [
            Measurement(indicator=indicator, year=year, value=Decimal(rng.randint(90, 200)))
            for indicator in entered
            for year in YEARS
        ]
    )
    Target.objects.bulk_create(
        [
            Target(indicator=indicator, year=year, value=Decimal(150))
            for indicator in entered
            for year in YEARS
        ]
    )
    return plan


CAMPAIGN_YEAR = 2025
PILOTS_PER_ACTION = 3


def add_campaign(plan, pilots, *, pilot_count=None, today=None):
    """The campaign of CAMPAIGN_YEAR for PLAN, open today, each action with PILOTS_PER_ACTION
    of PILOTS (users); two points out of three of the year are drafts, so that the à-faire
    view and the reminders have work."""
    today = today or timezone.localdate()
    Campaign.objects.create(
        plan=plan,
        year=CAMPAIGN_YEAR,
        opens_on=today - datetime.timedelta(days=10),
        due_on=today + datetime.timedelta(days=20),
        message="Merci de faire le point de vos actions.",
    )
    actions = list(plan.actions.order_by("code_key"))
    links = Action.pilots.through
    links.objects.bulk_create(
        [
            links(action=action, user=pilots[(n + k) % len(pilots)])
            for n, action in enumerate(actions)
            for k in range(min(PILOTS_PER_ACTION, len(pilots)))
        ],
        ignore_conflicts=True,
    )
    points = ProgressUpdate.objects.filter(action__plan=plan, year=CAMPAIGN_YEAR).order_by("pk")
    drafts = [point.pk for n, point in enumerate(points) if n % 3]
    ProgressUpdate.objects.filter(pk__in=drafts).update(review=Review.DRAFT)


def make_pilots(count, group, prefix):
    """COUNT pilot accounts with an address, in GROUP (the « Pilote » role)."""
    from django.contrib.auth.models import User

    users = User.objects.bulk_create(
        [
            User(
                username=f"{prefix}-{n}",
                email=f"{prefix}-{n}@banc.essplan.test",
                first_name="Pilote",
                last_name=f"n° {n}",
            )
            for n in range(count)
        ]
    )
    group.user_set.add(*users)
    return users


def publish(plan):
    """PLAN on the public site, with one structure in ten of the directory (its consent)."""
    Plan.objects.filter(pk=plan.pk).update(is_public=True)
    Structure.objects.annotate(tenth=F("id") % 10).filter(tenth=0).update(
        public_since=timezone.now()
    )


# The sources of a session's items drawn from the plan (each names an action), then the others.
ITEM_SOURCES = [
    AgendaItem.Source.LATE,
    AgendaItem.Source.LATE,
    AgendaItem.Source.PAUSED,
    AgendaItem.Source.ABANDONED,
    AgendaItem.Source.TO_DISCUSS,
    AgendaItem.Source.MISSING_POINTS,
    AgendaItem.Source.INDICATOR,
    AgendaItem.Source.TEAM,
    AgendaItem.Source.MEMBER,
]
ATTENDANCE = [
    *[Member.Attendance.PRESENT] * 6,
    *[Member.Attendance.EXCUSED] * 2,
    Member.Attendance.REPRESENTED,
    Member.Attendance.ABSENT,
]


def add_committee(
    plan, group, *, sessions=8, accounts=15, structures=25, items=15, decisions=6, seed=2025
):
    """A comité history for PLAN: SESSIONS sessions spread over its years, all held but the
    last, convened three weeks from today; each with ACCOUNTS comité accounts (new, in GROUP)
    and STRUCTURES structures of the directory (flagged as sitting on the comité) invited,
    ITEMS agenda items, and, once held, DECISIONS decisions on its items' actions, carried by
    their pilots. The older the session, the more of its decisions are carried out; of those
    still open, about half are late today. Returns the sessions, the oldest first."""
    from django.contrib.auth.models import User

    rng = random.Random(seed)
    today = timezone.localdate()
    users = User.objects.bulk_create(
        [
            User(
                username=f"banc-comite-{plan.pk}-{n}",
                email=f"banc-comite-{plan.pk}-{n}@banc.essplan.test",
                first_name="Membre",
                last_name=f"n° {n}",
            )
            for n in range(accounts)
        ]
    )
    group.user_set.add(*users)
    seats = list(Structure.objects.order_by("pk").values_list("pk", flat=True)[:structures])
    Structure.objects.filter(pk__in=seats).update(committee_member=True)
    actions = list(plan.actions.order_by("code_key"))
    carriers = dict(
        Action.pilots.through.objects.filter(action__plan=plan).values_list("action", "user")
    )
    first = datetime.date(plan.first_year, 3, 1)
    span = (datetime.date(plan.last_year, 12, 1) - first).days
    held = max(sessions - 1, 1)
    made = []
    for n in range(sessions):
        last = n == sessions - 1
        date = (
            today + datetime.timedelta(days=21)
            if last
            else first + datetime.timedelta(days=span * n // held)
        )
        session = Session.objects.create(
            plan=plan,
            date=date,
            starts_at=datetime.time(14, 30),
            place="Salle du conseil, hôtel de l'agglomération",
            state=Session.State.CONVENED if last else Session.State.HELD,
            agenda_sent_at=timezone.make_aware(
                datetime.datetime.combine(date - datetime.timedelta(days=15), datetime.time(9))
            ),
            notes="" if last else f"Séance n° {n + 1} du comité de suivi (banc d'essai).",
        )
        made.append(session)
        Member.objects.bulk_create(
            [
                Member(
                    session=session,
                    user=user,
                    attendance=Member.Attendance.INVITED if last else rng.choice(ATTENDANCE),
                )
                for user in users
            ]
            + [
                Member(
                    session=session,
                    structure_id=structure,
                    attendance=Member.Attendance.INVITED if last else rng.choice(ATTENDANCE),
                )
                for structure in seats
            ]
        )
        Member.objects.filter(session=session, attendance=Member.Attendance.REPRESENTED).update(
            represented_by="Son suppléant"
        )
        agenda = []
        for position in range(items):
            source = (
                AgendaItem.Source.OPEN_DECISIONS
                if position == 0 and n
                else rng.choice(ITEM_SOURCES)
            )
            action = (
                None
                if source in {AgendaItem.Source.OPEN_DECISIONS, AgendaItem.Source.TEAM}
                else rng.choice(actions)
            )
            title = f"Action {action.code} : {source.label.lower()}" if action else source.label
            agenda.append(
                AgendaItem(
                    session=session,
                    position=position,
                    source=source,
                    # One member's proposal in ten is set aside by the team.
                    state=AgendaItem.State.REFUSED
                    if source == AgendaItem.Source.MEMBER and rng.random() < 0.1
                    else AgendaItem.State.KEPT,
                    title=title,
                    detail=f"Point présenté par l'équipe ESS : {title.lower()}.",
                    action=action,
                    summary=""
                    if last
                    else "Le comité a entendu le pilote et échangé sur les suites.",
                )
            )
        agenda = AgendaItem.objects.bulk_create(agenda)
        if last:
            continue
        on_actions = [
            item for item in agenda if item.action and item.state == AgendaItem.State.KEPT
        ]
        done_share = 0.85 - 0.7 * n / held  # the first session's nearly all done, the last's few
        rows = []
        for d in range(decisions):
            item = on_actions[d % len(on_actions)] if on_actions else None
            action = item.action if item else None
            carrier = carriers.get(action.pk) if action else None
            due_on = date + datetime.timedelta(days=rng.randint(60, 240))
            done = rng.random() < done_share
            if not done and rng.random() < 0.5:
                due_on = max(due_on, today + datetime.timedelta(days=rng.randint(15, 240)))
            done_at = (
                timezone.make_aware(
                    datetime.datetime.combine(
                        min(due_on, today) - datetime.timedelta(days=rng.randint(0, 30)),
                        datetime.time(11),
                    )
                )
                if done
                else None
            )
            rows.append(
                Decision(
                    session=session,
                    item=item,
                    action=action,
                    text=f"Décision {d + 1} de la séance n° {n + 1} : "
                    + (f"relancer l'action {action.code}" if action else "préciser le calendrier")
                    + " et en rendre compte au prochain comité.",
                    carrier_id=carrier,
                    carrier_name="" if carrier else "Équipe ESS",
                    due_on=due_on,
                    done_at=done_at,
                    done_by_id=carrier if done else None,
                    done_note="Fait, présenté au comité suivant." if done else "",
                )
            )
        Decision.objects.bulk_create(rows)
    return made
