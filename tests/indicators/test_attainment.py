"""An indicator is judged on the last year (up to the report's) that has a target."""

from decimal import Decimal

import pytest

from indicators.models import Attainment, Trend, attainment

D = Decimal


@pytest.mark.parametrize(
    ("direction", "values", "targets", "expected"),
    [
        (Trend.UP, {2024: D(5), 2025: D(7)}, {2024: D(4), 2025: D(6)}, (Attainment.REACHED, 2025)),
        (Trend.DOWN, {2025: D(30)}, {2025: D(25)}, (Attainment.MISSED, 2025)),
        # a 2025 target without a 2025 value: not « atteint » on 2024's value
        (Trend.UP, {2024: D(5)}, {2024: D(4), 2025: D(6)}, (Attainment.UNMEASURED, 2025)),
        # the last target is 2024's: judged on 2024, the later value left aside
        (Trend.UP, {2024: D(3), 2025: D(9)}, {2024: D(4)}, (Attainment.MISSED, 2024)),
        # a target after the report's year does not count
        (Trend.UP, {2025: D(9)}, {2026: D(4)}, (Attainment.NO_TARGET, None)),
        (Trend.UP, {2025: D(9)}, {}, (Attainment.NO_TARGET, None)),
    ],
)
def test_an_indicator_is_judged_on_its_last_targeted_year(direction, values, targets, expected):
    assert attainment(direction, values, targets, 2025) == expected
