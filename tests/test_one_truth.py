"""One truth (issue #29): each headline figure means one thing wherever it is printed.

A plan 2023-2025 is filled with three years of follow-up (validated points, a draft, a
submitted point, one sent back; done, late, abandoned, paused and silent actions; budget lines
and an envelope; entered and computed indicators; events). Each headline figure of 2025 is
then read where a council secretary or a finance officer reads it: the dashboard (as the ESS
team), the annual report 2025, the bilan 2023-2025, the indicators' pages and the exports.

The definitions held here (decided for #29):
- official figures count VALIDATED points only: a draft, submitted or sent-back point moves
  no status, progress, count or indicator;
- an action's status for year Y is that of its latest validated point of a year ≤ Y, else
  « Sans point »; « actions réalisées / en cours » for Y count the actions of that status for Y;
- late on day D: due date (end date, else 31/12 of the plan's last year) before D, status on
  D neither Réalisée nor Abandonnée; for year Y, D = min(today, 31/12/Y), and the page says it;
- average progress: the mean over the actions that have a status other than « Sans point »,
  the page saying over how many;
- budget: planned, committed, spent are sums of the expense lines; execution rate = spent /
  planned; share of the envelope spent = spent / envelope.

Every expected figure is worked out by hand from the fixture, in the comments of the
constants. The clock is not stopped: today is after the plan's end (31/12/2025), and a
figure as of today is the same whatever the day after it; the reports are generated as on
16/03/2026, which makes their date of reference 31/12/2025. Each surface is read into {reading: value} (« done · status table »: 2), then
compared with the figures expected of it: the failure lists every figure a surface gets
wrong. The last test compares the surfaces with one another.

What each surface is held to (a surface that does not print a figure today is not asked to):
the dashboard prints statuses, late, average progress, budget totals, the share of the
envelope and K5; the annual report its statuses, late, average progress, the year's budget
and execution rate, the plan's totals, each action's status and its indicators; the bilan its
statuses, average progress (per axis too), the plan's budget, execution rate and use of the
envelope, each action's status and its indicators; the indicators' pages K5, K6, K7 year by
year; the exports each action's status, progress and lateness (on the date the file
states), the budget lines' sums, and the public site's actions.csv each action's status.
"""

import datetime
import html as html_text
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import (
    CURRENT_STATUSES,
    Action,
    Axis,
    BudgetLine,
    Event,
    Objective,
    Plan,
    Review,
    Status,
)
from indicators.models import Indicator, Measurement, Target, Unit
from reports.pdf import render_pdf
from reports.services import evaluation_html, report_html
from tests.factories import BudgetLineFactory, EventFactory, ProgressUpdateFactory
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db

SLUG = "plan-une-verite"
YEARS = [2023, 2024, 2025]
YEAR = 2025
# The report on 2025 is written in March 2026: its figures are those of 31/12/2025.
GENERATED = datetime.datetime(2026, 3, 16, 9, 30, tzinfo=datetime.UTC)
PLAN_END = datetime.date(2025, 12, 31)
AS_OF_LABEL = "31/12/2025"
DRAFT_ACTION = "1.1.3"


class Rounded:
    """An exact figure: equal to a printed Decimal that is the figure rounded half up to as
    many decimals as are printed (« 46 % », « 46,1 % » and « 46,11 » all show 415 / 9)."""

    def __init__(self, exact):
        self.exact = Decimal(exact)

    def __eq__(self, printed):
        if not isinstance(printed, Decimal):
            return False
        places = Decimal(1).scaleb(printed.as_tuple().exponent)
        return printed == self.exact.quantize(places, rounding=ROUND_HALF_UP)

    def __repr__(self):
        return f"≈{self.exact:.2f}"


