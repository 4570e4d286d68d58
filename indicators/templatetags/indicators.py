"""{% action_indicators action %}: the indicators linked to an action, on its page;
{% fictitious_indicators rows %}: the note under a table of indicators whose values include
the directory's fictitious structures (their values marked « * »).

A template tag keeps the actions app free of imports from indicators (its right).
"""

from django import template

from essplan.french import listing

from ..models import Indicator

register = template.Library()


@register.inclusion_tag("indicators/includes/action_indicators.html")
def action_indicators(action):
    indicators = Indicator.objects.filter(actions=action).select_related("plan")
    return {"indicators": indicators.with_latest().order_by("code")}


@register.inclusion_tag("indicators/includes/fictitious_note.html")
def fictitious_indicators(rows, css="fictitious"):
    """ROWS: indicators.computations.rows_for's or reports' rows ("indicator", "fictitious")."""
    marked = [row for row in rows if row["fictitious"]]
    return {
        "codes": listing(row["indicator"].code for row in marked),
        "many": len(marked) > 1,
        "fictitious": marked[0]["fictitious"] if marked else 0,
        "css": css,
    }
