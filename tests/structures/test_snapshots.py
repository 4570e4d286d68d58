"""The directory year by year: snapshots taken from the directory of the day or rebuilt from
the change history, and the computed indicators that read them."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from indicators.computations import REGISTRY
from structures.models import DirectorySnapshot, Structure
from structures.snapshots import SnapshotRefused, take

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def totals(year):
    rows = DirectorySnapshot.objects.filter(year=year)
    figures = rows.aggregate(structures=Sum("structures"), employees=Sum("employees"))
    return figures["structures"], figures["employees"]


def test_this_years_snapshot_is_the_directory_of_the_day_and_a_rerun_replaces_it(capsys):
    jobs = Structure.objects.aggregate(n=Sum("employees"))["n"]
    call_command("snapshot_directory")
    assert totals(THIS_YEAR) == (60, jobs)
    rows = DirectorySnapshot.objects.filter(year=THIS_YEAR).count()
    assert rows == Structure.objects.values("commune", "family").distinct().count()
    Structure.objects.filter(pk=Structure.objects.order_by("pk").first().pk).update(archived=True)
    call_command("snapshot_directory", year=THIS_YEAR)
    assert totals(THIS_YEAR)[0] == 59
    assert f"Annuaire {THIS_YEAR} : 59 structures" in capsys.readouterr().out


def test_a_year_the_history_does_not_reach_is_refused_in_french():
    with pytest.raises(
        CommandError,
        match=f"L'historique des modifications ne couvre pas {THIS_YEAR - 1} \\(il commence le ",
    ):
        call_command("snapshot_directory", year=THIS_YEAR - 1)
    with pytest.raises(SnapshotRefused, match="n'a pas commencé"):
        take(THIS_YEAR + 1)
    assert not DirectorySnapshot.objects.exists()


def at(moment, where="", params=()):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE structures_structurehistory SET pgh_created_at = %s {where}", [moment, *params]
        )


def test_past_years_are_rebuilt_from_the_change_history():
    """The 60 demo structures recorded in June 2024; in February 2025 one gains 10 employees,
    in March 2025 another is archived: 2024 counts them all as loaded, 2025 the changes."""
    at(datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC))
    jobs = Structure.objects.aggregate(n=Sum("employees"))["n"]
    grown, archived = Structure.objects.filter(employees__gt=0).order_by("pk")[:2]
    Structure.objects.filter(pk=grown.pk).update(employees=grown.employees + 10)
    Structure.objects.filter(pk=archived.pk).update(archived=True)
    at(
        datetime.datetime(2025, 2, 1, tzinfo=datetime.UTC),
        "WHERE pgh_label = 'update' AND pgh_obj_id = %s",
        [grown.pk],
    )
    at(
        datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
        "WHERE pgh_label = 'update' AND pgh_obj_id = %s",
        [archived.pk],
    )
    assert take(2024)["source"] == "historique"
    assert totals(2024) == (60, jobs)
    take(2025)
    assert totals(2025) == (59, jobs + 10 - archived.employees)


def test_computed_indicators_of_an_ended_plan_read_only_each_years_snapshot(plan):
    """The Cotentin plan (2023-2025) has ended: a year without a snapshot has no value, never
    the directory of the day (60 structures); a 2024 snapshot adds 2024, a 2025 one 2025.

    (This test used to expect {2025: 60} without any snapshot: today's directory printed as
    the plan's last year, the bug of issue #29.)"""
    commune = Structure.objects.first().commune
    assert timezone.localdate().year > plan.last_year
    assert REGISTRY["structures_total"](plan) == {}
    assert REGISTRY["employees_total"](plan) == {}
    DirectorySnapshot.objects.create(
        year=2024,
        commune=commune,
        family="association",
        structures=7,
        employees=70,
        taken_on=datetime.date(2024, 12, 31),
        source="annuaire",
    )
    assert REGISTRY["structures_total"](plan) == {2024: 7}
    assert REGISTRY["employees_total"](plan)[2024] == 70
    # That snapshot has no cooperative: none in 2024, not an unknown figure.
    assert REGISTRY["structures_cooperative"](plan)[2024] == 0
    DirectorySnapshot.objects.create(
        year=2025,
        commune=commune,
        family="cooperative",
        structures=3,
        employees=12,
        taken_on=datetime.date(2025, 12, 31),
        source="annuaire",
    )
    assert REGISTRY["structures_total"](plan) == {2024: 7, 2025: 3}
    assert REGISTRY["structures_cooperative"](plan) == {2024: 0, 2025: 3}


def test_computed_indicators_read_the_directory_of_the_day_for_the_year_in_progress_only(plan):
    """A plan running this year: this year without a snapshot is the directory as it stands
    (60 active demonstration structures); last year without one has no value."""
    this_year = timezone.localdate().year
    plan.first_year, plan.last_year = this_year - 1, this_year + 1  # not saved
    assert REGISTRY["structures_total"](plan) == {this_year: 60}
    commune = Structure.objects.first().commune
    DirectorySnapshot.objects.create(
        year=this_year,
        commune=commune,
        family="association",
        structures=5,
        employees=9,
        taken_on=datetime.date(this_year, 6, 30),
        source="annuaire",
    )
    assert REGISTRY["structures_total"](plan) == {this_year: 5}
