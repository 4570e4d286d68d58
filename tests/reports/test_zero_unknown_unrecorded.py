"""Zero, unknown, not applicable and « pas de relevé » each read as such in the reports
(issue #29): a year gone by never reads the directory of the day, an unknown attendance is
not 0 participants, a year with points none done is 0, an execution never entered is not 0 %."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from actions.models import Event, Plan, ProgressUpdate, Status
from reports.annual import directory_of_year
from reports.services import evaluation_html, report_html
from structures.models import Structure
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db
GENERATED = datetime.datetime(2026, 11, 30, 10, 15, tzinfo=datetime.UTC)
CAEN = "caen-la-mer-ess-2013-2015"


def text_of(html):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).replace("\u00a0", " ")


def chapter(html, anchor):
    start = html.index(f'<section id="{anchor}"')
    return html[start : html.index("</section>", start)]


def indicator_row(html, code):
    table = chapter(html, "indicateurs")
    return text_of(
        re.search(rf"<tr>\s*<th scope=\"row\">{code} · .*?</tr>", table, re.S)[0]
    ).strip()


def test_the_bilan_of_an_ended_plan_without_records_never_prints_the_directory_of_the_day():
    """The Cotentin plan (2023-2025) ended; no directory record was taken. Its bilan says
    « pas de relevé » for each year, in the indicators computed on the directory and in the
    directory chapter; the 60 demonstration structures (1 312 employees) of today appear
    nowhere (before #29, K8 read 60 and K9 1 312 for 2025)."""
    plan = Plan.objects.get(slug=COTENTIN)
    active = Structure.objects.active()
    assert active.count() == 60
    html = evaluation_html(plan, generated_at=GENERATED)
    assert indicator_row(html, "K8").endswith(
        "— pas de relevé / — pas de relevé / — pas de relevé / —"
    )
    assert "pas de relevé / — pas de relevé / — pas de relevé / —" in indicator_row(html, "K9")
    directory = text_of(chapter(html, "annuaire"))
    assert "Relevé pas de relevé pas de relevé pas de relevé" in directory
    assert "Total pas de relevé pas de relevé pas de relevé" in directory
    employees = sum(active.values_list("employees", flat=True))
    for shown in (text_of(chapter(html, "indicateurs")), directory):
        assert " 60 " not in shown and f"{employees:,}".replace(",", " ") not in shown
    # Nothing computed on the directory is printed, so nothing to mark as fictitious there.
    assert "Données fictives" not in text_of(chapter(html, "indicateurs"))


def test_a_year_with_points_none_done_reads_0_done_actions():
    """K5 (actions done, status at each year's end): 1.1.1 is « En cours » from 2023 on, no
    action is done: 0 each year, printed « 0 », never « — » (2023 read « — » before #29)."""
    plan = Plan.objects.get(slug=COTENTIN)
    ProgressUpdate.objects.create(
        action=plan.actions.get(code="1.1.1"), year=2023, status=Status.IN_PROGRESS, progress=30
    )
    html = evaluation_html(plan, generated_at=GENERATED)
    assert indicator_row(html, "K5").endswith("— 0 / — 0 / — 0 / —")
    assert indicator_row(html, "K6").endswith("— 1 / — 1 / — 1 / —")


def test_the_annual_report_dates_the_directory_of_the_day_for_the_year_in_progress_only():
    today = datetime.date(2026, 12, 7)
    past = directory_of_year(2025, today)
    assert (past["directory"], past["snapshot"], past["map"]) == (None, None, None)
    current = directory_of_year(2026, today)
    assert current["snapshot"] is None and current["map"] is not None
    assert (current["directory"]["total"], current["directory"]["fictitious"]) == (60, 60)


def test_the_report_of_the_year_in_progress_gives_the_directory_at_its_date(small_plan):
    """The small plan runs 2023-2024: its 2024 report generated on 1 June 2024 gives the
    directory as it stands, said to be « au 1 juin 2024 », and marked as fictitious."""
    html = report_html(
        small_plan, 2024, generated_at=datetime.datetime(2024, 6, 1, 9, tzinfo=datetime.UTC)
    )
    directory = text_of(chapter(html, "annuaire"))
    assert "voici l'annuaire au 1 juin 2024, 60 structures actives" in directory
    assert "Données fictives : 60 de ces structures" in directory


def test_unknown_attendance_is_not_counted_as_0_participants(small_plan):
    """The small plan's 2024 forum has no attendance entered: « non renseigné » in the list,
    « n. r. » in the table by kind, outside the 35 participants counted (it read « 0 »)."""
    html = report_html(small_plan, 2024, generated_at=GENERATED)
    events = text_of(chapter(html, "evenements"))
    assert "Forum 1 n. r." in events and "Forum 1 0" not in events
    assert "Total 3 35 (1 év. n. r.)" in events
    assert "Forum de l'ESS — non renseigné" in events
    assert "3 événements en 2024, avec 35 participants (1 événement sans effectif connu)." in html
    Event.objects.filter(participants__isnull=True).update(participants=0)
    events = text_of(chapter(report_html(small_plan, 2024, generated_at=GENERATED), "evenements"))
    assert "Forum 1 0" in events and "Forum de l'ESS — 0" in events  # a true 0 reads 0


def test_the_event_list_says_unknown_attendance(client_for, small_plan):
    page = text_of(
        client_for("viewer")
        .get(reverse("actions:event_list", kwargs={"slug": small_plan.slug}))
        .content.decode()
    )
    assert "Forum de l'ESS — non renseigné" in page
    assert "Forum 2 99 (1 év. n. r.)" in page  # 2023: 99 counted; 2024: unknown


def test_a_plan_whose_execution_was_never_entered_has_no_0_percent_rate():
    """Caen la mer 2013-2015: 351 000 € planned, nothing committed or spent ever entered. Its
    bilan printed « taux de réalisation de 0,0 % »; the rate is unknown, and said so."""
    html = evaluation_html(Plan.objects.get(slug=CAEN), generated_at=GENERATED)
    assert "0,0\u00a0%" not in html and "0,0 %" not in html
    assert (
        "Sur la période, 351 000,00 € de dépenses ont été prévues ; aucun montant engagé ni "
        "réalisé n'est saisi pour le plan : taux de réalisation non renseigné."
    ) in text_of(html)
