"""Every file the application writes (the staff exports, the admin's, the open data) keeps a
spreadsheet from running what was typed as a formula.

The exports are found, not listed by hand: every view whose code calls an export helper and
every admin with django-import-export's export. One that is missing from EXPORTS below fails
test_every_export_is_checked, so a new export cannot ship without going through the sweep.
"""

import csv
import inspect
import io
import json
import re
import zipfile
from html.parser import HTMLParser

import openpyxl
import pytest
import yaml
from django import forms
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from import_export.admin import ExportMixin

from actions.models import BudgetLine, Plan
from essplan import roles
from essplan.admin import SafeExportMixin
from essplan.exports import FORMATS, formula_like, neutralise
from essplan.spreadsheets import unneutralise
from indicators.models import Indicator, Measurement
from structures.models import NafCode, Structure
from tests import odf
from tests.conftest import COTENTIN, make_user
from tests.helpers import named_urls

pytestmark = pytest.mark.django_db

# What a listing request or an editor may type, each meant to run in a spreadsheet.
PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd",
    "@SUM(1+1)",
    "\r=1+1",
    "\t=1",
    "＝1+1",
    "＋1",
    "－1+1",
    "＠SUM(1)",
    " =1+1",
]
# The views that write a file: (url name, its arguments, formats asked by ?format=, or None
# when the URL is the file itself).
SLUG = {"slug": COTENTIN}
EXPORTS = {
    "structures:structure_list": ({}, list(FORMATS)),
    "actions:action_list": (SLUG, list(FORMATS)),
    "actions:pilot_table": (SLUG, list(FORMATS)),
    "actions:plan_budget": (SLUG, list(FORMATS)),
    "indicators:indicator_list": (SLUG, list(FORMATS)),
    "public:structures_csv": ({}, None),
    "public:actions_csv": (SLUG, None),
    "public:measurements_csv": (SLUG, None),
}
EXPORT_HELPERS = {"requested_export", "export_response", "csv_response"}
ADMIN_EXPORTS = {Structure, Indicator}
SIGNS = "=+-@＝＋－＠"
NUMERIC = {"float", "currency", "percentage"}
NUMBER = re.compile(r"\s*-?\d+([.,]\d+)?")


def runnable(cell):
    """Whether a spreadsheet would run CELL: a sign first (after blanks), or a tab or a
    carriage return, and not a plain number. Written apart from essplan.exports on purpose."""
    if not isinstance(cell, str) or NUMBER.fullmatch(cell):
        return False
    return cell[:1] in ("\t", "\r") or cell.lstrip()[:1] in tuple(SIGNS)


def test_the_payloads_are_what_a_spreadsheet_runs_and_numbers_are_not():
    assert all(runnable(payload) and formula_like(payload) for payload in PAYLOADS)
    assert [neutralise(payload) for payload in PAYLOADS] == ["'" + p for p in PAYLOADS]
    assert [neutralise(number) for number in ("-12,5", "-12", "+3", " -4.5")] == [
        "-12,5",
        "-12",
        "+3",
        " -4.5",
    ]
    assert neutralise("Ateliers = 3") == "Ateliers = 3"
    assert neutralise(-12) == -12
    # Our own export, imported again, gives back what was typed.
    assert [unneutralise(neutralise(payload)) for payload in PAYLOADS] == PAYLOADS


def export_views():
    """The URL names of every view whose own code calls an export helper."""
    for name, pattern in named_urls():
        code = getattr(inspect.unwrap(pattern.callback), "__code__", None)
        if code is not None and EXPORT_HELPERS & set(code.co_names):
            yield name


def test_every_export_is_checked():
    assert set(export_views()) == set(EXPORTS)
    exporting = {
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ExportMixin)
    }
    assert exporting == ADMIN_EXPORTS
    assert all(isinstance(admin.site._registry[model], SafeExportMixin) for model in exporting)


