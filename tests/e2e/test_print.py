"""The dashboard printed on A4 from Chromium: three pages at most, dated and numbered; the
comité's pages printed without their editing controls."""

import datetime
import re
import unicodedata
from io import BytesIO

from django.utils import timezone
from pypdf import PdfReader

from actions.models import BudgetLine, Campaign, Event, ProgressUpdate, Review, Status
from essplan import roles
from indicators.models import Measurement
from tests.conftest import COTENTIN, make_user
from tests.e2e.conftest import e2e, log_in
from tests.e2e.test_accessibility import add_committee_sessions
from tests.factories import seeded_action

STATUSES = [Status.IN_PROGRESS, Status.DONE, Status.PLANNED, Status.PAUSED]


def fill_the_plan():
    """A plan in its last year, every figure filled: two points for 40 of the 45 actions
    (several late), a budget line each, the 2025 campaign, the key indicators' values."""
    plan = seeded_action().plan
    for n, action in enumerate(plan.actions.order_by("code_key")):
        BudgetLine.objects.create(
            action=action, year=2025, label="Prestation", planned=1500, committed=900, spent=600
        )
        if n >= 40:
            continue
        for year in (2024, 2025):
            status = STATUSES[(n + year) % len(STATUSES)]
            ProgressUpdate.objects.create(
                action=action,
                year=year,
                status=status,
                progress=100 if status == Status.DONE else 10 * (n % 9),
                review=Review.VALIDATED if n % 3 else Review.SUBMITTED,
            )
    Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
    )
    for indicator in plan.indicators.filter(code__in=["C1", "C2", "K1", "K2"]):
        for year, value in ((2023, 100), (2024, 120), (2025, 150)):
            Measurement.objects.create(indicator=indicator, year=year, value=value)
    for day in range(1, 7):
        Event.objects.create(
            plan=plan,
            date=timezone.localdate() + datetime.timedelta(days=day),
            title=f"Café projets n° {day}",
        )


@e2e
def test_the_dashboard_prints_on_three_a4_pages_at_most_with_date_and_page_numbers(page):
    fill_the_plan()
    log_in(page, make_user("comite-impression", roles.VIEWER).username)
    page.goto("/")
    page.emulate_media(media="print")
    pdf = PdfReader(BytesIO(page.pdf(format="A4")))
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in pdf.pages]
    assert 1 <= len(pages) <= 3
    today = timezone.localdate().strftime("%d/%m/%Y")
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} sur {len(pages)}" in text
        assert f"imprimé le {today}" in text
    # What a printed page has no use for is left out: the selectors, the map, the menu.
    everything = " ".join(pages)
    assert "Afficher" not in everything and "Carte des structures" not in everything
    assert "Se déconnecter" not in everything
    assert "Où en est le plan ?" in pages[0] and "Structures et salariés par famille" in everything


def printed(page, url):
    """The text of URL printed on A4, whitespace and ligatures (« ﬁ ») folded."""
    page.goto(url)
    page.emulate_media(media="print")
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(page.pdf(format="A4"))).pages)
    page.emulate_media(media="screen")
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


@e2e
def test_the_comites_pages_print_what_they_show_without_their_editing_controls(page):
    action = seeded_action()
    team = make_user("equipe-impression", roles.EDITOR)
    action.pilots.add(team)
    made = add_committee_sessions(action, team)
    log_in(page, team.username)
    committee = f"/plans/{COTENTIN}/comite"
    every_page = ("Se déconnecter", "Tableau de bord Plans d'actions")
    sessions = printed(page, f"{committee}/")
    assert "Séances du comité de suivi" in sessions and "Séance fictive" in sessions
    assert "Nouvelle séance" not in sessions
    session = printed(page, f"{committee}/seances/{made['session']}/")
    assert "Membres invités" in session and "Action 1.4.7 en retard" in session
    assert "Modifier la séance" not in session and "Préparer l'ordre du jour" not in session
    agenda = printed(page, f"{committee}/seances/{made['session']}/ordre-du-jour/")
    assert "Indicateur C1" in agenda
    for control in ("Monter", "Retirer", "Joindre un document", "Envoyer l'ordre du jour"):
        assert control not in agenda
    assert "Ajouter un point" not in agenda and "Points proposés par les membres" not in agenda
    demo = printed(page, f"{committee}/seances/{made['demo']}/")
    assert "Séance fictive (données de démonstration)" in demo
    minutes = printed(page, f"/rapports/releves/{COTENTIN}/seances/{made['held']}/")
    assert "Relevé de décisions" in minutes and "Générer le PDF" not in minutes
    decisions = printed(page, f"/plans/{COTENTIN}/actions/1.4.7/")
    assert "Présenter un calendrier révisé du marché" in decisions
    assert "Décision fictive (données de démonstration)" in decisions
    assert "Marquer réalisée" not in decisions and "Retirer « À discuter »" not in decisions
    for text in (sessions, session, agenda, demo, minutes, decisions):
        assert not any(chrome in text for chrome in every_page)
