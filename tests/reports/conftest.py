"""A small plan built by hand, whose every figure in the report is computed in the docstrings."""

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from actions.models import Action, Axis, BudgetLine, Event, Objective, Plan, ProgressUpdate, Status
from indicators.models import Indicator, Measurement, Target


def pdf_text(data):
    """The PDF's text, its spaces (no-break, narrow no-break, line breaks) made plain."""
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def assert_chapters_start_on_their_pages(data, openings):
    """Each chapter title of the table of contents (page 2) -> a line of the chapter's first
    page (OPENINGS): the line is on the page the contents give, not on the one before."""
    pages = [page.extract_text() for page in PdfReader(BytesIO(data)).pages]
    toc = dict(re.findall(r"^(.+?) \.{3,} (\d+)$", pages[1], flags=re.M))
    for title, opening in openings.items():
        page = int(toc[title])
        assert opening in pages[page - 1] and opening not in pages[page - 2]


def add_action(objective, code, title, **fields):
    return Action.objects.create(
        plan=objective.axis.plan, objective=objective, code=code, title=title, **fields
    )


@pytest.fixture
def small_plan(db):
    """Plan 2023-2024, envelope 5 000 €, 2 axes, 3 objectives, 4 actions; as of end 2024:

    - 1.1.1 réalisée 100 % (2024 update with its three texts)
    - 1.1.2 en cours 60 % (2024 update, achievements only)
    - 1.2.1 en cours 20 % (2023 update only: no 2024 update)
    - 2.1.1 sans point 0 %, no update at all, ended 30/06/2024: late
    Average progress (100 + 60 + 20 + 0) / 4 = 45 %.
    Budget 2024 expenses: planned 1 234,50 + 500,25 = 1 734,75; committed 1 000,00;
    spent 999,99 (57,64 % of planned); 2023: 100,00 planned on 1.2.1; revenue 300,00 in 2024.
    Plan: planned 1 834,75; net 1 834,75 − 300 = 1 534,75; remaining 5 000 − 1 534,75 = 3 465,25.
    Events 2024: 2 cafés projets (20 + 15 participants), 1 forum (not counted): 3 events,
    35 participants; one 2023 event is not in the 2024 report.
    """
    plan = Plan.objects.create(
        title="Plan de test ESS",
        slug="plan-test",
        territory="Territoire de test",
        first_year=2023,
        last_year=2024,
        deliberation_reference="DEL-TEST-1",
        budget_envelope=Decimal("5000"),
        state=Plan.State.ADOPTED,
    )
    axis1 = Axis.objects.create(plan=plan, number=1, title="Entreprendre autrement")
    axis2 = Axis.objects.create(plan=plan, number=2, title="Faire connaître l'ESS")
    o11 = Objective.objects.create(axis=axis1, code="1.1", title="Accompagner les porteurs")
    o12 = Objective.objects.create(axis=axis1, code="1.2", title="Financer les projets")
    o21 = Objective.objects.create(axis=axis2, code="2.1", title="Promouvoir l'ESS")
    done = add_action(o11, "1.1.1", "Ouvrir un guichet unique")
    running = add_action(o11, "1.1.2", "Animer des cafés projets")
    silent = add_action(o12, "1.2.1", "Créer un fonds de prêts d'honneur")
    add_action(o21, "2.1.1", "Publier un guide de l'ESS", end_date=datetime.date(2024, 6, 30))
    ProgressUpdate.objects.create(
        action=done,
        year=2024,
        status=Status.DONE,
        progress=100,
        achievements="Guichet ouvert à Cherbourg-en-Cotentin en mars.",
        difficulties="Recrutement de l'animateur retardé.",
        next_steps="Étendre les permanences à Valognes.",
    )
    ProgressUpdate.objects.create(
        action=running,
        year=2024,
        status=Status.IN_PROGRESS,
        progress=60,
        achievements="Quatre cafés projets tenus.",
    )
    ProgressUpdate.objects.create(action=silent, year=2023, status=Status.IN_PROGRESS, progress=20)
    BudgetLine.objects.create(
        action=done,
        year=2024,
        label="Animation",
        planned=Decimal("1234.50"),
        committed=Decimal("1000.00"),
        spent=Decimal("999.99"),
    )
    BudgetLine.objects.create(
        action=running, year=2024, label="Location de salles", planned=Decimal("500.25")
    )
    BudgetLine.objects.create(action=silent, year=2023, label="Étude", planned=Decimal("100"))
    BudgetLine.objects.create(
        action=done,
        year=2024,
        label="Subvention régionale",
        flow=BudgetLine.Flow.REVENUE,
        planned=Decimal("300"),
    )
    Event.objects.create(
        plan=plan,
        date=datetime.date(2024, 3, 5),
        kind=Event.Kind.PROJECT_CAFE,
        title="Café projet de printemps",
        participants=20,
    )
    Event.objects.create(
        plan=plan,
        date=datetime.date(2024, 10, 8),
        kind=Event.Kind.PROJECT_CAFE,
        title="Café projet d'automne",
        participants=15,
    )
    Event.objects.create(
        plan=plan, date=datetime.date(2024, 11, 20), kind=Event.Kind.FORUM, title="Forum de l'ESS"
    )
    Event.objects.create(
        plan=plan,
        date=datetime.date(2023, 11, 20),
        kind=Event.Kind.FORUM,
        title="Forum 2023",
        participants=99,
    )
    indicator = Indicator.objects.create(
        plan=plan,
        code="C1",
        name="Établissements de l'ESS",
        baseline_value=Decimal("488"),
        baseline_year=2022,
    )
    Measurement.objects.create(indicator=indicator, year=2023, value=Decimal("500"))
    Measurement.objects.create(indicator=indicator, year=2024, value=Decimal("512.5"))
    Target.objects.create(indicator=indicator, year=2024, value=Decimal("510"))
    return plan
