"""The open data files (CSV, UTF-8 with BOM and « ; » as French spreadsheets open them) and
the page that documents them: one dataset per schema of publicsite/api.py. Their text is
typed by the team or by the public (a request to be listed): formula-like cells are
neutralised as in every export (essplan.exports). A file's name carries the day it was
extracted (annuaire-ess-cotentin-2026-12-07.csv); its address stays the same."""

import csv
from decimal import Decimal

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from essplan.exports import dated, neutralise

from .api import (
    ActionRow,
    MeasurementRow,
    PlanRow,
    StructureRow,
    plan_actions,
    plan_measurements,
    public_plan,
    public_structures,
    published_plans,
)
from .views import public_page

DATASETS = [
    ("structures", "Annuaire public", StructureRow, "public:structures_csv"),
    ("actions", "Actions d'un plan publié", ActionRow, "public:actions_csv"),
    (
        "indicateurs",
        "Valeurs des indicateurs d'un plan publié",
        MeasurementRow,
        "public:measurements_csv",
    ),
    ("plans", "Plans publiés (API seulement)", PlanRow, None),
]


class Echo:
    def write(self, value):
        return value


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    return neutralise(str(value))


def csv_response(schema, rows, filename):
    """ROWS as SCHEMA's columns, streamed, in a file named FILENAME and the day."""
    writer = csv.writer(Echo(), delimiter=";")
    columns = list(schema.model_fields)

    def lines():
        yield "\ufeff" + writer.writerow(columns)
        for row in rows.iterator(chunk_size=2000):
            data = schema.from_orm(row).model_dump()
            yield writer.writerow([cell(data[name]) for name in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = dated(filename, "csv", timezone.now())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@public_page
def structures_csv(request):
    return csv_response(StructureRow, public_structures(), "annuaire-ess-cotentin")


@public_page
def actions_csv(request, slug):
    plan = public_plan(slug)
    return csv_response(ActionRow, plan_actions(plan), f"actions-{plan.slug}")


@public_page
def measurements_csv(request, slug):
    plan = public_plan(slug)
    return csv_response(MeasurementRow, plan_measurements(plan), f"indicateurs-{plan.slug}")


@public_page
def documentation(request):
    datasets = [
        {
            "key": key,
            "title": title,
            "url_name": url_name,
            "columns": [(name, field.description) for name, field in schema.model_fields.items()],
        }
        for key, title, schema, url_name in DATASETS
    ]
    return render(
        request,
        "public/open_data.html",
        {
            "datasets": datasets,
            "plans": published_plans(),
            "licence": settings.OPEN_DATA_LICENCE,
            "licence_url": settings.OPEN_DATA_LICENCE_URL,
        },
    )
