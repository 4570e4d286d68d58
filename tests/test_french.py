"""French formatting: one path for every figure, rounded half up to the precision printed."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from essplan import french
from essplan.french import count, euros, figure, listing, number, percent

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("65.7999"), 1, "65,8"),  # truncation would print 65,7
        (Decimal("2.999"), 2, "3,00"),  # truncation: 2,99
        (Decimal("0.005"), 2, "0,01"),  # truncation: 0,00
        (Decimal("0.5"), 0, "1"),  # half up, not half even (0)
        (Decimal("2.5"), 0, "3"),  # half even would give 2
        (Decimal("-0.005"), 2, "-0,01"),
        (85000, 0, f"85{NBSP}000"),
        (Decimal("1312"), 0, f"1{NBSP}312"),
        (65.8, 1, "65,8"),  # floats are read as printed, not as their binary value
    ],
)
def test_number_rounds_half_up_to_the_precision_printed(value, decimals, expected):
    assert number(value, decimals) == expected


def test_euros_percent_and_figures():
    assert euros(Decimal("812.30")) == f"812,30{NBSP}€"
    assert euros(Decimal("1234.50"), 0) == f"1{NBSP}235{NBSP}€"
    assert euros(Decimal("2.999")) == f"3,00{NBSP}€"
    assert euros(None) == "—"
    assert percent(Decimal("65.7999"), 1) == f"65,8{NBSP}%"
    assert percent(Decimal("65.5")) == f"66{NBSP}%"
    assert (figure(Decimal("512.50")), figure(Decimal("488.00")), figure(Decimal("11.20"))) == (
        "512,5",
        "488",
        "11,2",
    )
    assert figure(Decimal("65.7999")) == "65,8"
    assert figure(Decimal("6847")) == f"6{NBSP}847" and figure(None) == ""


def test_counts_follow_the_french_plural_rule():
    assert count(0, "action", "actions") == "0 action"
    assert count(1, "action", "actions") == "1 action"
    assert count(2, "action", "actions") == "2 actions"
    assert count(1312, "salarié", "salariés") == f"1{NBSP}312 salariés"


def test_lists_read_a_b_and_c():
    assert listing(["1.1.1"]) == "1.1.1"
    assert listing(["1.1.1", "1.2.1", "2.1.1"]) == "1.1.1, 1.2.1 et 2.1.1"


def test_the_filters_are_the_same_path_in_templates():
    html = Template("{{ a|euros }} · {{ a|euros:0 }} · {{ r|percent:1 }} · {{ n|integer }}").render(
        Context({"a": Decimal("1234.505"), "r": Decimal("65.7999"), "n": 1312})
    )
    assert html == f"1{NBSP}234,51{NBSP}€ · 1{NBSP}235{NBSP}€ · 65,8{NBSP}% · 1{NBSP}312"


@pytest.mark.parametrize(
    ("n", "suffixes", "expected"),
    [
        (0, "s", ""),
        (1, "s", ""),
        (2, "s", "s"),
        (1.5, "s", "s"),
        ([1, 2], "s", "s"),
        (0, "n'est,ne sont", "n'est"),
        (1, "n'est,ne sont", "n'est"),
        (3, "n'est,ne sont", "ne sont"),
    ],
)
def test_plural_follows_the_french_rule_zero_is_singular(n, suffixes, expected):
    assert french.plural(n, suffixes) == expected


@pytest.mark.django_db
def test_people_are_listed_in_french_order_of_their_names():
    from actions.pilots import candidates
    from essplan import roles
    from tests.conftest import make_user

    for username, last_name in [("z", "Zola"), ("e", "Étienne"), ("d", "dupont"), ("l", "Leroy")]:
        user = make_user(username, roles.PILOT)
        user.last_name, user.first_name = last_name, "Anne"
        user.save()
    names = [u.last_name for u in candidates().filter(username__in=["z", "e", "d", "l"])]
    assert names == ["dupont", "Étienne", "Leroy", "Zola"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2026, 6, 16), "mardi 16 juin 2026"),
        (datetime.date(2026, 6, 1), "lundi 1er juin 2026"),
        (datetime.date(2025, 12, 31), "mercredi 31 décembre 2025"),
        (None, ""),
    ],
)
def test_a_day_as_a_convocation_writes_it(value, expected):
    assert french.long_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.time(14, 30), f"14{NBSP}h{NBSP}30"),
        (datetime.time(9, 0), f"9{NBSP}h"),
        (datetime.time(14, 5), f"14{NBSP}h{NBSP}05"),
        (None, ""),
    ],
)
def test_a_time_of_day_in_french(value, expected):
    assert french.clock(value) == expected
