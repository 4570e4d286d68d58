"""Numbers and words as French documents write them: 85 000, 11,2, 1 734,75 €, 65,8 %,
« a, b et c », « 1 structure », « 3 structures », « mardi 16 juin 2026 », « 14 h 30 ».

Zero, unknown and not applicable each have their form: 0 is printed « 0 »; a value nobody
entered « non renseigné » (UNKNOWN); a figure that has no meaning (a rate without a base)
« sans objet » (NOT_APPLICABLE); a year of the directory without its record « pas de relevé »
(NOT_RECORDED). « — » is left for what has no value yet (a future year, a missing target).

One path for every figure shown, in pages, charts, exports and the PDF: the value is rounded
half up to the precision printed, then grouped by thousands with a decimal comma. The
filters (``euros``, ``percent``, ``figure``, ``integer``) are available in every template
(TEMPLATES builtins).
"""

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import ngettext

register = template.Library()

NBSP = "\u00a0"
NO_VALUE = "—"
UNKNOWN = "non renseigné"
NOT_APPLICABLE = "sans objet"
NOT_RECORDED = "pas de relevé"


def rounded(value: Decimal | float | str, decimals: int = 0) -> Decimal:
    """VALUE as a Decimal rounded half up to DECIMALS places: 65.7999 -> 65.80 (2), 0.005 -> 0.01."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value: Decimal | float | str, decimals: int = 0) -> str:
    """85000 -> '85 000', (11.2, 1) -> '11,2', (65.79, 1) -> '65,8' (French grouping and
    decimal comma, rounded half up: Django's number_format alone truncates)."""
    return number_format(
        rounded(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )


@register.filter
def integer(value: Decimal | float | str | None) -> str:
    """A count: 1312 -> '1 312'."""
    if value is None or value == "":
        return ""
    return number(value)


@register.filter
def known(value: Decimal | float | None) -> str:
    """A count that may not have been entered: 0 -> '0', 1312 -> '1 312', None -> 'non renseigné'."""
    return UNKNOWN if value is None else number(value)


@register.filter
def euros(value: Decimal | float | str | None, decimals: int | str = 2) -> str:
    """1734.75 -> '1 734,75 €'; with 0: '1 735 €'. None -> '—'."""
    if value is None or value == "":
        return "—"
    return f"{number(value, int(decimals))}{NBSP}€"


@register.filter
def percent(value: Decimal | float | str | None, decimals: int | str = 0) -> str:
    """65.8 -> '66 %'; with 1: '65,8 %'. None -> '—'."""
    if value is None or value == "":
        return "—"
    return f"{number(value, int(decimals))}{NBSP}%"


@register.filter
def figure(value: Decimal | float | str | None) -> str:
    """A measured value with no trailing zero: 512.50 -> '512,5', 488.00 -> '488', 11.2 -> '11,2';
    at most two decimals, rounded half up."""
    if value is None or value == "":
        return ""
    value = rounded(value, 2)
    # A finite value: its exponent is a number, not the 'n' or 'F' of a NaN or an infinity.
    return number(value, max(0, -value.normalize().as_tuple().exponent))  # type: ignore[operator]


@register.filter
def plural(n: Any, suffixes: str = "s") -> str:
    """Django's pluralize with French's rule: 0 and 1 take the singular.
    {{ n|plural }} -> '' or 's'; {{ n|plural:"n'est,ne sont" }}."""
    singular, _, plural_suffix = suffixes.rpartition(",") if "," in suffixes else ("", "", suffixes)
    try:
        many = float(n) > 1
    except (TypeError, ValueError):
        many = len(n) > 1
    return plural_suffix if many else singular


def noun(n: float, singular: str, plural: str) -> str:
    """(0 or 1, 'colonne', 'colonnes') -> 'colonne'; (2, …) -> 'colonnes'.

    The source strings are French, whose rule puts 0 and 1 in the singular; gettext without
    a catalog would apply English's (0 plural), hence the count given to ngettext."""
    return ngettext(singular, plural, 2 if n > 1 else 1)


def count(n: float, singular: str, plural: str) -> str:
    """(0 or 1, 'structure', 'structures') -> '1 structure'; (1312, …) -> '1 312 structures'."""
    return f"{number(n)} {noun(n, singular, plural)}"


def person_name(user: Any) -> str:
    """How pages and mails name an account: its full name, or its login when it has none."""
    return user.get_full_name() or user.get_username()


@register.filter
def long_date(value: datetime.date | None) -> str:
    """A day as a letter or a convocation writes it: 'mardi 16 juin 2026', 'lundi 1er juin
    2026'. None -> ''."""
    if value is None or value == "":
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{date_format(value, 'l')} {day} {date_format(value, 'F Y')}"


@register.filter
def clock(value: datetime.time | None) -> str:
    """A time of day: '14 h 30', '9 h', '14 h 05' (non-breaking spaces). None -> ''."""
    if value is None or value == "":
        return ""
    minutes = f"{NBSP}{value.minute:02d}" if value.minute else ""
    return f"{value.hour}{NBSP}h{minutes}"


def listing(items: Iterable[Any]) -> str:
    """['a', 'b', 'c'] -> 'a, b et c'."""
    return str(get_text_list([str(item) for item in items], "et"))
