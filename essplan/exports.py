"""Spreadsheet exports (CSV, XLSX, ODS) of a django-import-export resource, and the one rule
every file the application writes follows (these exports, the admin's, the open data).

Text cells that a spreadsheet would run as a formula are prefixed with an apostrophe: those
that start with a tab or a carriage return, or with =, +, -, @ after any blank (spaces,
tabs, line breaks), those signs' full-width forms (＝ ＋ － ＠, which Excel in Asian locales
takes as the signs) and their other compatibility forms included. A number (-12,5) stays a
number.

An XLSX or ODS export is typed (essplan.workbooks): amounts, counts, years, percentages and
dates are cells a spreadsheet sums and sorts, with a French number format. It says what it
is on a second sheet, « Informations »: when it was extracted, what date its figures are as
of, its source, its content, its row count and the filters applied; the first sheet keeps
its header row on the first line, where filters, pivot tables and the application's import
look for it. A CSV file is text by nature (decimal comma, dd/mm/yyyy): its name carries the
date of extraction (actions-cotentin-ess-2023-2025-2026-12-07.csv), as every export's does.
"""

import datetime
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import tablib
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from .workbooks import TEXT, Sheet, workbook

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
SOURCE = "essplan — Communauté d'Agglomération du Cotentin"
INFORMATION_SHEET = "Informations"
SIGNS = "=+-@"
CONTROL_STARTS = ("\t", "\r")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read TEXT as a formula (numbers included)."""
    stripped = text.lstrip()
    return text.startswith(CONTROL_STARTS) or (
        bool(stripped) and unicodedata.normalize("NFKC", stripped[0]) in SIGNS
    )


def neutralise(value: Any) -> Any:
    """VALUE, an apostrophe before it when it is formula-like text and not a number."""
    if isinstance(value, str) and formula_like(value):
        try:
            float(value.replace(",", "."))
        except ValueError:
            return "'" + value
    return value


def neutralised(exported: tablib.Dataset) -> tablib.Dataset:
    """A copy of the Dataset EXPORTED whose formula-like text cells are neutralised."""
    dataset = tablib.Dataset(headers=exported.headers)
    for row in exported:
        dataset.append([neutralise(value) for value in row])
    return dataset


def export_dataset(resource: Any, queryset: QuerySet[Any]) -> tablib.Dataset:
    return neutralised(resource.export(queryset=queryset))


def dated(filename: str, fmt: str, moment: datetime.datetime) -> str:
    """The name of an export file: FILENAME, the day of MOMENT, FMT's extension."""
    return f"{filename}-{timezone.localdate(moment):%Y-%m-%d}.{fmt}"


def export_response(
    resource: Any,
    queryset: QuerySet[Any],
    fmt: str,
    filename: str,
    *,
    subject: str,
    filters: Iterable[Sequence[Any]] = (),
) -> HttpResponse:
    """HttpResponse with QUERYSET in FMT (404 for an unknown format), named FILENAME and the
    day; CSV is UTF-8 with a BOM and ";" for French Excel. An XLSX or ODS file has the typed
    rows, then the « Informations » sheet: SUBJECT, what the file holds, and FILTERS, the
    rows that say which filters were applied (applied_filters)."""
    if fmt not in FORMATS:
        raise Http404("Format d'export inconnu.")
    now = timezone.now()
    if fmt == "csv":
        content = "\ufeff" + export_dataset(resource, queryset).export("csv", delimiter=";")
    else:
        data = neutralised(resource.export(queryset=queryset, force_native_type=True))
        kinds = [getattr(field.widget, "kind", TEXT) for field in resource.get_export_fields()]
        information = about(now, subject, filters, len(data))
        content = workbook(
            fmt,
            [
                Sheet(resource.sheet_name, [data.headers, *data], kinds),
                Sheet(
                    INFORMATION_SHEET,
                    [[neutralise(value) for value in row] for row in information],
                    header=False,
                ),
            ],
        )
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{dated(filename, fmt, now)}"'
    return response


def about(
    moment: datetime.datetime, subject: str, filters: Iterable[Sequence[Any]], count: int
) -> list[list[Any]]:
    """The rows of the « Informations » sheet of an export of SUBJECT, COUNT rows, made at
    MOMENT with FILTERS (applied_filters). The application reads its data live: the figures
    are as of the extraction (a plan's follow-up as it stands that day)."""
    local = timezone.localtime(moment).replace(tzinfo=None, second=0, microsecond=0)
    return [
        ["Extrait le", local],
        ["Données au", local.date()],
        [
            "",
            "Les données sont celles qu'essplan tenait au moment de l'extraction (pour un "
            "plan, son suivi à cette date).",
        ],
        ["Source", SOURCE],
        ["Contenu", subject],
        ["Lignes", count],
        *(list(row) for row in filters or [("Filtres", "Aucun : toutes les lignes.")]),
    ]


def applied_filters(filterset: Any) -> list[tuple[str, str]]:
    """A row for each filter that FILTERSET applies, its value as its form shows it
    (« Filtre « Statut » », « En cours »); none when it applies none."""
    form = filterset.form
    if not filterset.is_valid():
        return [("Filtres", "Non valides : aucune ligne.")]
    return [
        (f"Filtre « {form.fields[name].label} »", shown_choice(form.fields[name], value))
        for name, value in form.cleaned_data.items()
        if value not in (None, "", [], False)
    ]


def shown_choice(field: Any, value: Any) -> str:
    """VALUE, as chosen in the form FIELD: a choice by its label, a box ticked as « oui »."""
    if value is True:
        return "oui"
    if isinstance(value, (list, tuple)):
        return ", ".join(shown_choice(field, item) for item in value)
    if hasattr(field, "queryset") or not hasattr(field, "choices"):
        return str(value)
    labels = {str(key): label for key, label in field.choices}
    return str(labels.get(str(value), value))


def requested_export(
    request: HttpRequest,
    make_resource: Callable[[], Any],
    queryset: QuerySet[Any],
    filename: str,
    *,
    subject: str,
    filters: Iterable[Sequence[Any]] = (),
) -> HttpResponse | None:
    """The export that ?format= asks for (404 for an unknown one), or None for the page.
    MAKE_RESOURCE() gives the resource, made only for an export (a resource is slow to make);
    SUBJECT and FILTERS: export_response."""
    fmt = request.GET.get("format")
    if not fmt:
        return None
    return export_response(
        make_resource(), queryset, fmt, filename, subject=subject, filters=filters
    )