# Each action's official state at the end of 2025, from the fixture's validated points.
# Due dates: 1.1.2 30/06/2025, 1.1.3 31/10/2025, 1.2.3 31/12/2024, 2.1.1 30/06/2024,
# 2.1.4 30/09/2025; the others the plan's end, 31/12/2025.
STATUS_2025 = {
    "1.1.1": "Réalisée",  # 2024 validated Réalisée 100
    "1.1.2": "Réalisée",  # 2025 validated Réalisée 100
    "1.1.3": "En cours",  # 2024 validated 40; the 2025 draft « Réalisée 100 » ignored
    "1.2.1": "En cours",  # 2024 validated 20; the 2025 submitted « En cours 60 » ignored
    "1.2.2": "À venir",  # 2023 validated À venir 0; the 2025 « Réalisée » sent back ignored
    "1.2.3": "Abandonnée",  # 2024 validated Abandonnée 10
    "2.1.1": "En cours",  # 2024 validated 35
    "2.1.2": "Sans point",  # no point at all
    "2.1.3": "En cours",  # 2025 validated 60
    "2.1.4": "En pause",  # 2024 validated En pause 50
}
# The progress of the actions that have a status (2.1.2 has none).
PROGRESS_2025 = {
    "1.1.1": 100,
    "1.1.2": 100,
    "1.1.3": 40,
    "1.2.1": 20,
    "1.2.2": 0,
    "1.2.3": 10,
    "2.1.1": 35,
    "2.1.3": 60,
    "2.1.4": 50,
}
# Réalisée 1.1.1, 1.1.2 = 2; En cours 1.1.3, 1.2.1, 2.1.1, 2.1.3 = 4; À venir 1.2.2 = 1;
# En pause 2.1.4 = 1; Abandonnée 1.2.3 = 1; Sans point 2.1.2 = 1; total 10.
COUNTS = {
    "done": 2,
    "in progress": 4,
    "to come": 1,
    "paused": 1,
    "abandoned": 1,
    "without point": 1,
}
# Late on 31/12/2025: 1.1.3 (due 31/10/2025, en cours), 2.1.1 (30/06/2024, en cours), 2.1.4
# (30/09/2025, en pause); 1.1.2 is done, 1.2.3 abandoned, the others due on 31/12/2025.
LATE_AT_PLAN_END = ["1.1.3", "2.1.1", "2.1.4"]
# On any day after the plan's end: every action neither done nor abandoned, 10 − 2 − 1 = 7.
LATE_AFTER_PLAN_END = ["1.1.3", "1.2.1", "1.2.2", "2.1.1", "2.1.2", "2.1.3", "2.1.4"]
# Over the 9 actions with a status: (100 + 100 + 40 + 20 + 0 + 10 + 35 + 60 + 50) / 9 =
# 415 / 9 = 46,11 %; axis 1 (1.1.1 to 1.2.3): 270 / 6 = 45 %; axis 2 (2.1.2 without a
# status): (35 + 60 + 50) / 3 = 48,33 %.
PROGRESS = Rounded(Decimal(415) / 9)
PROGRESS_OVER = 9
# Expense lines: 2023 2 000 / 2 000 / 1 800 (1.1.1); 2024 3 000 / 2 500 / 2 500 (1.1.1) and
# 1 500 / 0 / 0 (2.1.1); 2025 4 000 / 3 000 / 2 750,50 (1.1.2), 1 000 / 1 000 / 1 000 (2.1.3),
# 500 / 0 / 0 (1.1.3). The 1 000 € of revenue (1.1.2, 2025) is in none of the sums.
PLANNED = Rounded("12000")  # 2 000 + 3 000 + 1 500 + 4 000 + 1 000 + 500
COMMITTED = Rounded("8500")  # 2 000 + 2 500 + 3 000 + 1 000
SPENT = Rounded("8050.50")  # 1 800 + 2 500 + 2 750,50 + 1 000
EXECUTION_RATE = Rounded(Decimal("8050.50") * 100 / 12000)  # 67,09 %
ENVELOPE = Decimal(15000)
ENVELOPE_SHARE = Rounded(Decimal("8050.50") * 100 / ENVELOPE)  # 53,67 %
PLANNED_2025 = Rounded("5500")  # 4 000 + 1 000 + 500
COMMITTED_2025 = Rounded("4000")  # 3 000 + 1 000
SPENT_2025 = Rounded("3750.50")  # 2 750,50 + 1 000
EXECUTION_RATE_2025 = Rounded(Decimal("3750.50") * 100 / 5500)  # 68,19 %
# K5 (actions done) and K6 (in progress), year by year, from each year's statuses:
# 2023: en cours 1.1.1, 1.1.2, 1.2.3, 2.1.1; none done (0, a count, not « — »).
# 2024: done 1.1.1; en cours 1.1.2, 1.1.3, 1.2.1, 2.1.1 (1.2.3 abandoned, 2.1.4 paused).
# 2025: see COUNTS.
K5 = {2023: 0, 2024: 1, 2025: 2}
K6 = {2023: 4, 2024: 4, 2025: 4}
# K7, each year's execution rate: 2023 1 800 / 2 000 = 90 %; 2024 2 500 / 4 500 = 55,56 %;
# 2025 3 750,50 / 5 500 = 68,19 %.
K7 = {2023: Rounded(90), 2024: Rounded(Decimal(2500) * 100 / 4500), 2025: EXECUTION_RATE_2025}
# Events of 2025: the workshop (25 participants) and the visit (attendance unknown).
EVENTS_2025 = 2


def add_action(objective, code, **fields):
    return Action.objects.create(
        plan=objective.axis.plan, objective=objective, code=code, title=f"Action {code}", **fields
    )


def point(action, year, status, progress, review=Review.VALIDATED):
    return ProgressUpdateFactory(
        action=action,
        year=year,
        date=datetime.date(year, 11, 15),
        status=status,
        progress=progress,
        review=review,
    )


