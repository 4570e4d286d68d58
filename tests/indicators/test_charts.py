"""The charts print their figures as the documents do (decimal comma, thousands separated by a
no-break space), start their value axis at zero and read in black and white."""

import re
from decimal import Decimal
from types import SimpleNamespace

from indicators.charts import budget_bars, status_donut, trend_chart

NBSP = "\u00a0"


def people_chart(**kwargs):
    """Employees 6 847 (2022, the baseline) to 7 123, targets 6 950 to 7 250."""
    return str(
        trend_chart(
            **{
                "title": "Salariés de l'ESS",
                "years": [2022, 2023, 2024, 2025],
                "values": {
                    2022: Decimal(6847),
                    2023: Decimal(6900),
                    2024: Decimal(7000),
                    2025: Decimal(7123),
                },
                "targets": {2023: Decimal(6950), 2024: Decimal(7100), 2025: Decimal(7250)},
                "baseline": (2022, Decimal(6847)),
                "unit": "personnes",
                **kwargs,
            }
        )
    )


def share_chart():
    """A share of 11,2 % (2023) then 11,34 %, a target of 7,8 % (2025)."""
    return str(
        trend_chart(
            title="Part de l'ESS",
            years=[2023, 2024, 2025],
            values={2023: Decimal("11.2"), 2024: Decimal("11.34")},
            targets={2025: Decimal("7.8")},
            unit="%",
        )
    )


def y_labels(svg):
    """The value axis's labels, bottom to top."""
    axis = svg[svg.index('<g class="axis y') : svg.index('<g class="axis x')]
    return re.findall(r"<text [^>]*>([^<]*)</text>", axis)


def point_values(svg):
    """What each point of the chart says of itself (its tooltip)."""
    return re.findall(r'<desc class="value">([^<]*)</desc>', svg)


def test_trend_chart_points_carry_french_figures_and_their_unit():
    assert point_values(share_chart()) == [f"11,2{NBSP}%", f"11,34{NBSP}%", f"7,8{NBSP}%"]
    people = point_values(people_chart())
    assert people[:4] == [
        f"6{NBSP}847{NBSP}personnes",
        f"6{NBSP}900{NBSP}personnes",
        f"7{NBSP}000{NBSP}personnes",
        f"7{NBSP}123{NBSP}personnes",
    ]
    assert not any(re.search(r"\d\.\d|\d{4}", value) for value in people)


def test_trend_chart_text_alternative_has_french_figures():
    svg = share_chart()
    assert (
        f"<desc>Valeurs : 2023 : 11,2{NBSP}%, 2024 : 11,34{NBSP}% ; "
        f"cibles : 2025 : 7,8{NBSP}%.</desc>"
    ) in svg
    assert "11.34" not in svg


def test_value_axis_starts_at_zero_with_french_labels():
    # 6 847 to 7 250 would make an axis of 6 800 to 7 300: from zero, by thousands.
    labels = y_labels(people_chart())
    assert labels[0] == "0"
    assert f"7{NBSP}000" in labels
    assert all(re.fullmatch(rf"\d{{1,3}}({NBSP}\d{{3}})*(,\d+)?", label) for label in labels)
    assert y_labels(share_chart())[0] == "0"
    # The unit is the axis's title, once, not on every label.
    assert re.search(r'class="title[^"]*"[^>]*>personnes</text>', people_chart())


def test_values_and_targets_differ_without_colour():
    svg = people_chart()
    # Targets: a dashed line, hollow dots and a hollow legend mark; values: solid, filled.
    assert re.search(r"\.series\.serie-1\{[^}]*stroke-dasharray:7,5", svg)
    assert not re.search(r"serie-0[^{]*\{[^}]*dasharray", svg)
    assert re.search(r"\.serie-1 \.dot,[^{]*\.legend:nth-child\(2\) rect\{fill:#ffffff", svg)
    # No other dashed line: the guides are solid.
    assert not re.search(r"dasharray:(4,4|6,6)", svg)
    for name in ["Valeurs (trait plein)", "Cibles (tirets)"]:
        assert f">{name}</text>" in svg


def test_an_assumed_baseline_is_marked_in_the_legend_and_the_description():
    assumed = people_chart(baseline_assumed=True)
    assert ">Référence 2022 (supposée)</text>" in assumed
    assert f"Référence 2022 (supposée) : 6{NBSP}847{NBSP}personnes.</desc>" in assumed
    stated = people_chart()
    assert ">Référence 2022</text>" in stated and "supposée" not in stated


def test_budget_bars_round_to_the_euro_and_say_so():
    amounts = SimpleNamespace(
        planned=Decimal("22810.75"), committed=Decimal("1000.50"), spent=Decimal("999.49")
    )
    plan = SimpleNamespace(budget_envelope=None)
    svg = str(budget_bars(amounts=amounts, plan=plan))
    assert (
        f'aria-label="Budget, montants arrondis à l&#x27;euro : Prévu 22{NBSP}811{NBSP}€, '
        f'Engagé 1{NBSP}001{NBSP}€, Réalisé 999{NBSP}€"'
    ) in svg
    assert point_values(svg) == [f"999{NBSP}€", f"1{NBSP}001{NBSP}€", f"22{NBSP}811{NBSP}€"]


def test_status_donut_counts_are_grouped():
    svg = str(status_donut(statuses=[("en_cours", "En cours", 1312), ("realisee", "Réalisée", 3)]))
    assert f'aria-label="Actions par statut — En cours : 1{NBSP}312, Réalisée : 3"' in svg
    assert point_values(svg) == [f"1{NBSP}312", "3"]
