"""{% action_indicators action %}: the indicators linked to an action, on its page.

A template tag keeps the actions app free of imports from indicators (its right).
"""

from django import template

from ..models import Indicator

register = template.Library()


@register.inclusion_tag("indicators/includes/action_indicators.html")
def action_indicators(action):
    indicators = Indicator.objects.filter(actions=action).select_related("plan")
    return {"indicators": indicators.with_latest().order_by("code")}
