"""Numbers as French documents write them: 85 000, 11,2, 1 734,75 €.

``figure`` is also a template filter available in every template (TEMPLATES builtins).
"""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


def number(value, decimals=0):
    """85000 -> '85 000', (11.2, 1) -> '11,2' (French grouping and decimal comma)."""
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def euros(value):
    """1734.75 -> '1 734,75 €': amounts to the cent."""
    return f"{number(value, 2)}\u00a0€"


@register.filter
def figure(value):
    """A measured value with no trailing zero: 512.50 -> '512,5', 488.00 -> '488', 11.2 -> '11,2'."""
    if value is None or value == "":
        return ""
    value = Decimal(str(value))
    exponent = value.normalize().as_tuple().exponent
    return number(value, min(max(0, -exponent), 2))
