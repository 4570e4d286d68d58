"""Panels of the directory shown on other apps' pages: {% load directory %}.

- {% directory_panel %}: the directory in figures and its map (the dashboard);
- {% partner_structures action %}: the structures that are partners of an action.
"""

from django import template

from ..figures import directory_figures
from ..map import commune_map

register = template.Library()


@register.inclusion_tag("structures/includes/directory_panel.html")
def directory_panel():
    return {"directory": directory_figures(), "map": commune_map()}


@register.inclusion_tag("structures/includes/partner_structures.html")
def partner_structures(action):
    return {"structures": action.partner_structures.select_related("commune"), "action": action}
