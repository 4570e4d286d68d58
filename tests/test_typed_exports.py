"""XLSX and ODS exports are typed (issue #29): amounts, years, counts, percentages and dates are
cells a spreadsheet computes with, shown the French way; each export says when it was made,
what date its figures are as of, its source and its filters, on an « Informations » sheet;
every export's file name carries the day.

The XLSX files are read with openpyxl, the ODS files with tests.odf (content.xml read with
the standard library): what a spreadsheet program sees, not what the application meant."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, BudgetLine, Direction, ProgressUpdate, Status
from essplan.exports import SOURCE
from structures.models import Structure
from tests import odf
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db
CAEN = "caen-la-mer-ess-2013-2015"
BUDGET = reverse("actions:plan_budget", kwargs={"slug": CAEN})
ACTIONS = reverse("actions:action_list", kwargs={"slug": COTENTIN})
PLANNED = "Prévu (€)"


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def column(rows, header):
    """The cells under HEADER, the header row being the first of ROWS."""
    index = [cell.text if isinstance(cell, odf.Cell) else cell.value for cell in rows[0]].index(
        header
    )
    return [row[index] for row in rows[1:]]


def test_the_budget_xlsx_sums_to_the_plan_s_planned_total(client_for):
    # The seeded Cotentin plan has an envelope (85 000 €) but no budget line yet: the seeded
    # plan with lines is Caen la mer's, 33 lines of its deliberation: 261 000 € of operating
    # and 90 000 € of investment expenses, 20 000 € of revenue, 371 000 € in the column.
    lines = BudgetLine.objects.filter(action__plan__slug=CAEN)
    total = lines.aggregate(total=Sum("planned"))["total"]
    assert total == Decimal("371000") and lines.count() == 33
    response = client_for("viewer").get(BUDGET, {"format": "xlsx"})
    book = workbook(response)
    assert book.sheetnames == ["Budget", "Informations"] and book.active.title == "Budget"
    rows = list(book["Budget"].iter_rows())
    planned = column(rows, PLANNED)
    assert len(planned) == 33
    # What SUM() adds: the numeric cells (text cells count for nothing).
    assert all(cell.data_type == "n" for cell in planned)
    assert sum(Decimal(str(cell.value)) for cell in planned) == total
    assert {cell.number_format for cell in planned} == {'#,##0.00\\ "€"'}
    expenses = [
        cell.value
        for cell, flow in zip(planned, column(rows, "Sens"), strict=True)
        if flow.value == "Dépense"
    ]
    assert (
        sum(expenses)
        == lines.filter(flow=BudgetLine.Flow.EXPENSE).aggregate(total=Sum("planned"))["total"]
        == Decimal("351000")
    )
    years = column(rows, "Année")
    assert {cell.value for cell in years} == {2013, 2014, 2015}
    assert {cell.number_format for cell in years} == {"0"}  # 2014, never « 2 014 »
    # Text stays text: a chapter code keeps its leading zero.
    assert {cell.value for cell in column(rows, "Chapitre")} >= {"011", "012"}
    assert rows[0][0].font.b and book["Budget"].freeze_panes == "A2"
    assert book["Budget"].auto_filter.ref == f"A1:J{len(rows)}"


def test_the_budget_ods_sums_to_the_same_total_in_euros(client_for):
    total = BudgetLine.objects.filter(action__plan__slug=CAEN).aggregate(total=Sum("planned"))[
        "total"
    ]
    response = client_for("viewer").get(BUDGET, {"format": "ods"})
    sheets = odf.sheets(response.content)
    assert list(sheets) == ["Budget", "Informations"]
    planned = column(sheets["Budget"], PLANNED)
    assert {(cell.type, cell.currency, cell.data_style_kind) for cell in planned} == {
        ("currency", "EUR", "currency-style")
    }
    assert sum(Decimal(cell.value) for cell in planned) == total
    assert "20 000,00 €" in {cell.text.replace("\u00a0", " ") for cell in planned}
    symbol = planned[0].data_style.find(odf.qualified("number:currency-symbol"))
    number = planned[0].data_style.find(odf.qualified("number:number"))
    assert symbol.text == "€" and number.get(odf.qualified("number:grouping")) == "true"
    assert {(cell.type, cell.value) for cell in column(sheets["Budget"], "Année")} == {
        ("float", "2013"),
        ("float", "2014"),
        ("float", "2015"),
    }


@pytest.fixture
def followed_action(plan):
    """Action 3.4.2 with dates, a direction and a point at 35 %."""
    action = plan.actions.get(code="3.4.2")
    action.start_date, action.end_date = datetime.date(2024, 1, 15), datetime.date(2025, 6, 30)
    action.pilot_direction = Direction.objects.get(short_name="Développement économique")
    action.save(update_fields=["start_date", "end_date", "pilot_direction"])
    ProgressUpdate.objects.create(action=action, year=2024, status=Status.IN_PROGRESS, progress=35)
    return action


def test_action_dates_are_dates_and_progress_a_percentage(client_for, followed_action):
    client = client_for("viewer")
    rows = list(
        workbook(client.get(ACTIONS, {"q": "3.4.2", "format": "xlsx"}))["Actions"].iter_rows()
    )
    [start], [end] = column(rows, "Début"), column(rows, "Fin")
    assert start.is_date and start.value.date() == datetime.date(2024, 1, 15)
    assert end.value.date() == datetime.date(2025, 6, 30) and end.number_format == "dd/mm/yyyy"
    [progress] = column(rows, "Avancement (%)")
    assert (progress.data_type, progress.value) == ("n", 0.35)
    assert progress.number_format.endswith("%")  # 0.35 shown as 35 %
    [axis] = column(rows, "Axe")
    assert (axis.data_type, axis.value) == ("n", 3)
    [code] = column(rows, "Code")
    assert (code.data_type, code.value) == ("s", "3.4.2")

    sheet = odf.sheets(client.get(ACTIONS, {"q": "3.4.2", "format": "ods"}).content)["Actions"]
    [start] = column(sheet, "Début")
    assert (start.type, start.value, start.text, start.data_style_kind) == (
        "date",
        "2024-01-15",
        "15/01/2024",
        "date-style",
    )
    [progress] = column(sheet, "Avancement (%)")
    assert (
        progress.type,
        progress.value,
        progress.text.replace("\u00a0", " "),
        progress.data_style_kind,
    ) == ("percentage", "0.35", "35 %", "percentage-style")
    # The CSV file stays as it was: 35, 15/01/2024.
    csv = client.get(ACTIONS, {"q": "3.4.2", "format": "csv"}).content.decode("utf-8-sig")
    assert ";En cours;35;" in csv and ";15/01/2024;30/06/2025;" in csv


def information(book_or_sheets):
    """The « Informations » sheet as {label: value}."""
    sheet = book_or_sheets["Informations"]
    if isinstance(sheet, list):
        return {row[0].text: row[1] for row in sheet}
    return {row[0].value: row[1] for row in sheet.iter_rows()}


def test_every_export_says_when_it_was_made_its_source_and_its_filters(client_for, plan):
    client = client_for("viewer")
    before = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
    responses = {
        fmt: client.get(
            ACTIONS,
            {"status": Status.IN_PROGRESS, "axis": plan.axes.get(number=2).pk, "format": fmt},
        )
        for fmt in ("xlsx", "ods", "csv")
    }
    after = timezone.localtime().replace(tzinfo=None)
    for fmt, response in responses.items():
        assert response["Content-Disposition"] in {
            f'attachment; filename="actions-{COTENTIN}-{moment:%Y-%m-%d}.{fmt}"'
            for moment in (before, after)
        }
    about = information(workbook(responses["xlsx"]))
    assert before <= about["Extrait le"].value <= after and about["Extrait le"].is_date
    assert about["Extrait le"].number_format == 'dd/mm/yyyy" à "hh:mm'
    assert about["Données au"].value.date() == about["Extrait le"].value.date()
    assert about["Données au"].is_date and about["Données au"].number_format == "dd/mm/yyyy"
    assert about["Source"].value == SOURCE
    assert about["Contenu"].value == "Actions du plan « Plan d'actions ESS 2023-2025 »"
    axis = plan.axes.get(number=2)
    assert about["Filtre « Axe »"].value == str(axis)
    assert about["Filtre « Statut »"].value == "En cours"
    count = (
        Action.objects.filter(plan=plan, objective__axis=axis)
        .with_status()
        .filter(current_status=Status.IN_PROGRESS)
        .count()
    )
    assert (about["Lignes"].data_type, about["Lignes"].value) == ("n", count)

    about = information(odf.sheets(responses["ods"].content))
    assert (about["Extrait le"].type, about["Extrait le"].data_style_kind) == ("date", "date-style")
    assert before <= datetime.datetime.fromisoformat(about["Extrait le"].value) <= after
    assert about["Données au"].value == about["Extrait le"].value[:10]
    assert (about["Source"].text, about["Filtre « Statut »"].text) == (SOURCE, "En cours")
    assert "Filtres" not in about


def test_an_export_of_everything_says_so(client_for):
    about = information(workbook(client_for("viewer").get(BUDGET, {"format": "xlsx"})))
    assert about["Filtres"].value == "Aucun : toutes les lignes."
    assert about["Lignes"].value == 33


def test_a_typed_filter_is_neutralised_on_the_information_sheet(client_for):
    payload = '=HYPERLINK("http://exemple.invalid","clic")'
    response = client_for("viewer").get(
        reverse("structures:structure_list"), {"q": payload, "format": "xlsx"}
    )
    cell = information(workbook(response))["Filtre « Recherche »"]
    assert (cell.data_type, cell.value) == ("s", "'" + payload)


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_typed_directory_export_imports_back_unchanged(client_for, fmt):
    client = client_for("editor")
    Structure.objects.filter(pk=Structure.objects.order_by("pk").first().pk).update(fte="2.5")
    exported = client.get(reverse("structures:structure_list"), {"format": fmt}).content
    before = list(Structure.objects.order_by("pk").values())
    url = reverse("structures:structure_import")
    report = client.post(url, {"file": SimpleUploadedFile(f"export.{fmt}", exported)}).context[
        "report"
    ]
    assert report.ok, report.errors[:3]
    assert (report.new, report.updated) == (0, 60)
    token = client.post(url, {"file": SimpleUploadedFile(f"export.{fmt}", exported)}).context[
        "token"
    ]
    client.post(reverse("structures:structure_import_confirm"), {"token": token})

    def strip(rows):
        return [
            {k: v for k, v in row.items() if k not in {"updated_at", "version"}} for row in rows
        ]

    assert strip(Structure.objects.order_by("pk").values()) == strip(before)
