"""Writes of indicators that span several rows: definition with targets, seed loading."""

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from actions.models import Plan
from essplan.versioning import save_form

from .models import Indicator, Target

if TYPE_CHECKING:
    from .forms import IndicatorForm

SEED = Path(settings.BASE_DIR) / "fixtures" / "indicators_cotentin_2023_2025.json"


@transaction.atomic
def save_indicator(*, form: "IndicatorForm") -> Indicator:
    """Save an IndicatorForm (version-checked when it exists) and its yearly targets."""
    indicator = save_form(form=form, plan=form.plan)
    targets = form.targets()
    indicator.targets.filter(
        year__in=[year for year, value in targets.items() if value is None]
    ).delete()
    for year, value in targets.items():
        if value is not None:
            Target.objects.update_or_create(
                indicator=indicator, year=year, defaults={"value": value}
            )
    return indicator


@transaction.atomic
def load_indicators(path: Path = SEED) -> int:
    """Create the seeded indicators that are missing (matched by plan and code)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    plan = Plan.objects.get(slug=data["plan"])
    created = 0
    for row in data["indicators"]:
        row = dict(row)
        action_codes = row.pop("actions", [])
        baseline = row.pop("baseline", None)
        indicator, is_new = Indicator.objects.get_or_create(
            plan=plan,
            code=row.pop("code"),
            defaults={
                **row,
                **(
                    {"baseline_value": Decimal(baseline[0]), "baseline_year": baseline[1]}
                    if baseline
                    else {}
                ),
            },
        )
        if is_new:
            created += 1
            actions = list(plan.actions.filter(code__in=action_codes))
            indicator.actions.set(actions)
            indicator.objectives.set({action.objective_id for action in actions})
    return created
