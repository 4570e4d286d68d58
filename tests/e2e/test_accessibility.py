"""axe-core (WCAG 2.1 A and AA) on every page of the app, as each role sees it; the same
pages on a phone (390 × 844): none may scroll sideways."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from actions.drafting import draft_next_plan
from actions.models import (
    AgendaItem,
    Campaign,
    DiscussionRequest,
    Event,
    Plan,
    ProgressUpdate,
    Review,
    ReviewComment,
)
from essplan import roles
from jobs.models import Job
from reports.models import AnnualReport
from structures.models import ListingRequest, Structure
from tests.conftest import COTENTIN, make_user
from tests.e2e.conftest import axe_violations, e2e, log_in
from tests.factories import (
    AgendaItemFactory,
    BudgetLineFactory,
    DecisionFactory,
    HeldSessionFactory,
    MemberFactory,
    ScheduledSessionFactory,
    seeded_action,
)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PLAN = f"/plans/{COTENTIN}"
ACTION = f"{PLAN}/actions/1.4.7"
STRUCTURE = "/structures/{structure}"
DRAFT = "/plans/cotentin-ess-2026-2028"
READ_PAGES = [
    "/",
    "/?plan=caen-la-mer-ess-2013-2015&annee=2014",
    "/plans/",
    f"{PLAN}/",
    f"{PLAN}/actions/",
    f"{PLAN}/actions/?q=achats&status=a_venir",
    f"{ACTION}/",
    f"{PLAN}/budget/",
    f"{PLAN}/evenements/",
    "/plans/caen-la-mer-ess-2013-2015/budget/",
    "/page-inexistante/",
    "/structures/",
    "/structures/?q=recyclerie&sort=-employees",
    "/structures/carte/",
    "/structures/carte/?mesure=emplois",
    f"{STRUCTURE}/",
    f"{PLAN}/indicateurs/",
    f"{PLAN}/indicateurs/C1/",
    f"{PLAN}/indicateurs/K8/",
    "/rapports/",
    f"{PLAN}/campagnes/",
    f"{PLAN}/campagnes/2025/",
    f"{PLAN}/campagnes/2025/?waiting=on",
    "/mes-actions/",
    "/recherche/?q=cafe",
]
EDIT_PAGES = [
    f"{ACTION}/modifier/",
    f"{ACTION}/avancement/2025/",
    f"{ACTION}/budget/ajouter/",
    f"{PLAN}/evenements/ajouter/",
    f"{ACTION}/historique/",
    f"{ACTION}/partenaires/?q=cuma",
    "/structures/ajouter/",
    f"{STRUCTURE}/modifier/",
    "/structures/importer/",
    f"{PLAN}/indicateurs/ajouter/",
    f"{PLAN}/indicateurs/C1/modifier/",
    f"{PLAN}/indicateurs/C3/valeurs/2024/",
    f"{PLAN}/indicateurs/importer/",
    f"{PLAN}/indicateurs/C1/historique/",
    f"{PLAN}/campagnes/ouvrir/",
    f"{PLAN}/campagnes/2025/modifier/",
    f"{ACTION}/pilotes/?q=a",
    f"{PLAN}/saisie-groupee/2025/",
    f"{PLAN}/pilotes/",
    f"{PLAN}/pilotes/importer/",
    "/structures/demandes/",
]
PAGES_BY_ROLE = {
    None: [
        "/connexion/",
        "/mot-de-passe/oubli/",
        "/mot-de-passe/choisir/MQ/abc-def/",
        "/public/",
        f"/public{PLAN}/",
        f"/public{ACTION}/",
        "/public/annuaire/",
        "/public/annuaire/?q=recyclerie",
        "/public/annuaire/{structure}/",
        "/public/donnees/",
        "/public/annuaire/carte/",
        "/public/annuaire/inscription/",
        "/public/annuaire/inscription/envoyee/",
    ],
    "sans rôle": ["/plans/"],
    roles.VIEWER: READ_PAGES,
    roles.EDITOR: READ_PAGES + EDIT_PAGES,
    roles.ADMIN: EDIT_PAGES
    + [
        "/rapports/",
        "/comptes/",
        "/comptes/inviter/",
        f"{PLAN}/preparer-le-suivant/",
        f"{DRAFT}/brouillon/",
        f"{DRAFT}/brouillon/action/{{draft_action}}/",
        f"{DRAFT}/adopter/",
        f"{DRAFT}/",
        "/travaux/{job}/",
    ],
    roles.PILOT: ["/mes-actions/", f"{ACTION}/", f"{ACTION}/avancement/2025/"],
}


def add_follow_up():
    action = seeded_action()
    BudgetLineFactory(action=action, year=2025, label="Location de salle", planned=1200)
    Event.objects.create(
        plan=action.plan,
        date=datetime.date(2025, 3, 14),
        kind="cafe_projet",
        title="Café des ASSOS",
        participants=27,
    ).actions.add(action)
    for published in (True, False):
        report = AnnualReport(
            plan=action.plan, year=2024, published=published, size=9, page_count=1, sha256="0" * 64
        )
        report.file.save("rapport.pdf", ContentFile(b"%PDF-1.7\n"))
    # Published on the public site, with the first structure of the directory.
    Plan.objects.filter(pk=action.plan_id).update(is_public=True)
    first = Structure.objects.order_by("pk").first()
    Structure.objects.filter(pk=first.pk).update(
        public_since=timezone.now(), public_contact="contact@structure.example"
    )
    # A structure asked to be listed; another request was refused.
    for state in ("en_attente", "refusee"):
        ListingRequest.objects.create(
            name=f"Atelier du réemploi ({state})",
            siret="73282932000074",
            state=state,
            commune=first.commune,
            contact_name="Paule Martin",
            email="paule@example.org",
            consent=True,
            decided_at=None if state == "en_attente" else timezone.now(),
        )
    # The 2025 campaign is open; the 2024 point, submitted, awaits the ESS team's review.
    Campaign.objects.create(
        plan=action.plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
        message="Merci.",
    )
    point = ProgressUpdate.objects.create(
        action=action, year=2024, status="en_cours", progress=30, review=Review.SUBMITTED
    )
    ReviewComment.objects.create(point=point, review=Review.SUBMITTED)
    return action


@e2e
@pytest.mark.axe
@pytest.mark.parametrize(
    "role", list(PAGES_BY_ROLE), ids=["anonyme", "sans-role", "comite", "equipe", "admin", "pilote"]
)
def test_no_wcag_a_or_aa_violation(page, role):
    action = add_follow_up()
    if role is not None:
        user = make_user(
            "personne", None if role == "sans rôle" else role, staff=role == roles.ADMIN
        )
        action.pilots.add(user)
        log_in(page, user.username) if role != "sans rôle" else None
        if role == "sans rôle":
            page.goto("/connexion/")
            page.get_by_label("Identifiant").fill(user.username)
            page.get_by_label("Mot de passe").fill("mot-de-passe-de-test-2025")
            page.get_by_role("button", name="Se connecter").click()
    structure = Structure.objects.order_by("pk").first().pk
    draft = draft_next_plan(
        action.plan,
        slug=DRAFT.rsplit("/", 1)[1],
        first_year=2026,
        last_year=2028,
        codes=["1.4.6", "1.4.7"],
    )
    draft_action = draft.actions.get(code="1.4.7").pk
    job = Job.objects.create(
        kind="report",
        label="Rapport annuel 2024 · Plan d'actions ESS",
        created_by=user if role not in (None, "sans rôle") else None,
    )
    found, too_wide = sweep(
        page, PAGES_BY_ROLE[role], structure=structure, draft_action=draft_action, job=job.pk
    )
    assert found == {}
    assert too_wide == {}


def sweep(page, urls, **values):
    """The axe-core violations of each of URLS (filled in with VALUES) on a desktop, and the
    width of those that scroll sideways on a phone."""
    found, too_wide = {}, {}
    for url in urls:
        page.set_viewport_size(DESKTOP)
        page.goto(url.format(**values))
        violations = axe_violations(page)
        if violations:
            found[url] = violations
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[url] = width
    return found, too_wide


def add_committee_sessions(action, member):
    """A session to come (three items kept, one proposed by MEMBER, who is invited), a held one
    whose decisions on ACTION are open, late and done, and a fictitious one with its own."""
    today = timezone.localdate()
    upcoming = ScheduledSessionFactory(
        plan=action.plan,
        date=today + datetime.timedelta(days=20),
        video_link="https://visio.example.org/comite-de-suivi-ess-rencontre-annuelle",
        proposals_until=today + datetime.timedelta(days=10),
    )
    MemberFactory(session=upcoming, user=member)
    first = Structure.objects.order_by("pk").first()
    MemberFactory(session=upcoming, user=None, structure=first, attendance="excuse")
    for title in ("Décisions encore ouvertes", "Action 1.4.7 en retard", "Indicateur C1"):
        AgendaItemFactory(session=upcoming, title=title, action=action)
    AgendaItemFactory(
        session=upcoming,
        title="Une journée de l'ESS dans chaque pôle",
        source=AgendaItem.Source.MEMBER,
        state=AgendaItem.State.PROPOSED,
        proposed_by=member,
        detail="Proposé par un membre du comité.",
    )
    DiscussionRequest.objects.create(action=action, reason="Le marché tarde.", raised_by=member)
    held = HeldSessionFactory(plan=action.plan, date=today - datetime.timedelta(days=40))
    MemberFactory(session=held, user=member, attendance="represente", represented_by="Jeanne D.")
    item = AgendaItemFactory(session=held, title="Action 1.4.7", action=action, summary="Retard.")
    decision = DecisionFactory(
        session=held,
        item=item,
        action=action,
        text="Présenter un calendrier révisé du marché, avec ses jalons trimestriels.",
        carrier_name="Direction de la commande publique",
        due_on=today - datetime.timedelta(days=5),
    )
    DecisionFactory(session=held, item=item, action=action, due_on=today)
    demo = HeldSessionFactory(plan=action.plan, is_fictitious=True, notes="Séance fictive.")
    DecisionFactory(session=demo, action=action, text="Exemple fictif : un café projets.")
    DecisionFactory(
        session=demo,
        action=action,
        text="Exemple fictif : deux dates.",
        done_at=timezone.now(),
        done_note="Exemple fictif : fait.",
    )
    return {"session": upcoming.pk, "held": held.pk, "demo": demo.pk, "decision": decision.pk}


COMMITTEE = f"{PLAN}/comite"
SESSION = COMMITTEE + "/seances/{session}"
HELD = COMMITTEE + "/seances/{held}"
COMMITTEE_READ = [
    "/",
    f"{COMMITTEE}/",
    f"{SESSION}/",
    f"{HELD}/",
    COMMITTEE + "/seances/{demo}/",
    f"{SESSION}/ordre-du-jour/",
    f"{HELD}/releve/",
    f"/rapports/releves/{COTENTIN}" + "/seances/{held}/",
    f"{ACTION}/",
]
COMMITTEE_PREPARE = [
    *COMMITTEE_READ,
    f"{COMMITTEE}/seances/nouvelle/",
    f"{SESSION}/modifier/",
    f"{SESSION}/membres/",
    f"{HELD}/presences/",
    f"{SESSION}/releve/",
    HELD + "/releve/decisions/{decision}/",
]
COMMITTEE_PAGES_BY_ROLE = {
    roles.VIEWER: [*COMMITTEE_READ, f"{SESSION}/proposer/"],
    roles.EDITOR: COMMITTEE_PREPARE,
    roles.ADMIN: COMMITTEE_PREPARE,
    roles.PILOT: ["/mes-actions/", f"{ACTION}/", f"{ACTION}/avancement/2025/"],
}


@e2e
@pytest.mark.axe
@pytest.mark.parametrize(
    "role", list(COMMITTEE_PAGES_BY_ROLE), ids=["comite", "equipe", "admin", "pilote"]
)
def test_committee_pages_have_no_wcag_a_or_aa_violation_and_fit_a_phone(page, role):
    action = add_follow_up()
    user = make_user("personne", role, staff=role == roles.ADMIN)
    action.pilots.add(user)
    values = add_committee_sessions(action, user)
    log_in(page, user.username)
    found, too_wide = sweep(page, COMMITTEE_PAGES_BY_ROLE[role], **values)
    assert found == {}
    assert too_wide == {}
