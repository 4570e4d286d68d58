"""Time the directory import (the app's path) on N generated rows; prints rows/s.

    DEBUG=true .venv/bin/python bench/import_structures.py 10000

Runs against the configured database inside a transaction that is rolled back:
nothing stays. Part of the benchmark (never of the test run).
"""

import os
import resource
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essplan.settings")
django.setup()

import tablib  # noqa: E402
from stdnum import luhn  # noqa: E402
from django.db import transaction  # noqa: E402

from essplan.imports import run_import  # noqa: E402
from structures.models import Commune  # noqa: E402
from structures.resources import StructureResource  # noqa: E402


def siret(n):
    """A valid SIRET whose SIREN starts with 99 (a range INSEE does not assign)."""
    siren = f"99{n:06d}"
    siren += luhn.calc_check_digit(siren)
    nic = siren + "0001"
    return nic + luhn.calc_check_digit(nic)


def dataset(rows):
    communes = list(Commune.objects.values_list("insee_code", flat=True))
    data = tablib.Dataset(headers=["SIRET", "Nom", "Forme juridique", "Code commune", "Salariés",
                                   "ETP", "Code NAF"])
    for n in range(rows):
        data.append([siret(n), f"Association générée {n}", "9220", communes[n % len(communes)],
                     str(n % 40), f"{n % 40},5", "88.99B"])
    return data


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    data = dataset(rows)
    started = time.perf_counter()
    with transaction.atomic():
        report = run_import(StructureResource(), data, dry_run=False)
        transaction.set_rollback(True)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert report.ok and report.new == rows, report.errors[:5]
    print(f"import de {rows} structures : {elapsed:.1f} s, {rows / elapsed:.0f} lignes/s, "
          f"mémoire maximale du processus {peak:.0f} Mio")


if __name__ == "__main__":
    main()
