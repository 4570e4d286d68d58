"""The dashboard printed on A4 from Chromium: three pages at most, dated and numbered."""

import datetime
import re
from io import BytesIO

from django.utils import timezone
from pypdf import PdfReader

from actions.models import BudgetLine, Campaign, Event, ProgressUpdate, Review, Status
from essplan import roles
from indicators.models import Measurement
from tests.conftest import make_user
from tests.e2e.conftest import e2e, log_in
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