@pytest.fixture
def planted(plan, editor):
    """Each payload in the text of a public structure (its name, address, contact… and its
    activity), of an action, a budget line, an indicator and its value; one value is -12,5."""
    Plan.objects.filter(pk=plan.pk).update(is_public=True)
    structures = list(Structure.objects.order_by("pk")[: len(PAYLOADS)])
    nafs = list(NafCode.objects.order_by("pk")[: len(PAYLOADS)])
    actions = list(plan.actions.order_by("code_key")[: len(PAYLOADS)])
    indicators = list(Indicator.objects.filter(plan=plan).order_by("code")[: len(PAYLOADS)])
    pilot = make_user("pierre", roles.PILOT)
    for payload, structure, naf, action, indicator in zip(
        PAYLOADS, structures, nafs, actions, indicators, strict=True
    ):
        NafCode.objects.filter(pk=naf.pk).update(label=payload)
        Structure.objects.filter(pk=structure.pk).update(
            name=payload,
            acronym=payload,
            address=payload,
            phone=payload,
            website=payload,
            description=payload,
            contact_name=payload,
            public_contact=payload,
            naf=naf,
            public_since=timezone.now(),
            public_recorded_by=editor,
        )
        action.title = payload
        action.save(update_fields=["title"])
        action.pilots.add(pilot)
        BudgetLine.objects.create(
            action=action,
            year=2024,
            label=payload,
            chapter=payload[:10],
            co_funder=payload,
            planned=100,
        )
        Indicator.objects.filter(pk=indicator.pk).update(name=payload, source=payload)
        Measurement.objects.create(
            indicator=indicator,
            year=2024,
            value="-12.5",
            source=payload,
            comment=payload,
            author=editor,
        )
    return {"structures": [s.pk for s in structures], "indicators": [i.pk for i in indicators]}


class Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self.inside = [], False

    def handle_starttag(self, tag, attrs):
        if tag == "td":
            self.inside = True
            self.cells.append("")

    def handle_endtag(self, tag):
        self.inside = self.inside and tag != "td"

    def handle_data(self, data):
        if self.inside:
            self.cells[-1] += data


def cells(content, fmt):
    """Every cell of an exported file, as a spreadsheet program (or a reader) would see it."""
    if fmt in ("csv", "tsv"):
        text = content.decode("utf-8").lstrip("\ufeff")
        delimiter = "\t" if fmt == "tsv" else (";" if text.count(";") > text.count(",") else ",")
        return [
            cell
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            for cell in row
        ]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return [cell for row in sheet.values for cell in row]
    if fmt == "ods":
        assert b"table:formula" not in zipfile.ZipFile(io.BytesIO(content)).read("content.xml")
        [sheet, *_] = odf.sheets(content).values()
        return [
            float(cell.value) if cell.type in NUMERIC else cell.text
            for row in sheet
            for cell in row
            if cell.type
        ]
    if fmt == "json":
        return [cell for row in json.loads(content) for cell in row.values()]
    if fmt == "yaml":
        return [cell for row in yaml.safe_load(content) for cell in row.values()]
    if fmt == "html":
        parser = Cells()
        parser.feed(content.decode("utf-8"))
        return parser.cells
    raise AssertionError(f"Format d'export sans lecteur dans ce test : {fmt}")


def staff_and_open_data_files(editor):
    staff, anonymous = Client(), Client()
    staff.force_login(editor)
    for name, (kwargs, formats) in EXPORTS.items():
        url = reverse(name, kwargs=kwargs)
        if formats is None:
            response = anonymous.get(url)
            yield name, "csv", b"".join(response.streaming_content)
        for fmt in formats or ():
            response = staff.get(url, {"format": fmt})
            assert response.status_code == 200, (name, fmt)
            yield name, fmt, response.content


def admin_files(admin_user, planted):
    client = Client()
    client.force_login(admin_user)
    for model, items in ((Structure, planted["structures"]), (Indicator, planted["indicators"])):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
        form = client.get(url).context["form"]
        formats = form.fields["format"].choices
        columns = {
            name: "on"
            for name, field in form.fields.items()
            if isinstance(field, forms.BooleanField)
        }
        for value, title in formats:
            if value == "":
                continue
            response = client.post(
                url, {"format": value, "resource": "0", "export_items": items, **columns}
            )
            assert response.status_code == 200, (model, title)
            yield f"admin:{model._meta.model_name}", title.lower(), response.content


def test_no_exported_cell_runs_as_a_formula(planted, editor, admin_user):
    files = [*staff_and_open_data_files(editor), *admin_files(admin_user, planted)]
    assert len(files) == 5 * 3 + 3 + 2 * 7  # the formats the admin offers: 7 each
    for name, fmt, content in files:
        found = cells(content, fmt)
        assert not [cell for cell in found if runnable(cell)], (name, fmt)
        # The payloads reached the file, behind their apostrophe (an XML file reads a carriage
        # return as a line feed); the numbers stayed numbers.
        texts = {cell.replace("\r", "\n") for cell in found if isinstance(cell, str)}
        assert {"'" + payload.replace("\r", "\n") for payload in PAYLOADS} <= texts, (name, fmt)
        if name in ("indicators:indicator_list", "public:measurements_csv"):
            assert (
                -12.5 in found
                if fmt in ("xlsx", "ods")
                else any(str(cell).startswith("-12,5") for cell in found)
            ), (name, fmt)