@pytest.fixture
def followed_plan(db):
    """The plan of the module's docstring: 2 axes, 3 objectives, 10 actions, 3 years."""
    plan = Plan.objects.create(
        title="Plan ESS de contrôle",
        slug=SLUG,
        territory="Territoire de contrôle",
        first_year=2023,
        last_year=2025,
        budget_envelope=ENVELOPE,
        state=Plan.State.ADOPTED,
        is_public=True,
    )
    axis1 = Axis.objects.create(plan=plan, number=1, title="Entreprendre autrement")
    axis2 = Axis.objects.create(plan=plan, number=2, title="Faire connaître l'ESS")
    o11 = Objective.objects.create(axis=axis1, code="1.1", title="Accompagner les porteurs")
    o12 = Objective.objects.create(axis=axis1, code="1.2", title="Financer les projets")
    o21 = Objective.objects.create(axis=axis2, code="2.1", title="Promouvoir l'ESS")
    a = {
        "1.1.1": add_action(o11, "1.1.1"),
        "1.1.2": add_action(o11, "1.1.2", end_date=datetime.date(2025, 6, 30)),
        "1.1.3": add_action(o11, "1.1.3", end_date=datetime.date(2025, 10, 31)),
        "1.2.1": add_action(o12, "1.2.1"),
        "1.2.2": add_action(o12, "1.2.2"),
        "1.2.3": add_action(o12, "1.2.3", end_date=datetime.date(2024, 12, 31)),
        "2.1.1": add_action(o21, "2.1.1", end_date=datetime.date(2024, 6, 30)),
        "2.1.2": add_action(o21, "2.1.2"),
        "2.1.3": add_action(o21, "2.1.3"),
        "2.1.4": add_action(o21, "2.1.4", end_date=datetime.date(2025, 9, 30)),
    }
    point(a["1.1.1"], 2023, Status.IN_PROGRESS, 50)
    point(a["1.1.1"], 2024, Status.DONE, 100)
    point(a["1.1.2"], 2023, Status.IN_PROGRESS, 30)
    point(a["1.1.2"], 2024, Status.IN_PROGRESS, 70)
    point(a["1.1.2"], 2025, Status.DONE, 100)
    point(a["1.1.3"], 2024, Status.IN_PROGRESS, 40)
    point(a["1.1.3"], 2025, Status.DONE, 100, Review.DRAFT)
    point(a["1.2.1"], 2024, Status.IN_PROGRESS, 20)
    point(a["1.2.1"], 2025, Status.IN_PROGRESS, 60, Review.SUBMITTED)
    point(a["1.2.2"], 2023, Status.PLANNED, 0)
    point(a["1.2.2"], 2025, Status.DONE, 100, Review.TO_REVISE)
    point(a["1.2.3"], 2023, Status.IN_PROGRESS, 10)
    point(a["1.2.3"], 2024, Status.ABANDONED, 10)
    point(a["2.1.1"], 2023, Status.IN_PROGRESS, 20)
    point(a["2.1.1"], 2024, Status.IN_PROGRESS, 35)
    point(a["2.1.3"], 2025, Status.IN_PROGRESS, 60)
    point(a["2.1.4"], 2024, Status.PAUSED, 50)

    def line(code, year, label, planned, committed="0", spent="0", **fields):
        BudgetLineFactory(
            action=a[code],
            year=year,
            label=label,
            planned=Decimal(planned),
            committed=Decimal(committed),
            spent=Decimal(spent),
            **fields,
        )

    line("1.1.1", 2023, "Animation 2023", "2000", "2000", "1800")
    line("1.1.1", 2024, "Animation 2024", "3000", "2500", "2500")
    line("2.1.1", 2024, "Guide de l'ESS", "1500")
    line("1.1.2", 2025, "Prestation d'accompagnement", "4000", "3000", "2750.50")
    line("2.1.3", 2025, "Location de salles", "1000", "1000", "1000")
    line("1.1.3", 2025, "Impression", "500")
    line("1.1.2", 2025, "Subvention régionale", "1000", "0", "1000", flow=BudgetLine.Flow.REVENUE)

    for day, kind, participants, code in [
        (datetime.date(2023, 10, 5), Event.Kind.FORUM, 40, "2.1.3"),
        (datetime.date(2024, 3, 12), Event.Kind.PROJECT_CAFE, 12, "1.1.1"),
        (datetime.date(2024, 9, 17), Event.Kind.PROJECT_CAFE, 18, "1.1.1"),
        (datetime.date(2025, 5, 20), Event.Kind.WORKSHOP, 25, "1.1.2"),
        (datetime.date(2025, 11, 4), Event.Kind.VISIT, None, "2.1.3"),
    ]:
        EventFactory(plan=plan, date=day, kind=kind, participants=participants, actions=[a[code]])

    c1 = Indicator.objects.create(plan=plan, code="C1", name="Établissements de l'ESS")
    for year, value in [(2023, 480), (2024, 495), (2025, 501)]:
        Measurement.objects.create(indicator=c1, year=year, value=value)
    Target.objects.create(indicator=c1, year=2025, value=500)
    c2 = Indicator.objects.create(plan=plan, code="C2", name="Emplois dans l'ESS", unit=Unit.PEOPLE)
    for year, value in [(2023, 6100), (2024, 6250)]:
        Measurement.objects.create(indicator=c2, year=year, value=value)
    Target.objects.create(indicator=c2, year=2025, value=6500)
    for code, name, computation, unit in [
        ("K1", "Événements organisés", "events_total", Unit.NUMBER),
        ("K5", "Actions réalisées", "actions_done", Unit.NUMBER),
        ("K6", "Actions en cours", "actions_in_progress", Unit.NUMBER),
        ("K7", "Part du budget prévu réalisée", "budget_spent_share", Unit.PERCENT),
    ]:
        Indicator.objects.create(
            plan=plan, code=code, name=name, computation=computation, unit=unit
        )
    return plan


# Reading what is printed ---------------------------------------------------------------

