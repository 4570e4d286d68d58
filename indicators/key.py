"""The plan's key indicators, defined once: which they are and their rows with small bars of
their values over the plan's years. The staff dashboard, the annual report and the public
plan page all read them here (their values: computations.rows_for, the one definition)."""

from essplan.nonce import NONCE_SLOT

from .charts import year_bars
from .computations import rows_for

KEY_INDICATORS = ["C1", "C2", "K1", "K2", "K5", "K7", "K8"]


def key_indicator_rows(plan):
    """The key indicators' rows, each with small bars of its values over the plan's years;
    their style elements carry NONCE_SLOT (essplan.nonce.with_nonce puts the page's nonce)."""
    indicators = list(
        plan.indicators.prefetch_related("targets", "measurements").filter(code__in=KEY_INDICATORS)
    )
    indicators.sort(key=lambda indicator: KEY_INDICATORS.index(indicator.code))
    rows = rows_for(plan, indicators)
    for row in rows:
        row["trend"] = year_bars(
            label=f"Évolution de {row['indicator'].name}",
            years=list(plan.years),
            values=row["values"],
            unit=row["indicator"].unit_suffix,
            nonce=NONCE_SLOT,
        )
    return rows
