"""The layout of the reports' actions: no heading left at a page's bottom, no action split
that fits on a page; in the bilan, an action breaks between two years, never inside one."""

import datetime
import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from actions.models import Action, Objective, ProgressUpdate, Status
from reports.pdf import render_pdf
from reports.services import evaluation_html, report_html

pytestmark = pytest.mark.django_db
GENERATED = datetime.datetime(2026, 11, 30, 10, 15, tzinfo=datetime.UTC)
FILLER = (
    "Rencontres avec les porteurs de projet du territoire, ateliers tenus à Valognes et à "
    "Cherbourg-en-Cotentin, partenariat avec la chambre régionale de l'ESS. "
)


def page_texts(data):
    return [
        re.sub(r"\s+", " ", page.extract_text().replace("\u00a0", " ").replace("\u202f", " "))
        for page in PdfReader(BytesIO(data)).pages
    ]


def page_of(pages, text):
    """The number of the one page that holds TEXT."""
    found = [number for number, page in enumerate(pages, 1) if text in page]
    assert len(found) == 1, (text, found)
    return found[0]


def heading_page(pages, code):
    """The page of action CODE's heading in the actions chapter (the annex lists it again)."""
    return next(
        number
        for number, page in enumerate(pages, 1)
        if f"{code} Action longue numéro {code.split('.')[-1]}" in page
    )


@pytest.fixture
def long_actions(small_plan):
    """Fourteen actions of objective 1.1, their 2023 and 2024 points from 2 to 30 lines long,
    each point opening and closing on a marker of its action and year."""
    objective = Objective.objects.get(axis__plan=small_plan, code="1.1")
    codes = []
    for n in range(3, 17):
        code = f"1.1.{n}"
        action = Action.objects.create(
            plan=small_plan, objective=objective, code=code, title=f"Action longue numéro {n}"
        )
        for year in (2023, 2024):
            repeat = 1 + (n * 7 + year) % 13
            ProgressUpdate.objects.create(
                action=action,
                year=year,
                status=Status.IN_PROGRESS,
                progress=50,
                achievements=f"Début {code} {year}. {FILLER * repeat}Fin {code} {year}.",
            )
        codes.append(code)
    return codes


def test_annual_report_keeps_each_action_on_one_page(small_plan, long_actions):
    pages = page_texts(render_pdf(report_html(small_plan, 2024, generated_at=GENERATED)).data)
    for code in long_actions:
        heading = heading_page(pages, code)
        assert page_of(pages, f"Début {code} 2024.") == heading
        assert page_of(pages, f"Fin {code} 2024.") == heading


def test_bilan_breaks_an_action_between_two_years_never_inside_one(small_plan, long_actions):
    pages = page_texts(render_pdf(evaluation_html(small_plan, generated_at=GENERATED)).data)
    for code in long_actions:
        heading = heading_page(pages, code)
        assert page_of(pages, f"Début {code} 2023.") == heading
        for year in (2023, 2024):
            assert page_of(pages, f"Début {code} {year}.") == page_of(pages, f"Fin {code} {year}.")