STATUS_KEYS = {
    "Sans point": "without point",
    "À venir": "to come",
    "En cours": "in progress",
    "Réalisée": "done",
    "En pause": "paused",
    "Abandonnée": "abandoned",
}


def flat(html):
    """HTML as the reader sees it: tags dropped, entities and no-break spaces made plain."""
    text = re.sub(r"<[^>]+>", " ", html)
    text = html_text.unescape(text).replace("\xa0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def decimal(printed):
    """« 8 050,50 € » -> Decimal("8050.50"), « 46 % » -> Decimal("46"); « — » -> None."""
    if printed is None:
        return None
    digits = re.sub(r"[^\d,.-]", "", printed).replace(",", ".")
    return Decimal(digits) if re.fullmatch(r"-?\d+(\.\d+)?", digits) else None


# A printed amount (« 12 000,00 € », « 8 051 € ») and a printed percentage (« 67,1 % »).
AMOUNT = r"(?<![\d,])(\d{1,3}(?: \d{3})*(?:,\d\d)? €)"
PERCENT = r"(?<![\d,])(\d+(?:,\d+)? %)"


def group(pattern, text, number=1):
    """The NUMBERth group of PATTERN's first match in TEXT, None without a match."""
    match = re.search(pattern, text, flags=re.DOTALL)
    return match[number] if match else None


def count_in(pattern, text):
    found = group(pattern, text)
    return None if found is None else int(found)


def section(html, start, end):
    """The part of HTML from the first START to the first END after it ("" without START)."""
    begin = html.find(start)
    if begin < 0:
        return ""
    stop = html.find(end, begin + len(start))
    return html[begin : stop if stop >= 0 else len(html)]


def status_readings(counts, where):
    """{« done · WHERE »: n, …} from {« Réalisée »: n, …}."""
    return {f"{STATUS_KEYS[label]} · {where}": n for label, n in counts.items()}


def status_table(html):
    """{label: count} of the status table of a page or a report."""
    if 'class="compact status-counts"' in html:
        table = section(html, 'class="compact status-counts"', "</table>")
        labels = [flat(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", table)]
        counts = [int(flat(cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", table)]
        return dict(zip(labels, counts, strict=True))
    table = section(html, "status-table", "</table>")
    return {
        label: int(n)
        for label, n in re.findall(
            r'<span class="badge status[^"]*">([^<]+)</span>.*?data-testid="status-[^"]+">(\d+)<',
            table,
            flags=re.DOTALL,
        )
    }


def report_actions(html):
    """{code: (status label, progress, late)} from the action chapter of a report."""
    actions = {}
    for code, meta in re.findall(
        r'<span class="code">([\d.]+)</span>.*?'
        r'<p class="action-meta">(.*?)</p>',
        html,
        flags=re.DOTALL,
    ):
        meta = flat(meta)
        # « En cours (point 2024) »: the bilan gives the year of a status from an earlier point.
        status = re.sub(r" \(point \d{4}\)", "", meta.split(" · ")[0])
        status = status.replace("En retard", "").strip()
        actions[code] = (status, count_in(r"avancement (\d+) %", meta), "En retard" in meta)
    return actions


def indicator_row(html, code):
    """{year: value} of indicator CODE in a report's indicator table (None: « — »)."""
    row = section(section(html, 'id="indicateurs"', "</table>"), f">{code} · ", "</tr>")
    cells = re.findall(r'<td class="num">(.*?)</td>', row, flags=re.DOTALL)[
        1:
    ]  # after the baseline
    return dict(zip(YEARS, (decimal(flat(cell).split(" / ")[0]) for cell in cells)))


def summary_sentences(html):
    return [
        flat(sentence)
        for sentence in re.findall(r'<p class="summary-sentence">(.*?)</p>', html, flags=re.DOTALL)
    ]


def sentence_with(sentences, words):
    """The first of SENTENCES that contains WORDS, "" without one."""
    return next((sentence for sentence in sentences if words in sentence), "")


def key_figures(html):
    """{label: value} of the figures at the top of a report's summary."""
    return {
        flat(label): flat(value)
        for value, label in re.findall(
            r'<span class="figure-value">(.*?)</span><span class="figure-label">(.*?)</span>', html
        )
    }


def late_sentence_readings(sentence, where):
    if not sentence:
        return {f"late · {where}": None}
    number = group(r"(\d+|Aucune) actions? (?:sont |est |n'est )?en retard", sentence)
    return {
        f"late · {where}": 0 if number == "Aucune" else count_in(r"(\d+)", number or ""),
        f"late codes · {where}": sorted(re.findall(r"\b\d+\.\d+\.\d+\b", sentence)),
        f"late, date said · {where}": AS_OF_LABEL in sentence,
    }


# The surfaces ---------------------------------------------------------------------------


def dashboard_html(client):
    response = client.get(reverse("reports:home"), {"plan": SLUG, "annee": YEAR})
    assert response.status_code == 200 and response.context["plan"].slug == SLUG
    return response.content.decode()


def read_dashboard(client):
    """The dashboard of 2025, as the ESS team sees it."""
    html = dashboard_html(client)
    text = flat(html)
    chart = group(r'aria-label="Actions par statut — ([^"]+)"', html) or ""
    late = section(html, 'id="retard"', "</section>")
    heading = flat(section(late, ">", "</h2>")[1:])
    budget = section(html, 'data-testid="budget-summary"', "</table>")
    plan_row = [
        decimal(flat(cell))
        for cell in re.findall(
            r'<td class="text-end">(.*?)</td>', section(budget, "<tfoot>", "</tfoot>")
        )
    ]
    k5 = flat(section(html, ">K5 · ", "</tr>"))
    k5_value = group(rf"(\d+) \({YEAR}\)", k5)
    return {
        **status_readings(status_table(html), "status table"),
        **status_readings(
            {
                label: int(n)
                for label, n in re.findall(r"\s*([^,:]+?) : (\d+)", html_text.unescape(chart))
            },
            "status chart",
        ),
        **{
            f"{key} · tile": count_in(rf'data-testid="tile-{name}">(\d+)<', html)
            for key, name in (
                ("done", "realisee"),
                ("in progress", "en_cours"),
                ("without point", "sans_point"),
            )
        },
        "average progress": decimal(group(r'data-testid="overall">([^<]+)<', html)),
        "average progress, actions counted": count_in(
            r'data-testid="overall">[^<]+</span>\s*<span[^>]*>[^<]*?(\d+) actions', html
        ),
        "late · heading": count_in(r"(\d+)", re.sub(r"\d\d/\d\d/\d{4}", "", heading)),
        "late · to-do line": count_in(r"(\d+) en retard", text),
        "late codes · list": sorted(re.findall(r">([\d.]+) · ", late)),
        "late, date said · heading": AS_OF_LABEL in heading,
        # The plan's row: the years' planned amounts, then planned, committed, spent, revenue.
        "planned": plan_row[-4] if plan_row else None,
        "committed": plan_row[-3] if plan_row else None,
        "spent": plan_row[-2] if plan_row else None,
        "share of the envelope spent": decimal(group(rf"{PERCENT} de l'enveloppe", text)),
        "done · K5": None if k5_value is None else int(k5_value),
    }


def annual_html():
    return report_html(Plan.objects.get(slug=SLUG), YEAR, generated_at=GENERATED)


def read_annual_report(html):
    """The annual report 2025, from its HTML (what WeasyPrint lays out)."""
    sentences, boxes = summary_sentences(html), key_figures(html)
    summary = " ".join(sentences)
    statuses = sentence_with(sentences, "sans point")
    progress = sentence_with(sentences, "avancement moyen")
    actions = report_actions(html)
    budget = re.search(
        rf"En 2025, les dépenses prévues s'élèvent à {AMOUNT}, dont {AMOUNT} "
        rf"engagés et {AMOUNT} réalisés, soit un taux de réalisation de "
        rf"{PERCENT}",
        summary,
    )
    plan_row = re.findall(AMOUNT, flat(section(html, 'scope="row">Plan 2023-2025', "</tr>")))
    return {
        **status_readings(status_table(html), "status table"),
        "done · summary": count_in(r"\((\d+) réalisées?, \d+ en cours\)", statuses),
        "in progress · summary": count_in(r"\(\d+ réalisées?, (\d+) en cours\)", statuses),
        "to come · summary": count_in(r"(\d+) à venir", statuses),
        "paused · summary": count_in(r"(\d+) en pause", statuses),
        "without point · summary": count_in(r"(\d+) sans point", statuses),
        "abandoned · summary": count_in(r"(\d+) abandonnées?", statuses),
        "average progress": decimal(group(PERCENT, progress)),
        "average progress · key figure": decimal(
            next((value for label, value in boxes.items() if "avancement moyen" in label), None)
        ),
        "average progress, actions counted": count_in(r"(\d+) actions", progress),
        **late_sentence_readings(sentence_with(sentences, "en retard"), "summary"),
        "late · key figure": count_in(
            r"(\d+)", next((value for label, value in boxes.items() if "en retard" in label), "")
        ),
        "late codes · actions chapter": [code for code, (_, _, late) in actions.items() if late],
        "status of each action · actions chapter": {
            code: status for code, (status, _, _) in actions.items()
        },
        "progress of each action · actions chapter": {
            code: progress
            for code, (status, progress, _) in actions.items()
            if status != "Sans point"
        },
        "planned 2025": decimal(budget[1]) if budget else None,
        "committed 2025": decimal(budget[2]) if budget else None,
        "spent 2025": decimal(budget[3]) if budget else None,
        "execution rate 2025": decimal(budget[4]) if budget else None,
        "planned": decimal(plan_row[0]) if plan_row else None,
        "committed": decimal(plan_row[1]) if plan_row else None,
        "spent": decimal(plan_row[2]) if plan_row else None,
        "K5 by year": indicator_row(html, "K5"),
        "K6 by year": indicator_row(html, "K6"),
        "done · K5": indicator_row(html, "K5").get(YEAR),
        "in progress · K6": indicator_row(html, "K6").get(YEAR),
        "execution rate 2025 · K7": indicator_row(html, "K7").get(YEAR),
        "events 2025": count_in(r"(\d+) événements? en 2025", summary),
        "events 2025 · K1": indicator_row(html, "K1").get(YEAR),
    }


def bilan_html():
    return evaluation_html(Plan.objects.get(slug=SLUG), generated_at=GENERATED)


def read_bilan(html):
    """The bilan 2023-2025, from its HTML."""
    sentences = summary_sentences(html)
    summary = " ".join(sentences)
    statuses = sentence_with(sentences, "À la fin du plan")
    progress = sentence_with(sentences, "avancement moyen")
    actions = report_actions(html)
    budget = re.search(
        rf"{AMOUNT} de dépenses ont été prévues, {AMOUNT} engagées et "
        rf"{AMOUNT} réalisées, soit un taux de réalisation de {PERCENT}",
        summary,
    )
    return {
        **status_readings(status_table(html), "status table"),
        "done · summary": count_in(r"(\d+) réalisées?", statuses),
        "in progress · summary": count_in(r"(\d+) en cours", statuses),
        "abandoned · summary": count_in(r"(\d+) abandonnées?", statuses),
        "to come · summary": count_in(r"(\d+) à venir", statuses),
        "paused · summary": count_in(r"(\d+) en pause", statuses),
        "without point · summary": count_in(r"(\d+) sans suite", statuses),
        "average progress": decimal(group(rf"est de {PERCENT}", progress)),
        "average progress, actions counted": count_in(r"(\d+) actions", progress),
        "average progress, axis 1": decimal(group(r"axe 1 : (\d+(?:,\d+)?) %", progress)),
        "average progress, axis 2": decimal(group(r"axe 2 : (\d+(?:,\d+)?) %", progress)),
        "status of each action · actions chapter": {
            code: status for code, (status, _, _) in actions.items()
        },
        "progress of each action · actions chapter": {
            code: progress
            for code, (status, progress, _) in actions.items()
            if status != "Sans point"
        },
        "planned": decimal(budget[1]) if budget else None,
        "committed": decimal(budget[2]) if budget else None,
        "spent": decimal(budget[3]) if budget else None,
        "execution rate": decimal(budget[4]) if budget else None,
        "share of the envelope spent": decimal(group(rf"est dépensée à {PERCENT}", summary)),
        # The envelope's use at the end (issue #29): the part not spent, 15 000 − 8 050,50.
        "unspent envelope printed": "6 949,50 €" in summary,
        "K5 by year": indicator_row(html, "K5"),
        "K6 by year": indicator_row(html, "K6"),
        "done · K5": indicator_row(html, "K5").get(YEAR),
        "in progress · K6": indicator_row(html, "K6").get(YEAR),
    }


def indicator_page(client, code):
    """{year: value} of the table of indicator CODE's page (the ESS team's view)."""
    url = reverse("indicators:indicator_detail", kwargs={"slug": SLUG, "code": code})
    html = client.get(url).content.decode()
    rows = re.findall(r'<th scope="row">(\d{4})</th>\s*<td class="text-end">(.*?)</td>', html)
    return {int(year): decimal(flat(value)) for year, value in rows}


def read_indicator_pages(client):
    k5, k6, k7 = (indicator_page(client, code) for code in ("K5", "K6", "K7"))
    return {
        "K5 by year": k5,
        "K6 by year": k6,
        "K7 by year": k7,
        "done · K5": k5.get(YEAR),
        "in progress · K6": k6.get(YEAR),
        "execution rate 2025 · K7": k7.get(YEAR),
    }


def workbook(client, name):
    url = reverse(name, kwargs={"slug": SLUG})
    return openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))


def open_data_actions(client):
    """{code: (status label, progress)} of the public site's actions.csv."""
    url = reverse("public:actions_csv", kwargs={"slug": SLUG})
    content = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    header, *rows = [line.split(";") for line in content.splitlines()]
    labels = dict(CURRENT_STATUSES)
    progress = header.index("progress")
    return {
        row[header.index("code")]: (
            labels[row[header.index("status")]],
            int(row[progress]) if row[progress] else None,
        )
        for row in rows
    }


def read_exports(client):
    """The actions XLSX (each action's status, progress, lateness on the date it states), the
    budget XLSX (its expense lines summed) and the open data's actions.csv."""
    book = workbook(client, "actions:action_list")
    header, *rows = [[cell.value for cell in row] for row in book["Actions"].iter_rows()]
    column = {name: header.index(name) for name in header}
    about = {row[0].value: row[1].value for row in book["Informations"].iter_rows()}
    as_of = about["Données au"].date()
    statuses = {row[column["Code"]]: row[column["Statut"]] for row in rows}
    counts = {label: 0 for label in STATUS_KEYS}
    for status in statuses.values():
        counts[status] += 1
    late_header = next(name for name in header if name.startswith("En retard au "))
    # The late column says its date: the day the file states.
    assert late_header == f"En retard au {as_of:%d/%m/%Y}"
    late = [row[column["Code"]] for row in rows if row[column[late_header]] == "oui"]
    budget = workbook(client, "actions:plan_budget")
    header, *lines = [[cell.value for cell in row] for row in budget["Budget"].iter_rows()]
    expenses = [line for line in lines if line[header.index("Sens")] == "Dépense"]
    total = {
        name: sum(Decimal(str(line[header.index(name)])) for line in expenses)
        for name in ("Prévu (€)", "Engagé (€)", "Réalisé (€)")
    }
    public = open_data_actions(client)
    return {
        "data as of": as_of,
        "status of each action · open data": {code: status for code, (status, _) in public.items()},
        "progress of each action · open data": {
            code: progress for code, (status, progress) in public.items() if status != "Sans point"
        },
        # Without a validated point, the progress is unknown: an empty cell, never 0.
        "progress without a point · open data, actions export": (
            public["2.1.2"][1],
            next(row[column["Avancement (%)"]] for row in rows if row[column["Code"]] == "2.1.2"),
        ),
        **status_readings(counts, "actions export"),
        "status of each action · actions export": statuses,
        "progress of each action · actions export": {
            row[column["Code"]]: round(Decimal(str(row[column["Avancement (%)"]])) * 100)
            for row in rows
            if row[column["Statut"]] != "Sans point"
        },
        # Late on the date the export states: compared with the reports' on their date only.
        (
            "late codes · actions export"
            if as_of == PLAN_END
            else "late codes after the plan's end · actions export"
        ): late,
        "planned · budget export": total["Prévu (€)"].quantize(Decimal("0.01")),
        "committed · budget export": total["Engagé (€)"].quantize(Decimal("0.01")),
        "spent · budget export": total["Réalisé (€)"].quantize(Decimal("0.01")),
    }


def assert_prints(printed, expected):
    """Each reading of PRINTED is EXPECTED's; the failure lists every one that is not (a
    reading not found on the surface is printed None)."""
    wrong = [
        f"{key}: printed {printed.get(key)!r}, expected {value!r}"
        for key, value in expected.items()
        if printed.get(key) != value
    ]
    assert not wrong, "\n".join(["", *wrong])


# Each surface against the figures worked out by hand -------------------------------------


def test_the_dashboard_prints_the_official_figures_of_2025(client_for, followed_plan):
    expected = {
        **{
            f"{key} · {where}": n
            for key, n in COUNTS.items()
            for where in ("status table", "status chart")
        },
        "done · tile": COUNTS["done"],
        "in progress · tile": COUNTS["in progress"],
        "without point · tile": COUNTS["without point"],
        "average progress": PROGRESS,
        "average progress, actions counted": PROGRESS_OVER,
        # The dashboard of 2025 counts late on 31/12/2025, and says so.
        "late · heading": len(LATE_AT_PLAN_END),
        "late · to-do line": len(LATE_AT_PLAN_END),
        "late codes · list": LATE_AT_PLAN_END,
        "late, date said · heading": True,
        # To the euro: 12 000, 8 500, 8 051 (8 050,50); 53,67 % of 15 000 €.
        "planned": PLANNED,
        "committed": COMMITTED,
        "spent": SPENT,
        "share of the envelope spent": ENVELOPE_SHARE,
        "done · K5": K5[YEAR],
    }
    assert_prints(read_dashboard(client_for("editor")), expected)


def test_the_annual_report_2025_prints_the_official_figures(followed_plan):
    expected = {
        **{
            f"{key} · {where}": n
            for key, n in COUNTS.items()
            for where in ("status table", "summary")
        },
        "average progress": PROGRESS,
        "average progress · key figure": PROGRESS,
        "average progress, actions counted": PROGRESS_OVER,
        "late · summary": len(LATE_AT_PLAN_END),
        "late · key figure": len(LATE_AT_PLAN_END),
        "late codes · summary": LATE_AT_PLAN_END,
        "late, date said · summary": True,
        "late codes · actions chapter": LATE_AT_PLAN_END,
        "status of each action · actions chapter": STATUS_2025,
        "progress of each action · actions chapter": PROGRESS_2025,
        "planned 2025": PLANNED_2025,
        "committed 2025": COMMITTED_2025,
        "spent 2025": SPENT_2025,
        "execution rate 2025": EXECUTION_RATE_2025,
        "planned": PLANNED,
        "committed": COMMITTED,
        "spent": SPENT,
        "K5 by year": K5,
        "K6 by year": K6,
        "done · K5": K5[YEAR],
        "in progress · K6": K6[YEAR],
        "execution rate 2025 · K7": EXECUTION_RATE_2025,
        "events 2025": EVENTS_2025,
        "events 2025 · K1": EVENTS_2025,
    }
    assert_prints(read_annual_report(annual_html()), expected)


def test_the_bilan_prints_the_official_figures_at_the_plan_s_end(followed_plan):
    expected = {
        **{
            f"{key} · {where}": n
            for key, n in COUNTS.items()
            for where in ("status table", "summary")
        },
        "average progress": PROGRESS,
        "average progress, actions counted": PROGRESS_OVER,
        "average progress, axis 1": Rounded(45),
        "average progress, axis 2": Rounded(Decimal(145) / 3),
        "status of each action · actions chapter": STATUS_2025,
        "progress of each action · actions chapter": PROGRESS_2025,
        "planned": PLANNED,
        "committed": COMMITTED,
        "spent": SPENT,
        "execution rate": EXECUTION_RATE,
        "share of the envelope spent": ENVELOPE_SHARE,
        "unspent envelope printed": True,
        "K5 by year": K5,
        "K6 by year": K6,
        "done · K5": K5[YEAR],
        "in progress · K6": K6[YEAR],
    }
    assert_prints(read_bilan(bilan_html()), expected)


def test_the_indicators_count_the_statuses_of_each_year(client_for, followed_plan):
    expected = {
        "K5 by year": K5,
        "K6 by year": K6,
        "K7 by year": K7,
        "done · K5": K5[YEAR],
        "in progress · K6": K6[YEAR],
        "execution rate 2025 · K7": EXECUTION_RATE_2025,
    }
    assert_prints(read_indicator_pages(client_for("editor")), expected)


def test_the_exports_print_each_action_s_status_and_the_budget(client_for, followed_plan):
    printed = read_exports(client_for("editor"))
    # The export states its date: today (the follow-up as it stands), or the plan's end.
    assert printed["data as of"] in (timezone.localdate(), PLAN_END)
    late = (
        {"late codes · actions export": LATE_AT_PLAN_END}
        if printed["data as of"] == PLAN_END
        else {"late codes after the plan's end · actions export": LATE_AFTER_PLAN_END}
    )
    expected = {
        **{f"{key} · actions export": n for key, n in COUNTS.items()},
        "status of each action · actions export": STATUS_2025,
        "progress of each action · actions export": PROGRESS_2025,
        "status of each action · open data": STATUS_2025,
        "progress of each action · open data": PROGRESS_2025,
        **late,
        "planned · budget export": PLANNED,
        "committed · budget export": COMMITTED,
        "spent · budget export": SPENT,
        "progress without a point · open data, actions export": (None, None),
    }
    assert_prints(printed, expected)


def test_a_draft_moves_no_figure_anywhere(client_for, followed_plan):
    """1.1.3's validated 2024 point says « En cours 40 % », its 2025 draft « Réalisée 100 % »:
    the reports, the export and the action's page say En cours, 40 %, late (due 31/10/2025);
    the dashboard lists it late."""
    client = client_for("editor")
    exported = read_exports(client)
    page = client.get(reverse("actions:action_detail", kwargs={"slug": SLUG, "code": DRAFT_ACTION}))
    start = 'class="d-flex flex-wrap align-items-center gap-3 mb-4">'
    header = flat(section(page.content.decode(), start, '<div class="row g-4">')[len(start) :])
    printed = {
        "annual report": report_actions(annual_html()).get(DRAFT_ACTION),
        "bilan": report_actions(bilan_html()).get(DRAFT_ACTION),
        "actions export": (
            exported["status of each action · actions export"][DRAFT_ACTION],
            exported["progress of each action · actions export"][DRAFT_ACTION],
        ),
        "action page": (
            group(r"^(.*?) (?:En retard )?\d+ %", header),
            count_in(r"(\d+) %", header),
            "En retard" in header,
            group(r"d'après le point (\d{4})", header),
        ),
        "dashboard, listed late": DRAFT_ACTION in read_dashboard(client)["late codes · list"],
    }
    assert_prints(
        printed,
        {
            "annual report": ("En cours", 40, True),
            "bilan": ("En cours", 40, True),
            "actions export": ("En cours", 40),
            "action page": ("En cours", 40, True, "2024"),
            "dashboard, listed late": True,
        },
    )


# The surfaces against each other ---------------------------------------------------------


def coarsest(values):
    """VALUES (Decimals printed to various precisions) rounded to the coarsest of them, so
    that « 8 051 € » and « 8 050,50 € » agree; other values unchanged."""
    decimals = [value for value in values if isinstance(value, Decimal)]
    if not decimals:
        return values
    places = Decimal(1).scaleb(max(value.as_tuple().exponent for value in decimals))
    return [
        value.quantize(places, rounding=ROUND_HALF_UP) if isinstance(value, Decimal) else value
        for value in values
    ]


def test_every_surface_prints_the_same_figures(client_for, followed_plan):
    """Each figure read from every surface that prints it, compared with the others rather
    than with the expected values: a definition changed in one place only fails here. The
    annual report's summary is read from its PDF too."""
    client = client_for("editor")
    annual = annual_html()
    pdf = pdf_text(render_pdf(annual).data)
    surfaces = {
        "dashboard": read_dashboard(client),
        "annual report": read_annual_report(annual),
        "annual report PDF": {
            "done · summary": count_in(r"\((\d+) réalisées?, \d+ en cours\)", pdf),
            "in progress · summary": count_in(r"\(\d+ réalisées?, (\d+) en cours\)", pdf),
            "average progress": decimal(group(r"L'avancement moyen[^.%]*?(\d+(?:,\d+)?) %", pdf)),
        },
        "bilan": read_bilan(bilan_html()),
        "indicator pages": read_indicator_pages(client),
        "exports": read_exports(client),
    }
    figures = {}
    for surface, readings in surfaces.items():
        for reading, value in readings.items():
            figure, _, where = reading.partition(" · ")
            if value is not None and not reading.startswith(("data as of", "late, date said")):
                figures.setdefault(figure, {})[f"{surface} {where}".strip()] = value
    disagreements = {}
    for figure, by_surface in figures.items():
        values = coarsest(list(by_surface.values()))
        if len(by_surface) > 1 and any(value != values[0] for value in values):
            disagreements[figure] = dict(zip(by_surface, values, strict=True))
    assert not disagreements, "\n".join(
        [
            "",
            *(
                f"{figure}: "
                + ", ".join(f"{surface} {value!r}" for surface, value in by_surface.items())
                for figure, by_surface in disagreements.items()
            ),
        ]
    )
