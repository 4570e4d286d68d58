"""Panels of the plan shown on other apps' pages: {% load plan_panels %}.

- {% structure_involvement structure %}: the actions a structure is a partner of and the
  events it took part in (its page in the directory).
"""

from django import template

register = template.Library()


@register.inclusion_tag("actions/includes/structure_involvement.html")
def structure_involvement(structure):
    return {
        "actions": structure.partner_actions.select_related("plan").order_by("code_key"),
        "events": structure.events.order_by("-date"),
    }
