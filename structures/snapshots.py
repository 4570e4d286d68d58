"""Yearly snapshots of the directory (structures.DirectorySnapshot).

The year under way (or just ended) is read from the directory as it stands; a past year is
rebuilt from the change history (django-pghistory): each structure as its last change before
1 January of the next year left it. The history must reach back that far: a structure whose
creation it did not record, or a history that starts after that year, and the year is
refused rather than guessed.
"""

import datetime
from collections import Counter

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Count, Min, Sum
from django.utils import timezone

from .models import DirectorySnapshot, Structure


class SnapshotRefused(Exception):
    """A year the history cannot rebuild; the message says why, in French."""


def take(year, *, today=None):
    """Write YEAR's snapshot in one transaction, replacing any earlier one for that year
    (running it again changes nothing if the data did not change): {"rows", "structures",
    "employees", "source"}."""
    today = today or timezone.localdate()
    if year > today.year:
        raise SnapshotRefused(f"L'année {year} n'a pas commencé : aucun instantané n'est écrit.")
    with transaction.atomic():
        with connection.cursor() as cursor:  # two runs at once write one after the other
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('directory-snapshot'))")
        if year >= today.year - (1 if (today.month, today.day) == (1, 1) else 0):
            counts, source = _from_directory(), "annuaire"
        else:
            counts, source = _from_history(year), "historique"
        DirectorySnapshot.objects.filter(year=year).delete()
        DirectorySnapshot.objects.bulk_create(
            DirectorySnapshot(
                year=year,
                commune_id=commune,
                family=family,
                structures=n,
                employees=jobs,
                taken_on=today,
                source=source,
            )
            for (commune, family), (n, jobs) in sorted(counts.items())
        )
    return {
        "rows": len(counts),
        "structures": sum(n for n, _ in counts.values()),
        "employees": sum(jobs for _, jobs in counts.values()),
        "source": source,
    }


def _from_directory():
    rows = (
        Structure.objects.active()
        .values("commune", "family")
        .annotate(n=Count("id"), jobs=Sum("employees"))
        .order_by()
    )
    return {(row["commune"], row["family"]): (row["n"], row["jobs"] or 0) for row in rows}


def _from_history(year):
    history = apps.get_model("structures", "StructureHistory").objects
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    first = history.aggregate(first=Min("pgh_created_at"))["first"]
    unrecorded = Structure.objects.exclude(
        pk__in=history.filter(pgh_label="insert").values("pgh_obj_id")
    ).count()
    if first is None or first >= end or unrecorded:
        since = f"il commence le {timezone.localtime(first):%d/%m/%Y}" if first else "il est vide"
        raise SnapshotRefused(
            f"L'historique des modifications ne couvre pas {year} ({since}"
            f"{f', et {unrecorded} structures y manquent' if unrecorded else ''}) : "
            f"aucun instantané n'est écrit pour {year}."
        )
    last = (
        history.filter(pgh_created_at__lt=end)
        .order_by("pgh_obj_id", "-pgh_created_at", "-pgh_id")
        .distinct("pgh_obj_id")
        .values("pgh_label", "archived", "commune_id", "family", "employees")
    )
    counts = Counter()
    jobs = Counter()
    for state in last:
        if state["pgh_label"] == "delete" or state["archived"]:
            continue
        key = (state["commune_id"], state["family"])
        counts[key] += 1
        jobs[key] += state["employees"] or 0
    return {key: (counts[key], jobs[key]) for key in counts}
