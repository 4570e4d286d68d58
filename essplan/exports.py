"""Spreadsheet exports (CSV, XLSX, ODS) of a django-import-export resource, and the one rule
every file the application writes follows (these exports, the admin's, the open data).

Text cells that a spreadsheet would run as a formula are prefixed with an apostrophe: those
that start with a tab or a carriage return, or with =, +, -, @ after any blank (spaces,
tabs, line breaks), those signs' full-width forms (＝ ＋ － ＠, which Excel in Asian locales
takes as the signs) and their other compatibility forms included. A number (-12,5) stays a
number.
"""

import unicodedata

import tablib
from django.http import Http404, HttpResponse

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
SIGNS = "=+-@"
CONTROL_STARTS = ("\t", "\r")


def formula_like(text):
    """Whether a spreadsheet could read TEXT as a formula (numbers included)."""
    stripped = text.lstrip()
    return text.startswith(CONTROL_STARTS) or (
        bool(stripped) and unicodedata.normalize("NFKC", stripped[0]) in SIGNS)


def neutralise(value):
    """VALUE, an apostrophe before it when it is formula-like text and not a number."""
    if isinstance(value, str) and formula_like(value):
        try:
            float(value.replace(",", "."))
        except ValueError:
            return "'" + value
    return value


def neutralised(exported):
    """A copy of the Dataset EXPORTED whose formula-like text cells are neutralised."""
    dataset = tablib.Dataset(headers=exported.headers)
    for row in exported:
        dataset.append([neutralise(value) for value in row])
    return dataset


def export_dataset(resource, queryset):
    return neutralised(resource.export(queryset=queryset))


def export_response(resource, queryset, fmt, filename):
    """HttpResponse with QUERYSET in FMT (404 for an unknown format); CSV is UTF-8 with a
    BOM and ";" for French Excel."""
    if fmt not in FORMATS:
        raise Http404("Format d'export inconnu.")
    dataset = export_dataset(resource, queryset)
    if fmt == "csv":
        content = "\ufeff" + dataset.export("csv", delimiter=";")
    else:
        content = dataset.export(fmt)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def requested_export(request, make_resource, queryset, filename):
    """The export that ?format= asks for (404 for an unknown one), or None for the page.
    MAKE_RESOURCE() gives the resource, made only for an export (a resource is slow to make)."""
    fmt = request.GET.get("format")
    if not fmt:
        return None
    return export_response(make_resource(), queryset, fmt, filename)
