"""Time an import of N generated directory rows; prints one JSON line (rows/s, peak memory).

    .venv/bin/python bench/import_structures.py app 10000      # the app's import path
    .venv/bin/python bench/import_structures.py rowwise 10000  # django-import-export's default

Runs against the configured database inside a transaction that is rolled back: nothing
stays. bench/run.py calls it in a process of its own, so that the peak memory is the
import's. Part of the benchmark, never of the test run.
"""

import json
import os
import resource
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essplan.settings")
django.setup()

import tablib  # noqa: E402
from django.db import transaction  # noqa: E402
from import_export import resources  # noqa: E402

from bench.dataset import as_spreadsheet, model_values, structure_rows  # noqa: E402
from essplan.imports import run_import  # noqa: E402
from structures.models import Structure  # noqa: E402
from structures.resources import StructureResource  # noqa: E402


class DefaultStructureResource(resources.ModelResource):
    """What django-import-export does out of the box: row by row, foreign keys by id."""

    class Meta:
        model = Structure
        fields = [
            "siret",
            "siren",
            "name",
            "legal_form",
            "family",
            "commune",
            "employees",
            "fte",
            "naf",
        ]
        import_id_fields = ["siret"]


def default_dataset(rows):
    """The rows with a column per model field, foreign keys by id (the resource's default)."""
    fields = DefaultStructureResource.Meta.fields
    data = tablib.Dataset(headers=fields)
    for values in model_values(rows):
        data.append([values.get(name, values.get(f"{name}_id")) for name in fields])
    return data


def main():
    mode, count = sys.argv[1], int(sys.argv[2])
    rows = list(structure_rows(count))
    if mode == "app":
        data, resource_ = as_spreadsheet(rows), StructureResource()
    else:
        data, resource_ = default_dataset(rows), DefaultStructureResource()
    started = time.perf_counter()
    with transaction.atomic():
        if mode == "app":
            report = run_import(resource_, data, dry_run=False)
            ok, new = report.ok, report.new
        else:
            result = resource_.import_data(data, dry_run=False, raise_errors=True)
            ok, new = not result.has_errors(), result.totals["new"]
        transaction.set_rollback(True)
    elapsed = time.perf_counter() - started
    if not ok or new != count:
        raise SystemExit(f"import en échec : {new} lignes créées sur {count}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "mode": mode,
                "rows": count,
                "seconds": round(elapsed, 3),
                "rows_per_s": round(count / elapsed, 1),
                "peak_mib": round(peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
