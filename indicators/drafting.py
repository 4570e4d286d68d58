"""The indicators of a plan carried into the next one when it is drafted (actions.drafting).

actions sits below indicators in the import order, so the draft does not call this module:
it sends ``plan_drafted`` and this app connects ``carry_indicators`` to it when it is ready;
the receiver runs in the draft's transaction, and its failure undoes the draft."""

from .computations import computed_values
from .models import Indicator

INDICATOR_FIELDS = (
    "code",
    "name",
    "definition",
    "unit",
    "kind",
    "direction",
    "source",
    "computation",
)


def carry_indicators(sender, *, source, plan, objectives, actions, **kwargs):
    """SOURCE's indicators tied to no objective nor action, or to a carried one, into PLAN:
    the last value (entered or computed) becomes the baseline, with its year."""
    indicators = list(source.indicators.prefetch_related("measurements", "objectives", "actions"))
    computed = computed_values(source, indicators)
    for indicator in indicators:
        old_objectives = {o.pk for o in indicator.objectives.all()}
        old_actions = {a.pk for a in indicator.actions.all()}
        if (old_objectives or old_actions) and not (
            old_objectives & objectives.keys() or old_actions & actions.keys()
        ):
            continue
        values = computed.get(indicator.pk) or {
            m.year: m.value for m in indicator.measurements.all()
        }
        copy = Indicator(plan=plan, **{name: getattr(indicator, name) for name in INDICATOR_FIELDS})
        if values:
            year = max(values)
            copy.baseline_value, copy.baseline_year = values[year], year
            copy.baseline_note = ""
        else:
            copy.baseline_value, copy.baseline_year = (
                indicator.baseline_value,
                indicator.baseline_year,
            )
            copy.baseline_note = indicator.baseline_note
        copy.save()
        copy.objectives.set([objectives[pk] for pk in old_objectives if pk in objectives])
        copy.actions.set([actions[pk] for pk in old_actions if pk in actions])
