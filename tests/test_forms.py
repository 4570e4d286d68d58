"""The shared widgets write the markup Django's own would."""

import re

import pytest
from django import forms

from essplan.forms import PlainSelect

CHOICES = [
    ("", "Tous les pilotes"),
    (4, "Zoé <Écuyer>"),
    (7, 'pia "P"'),
    ("7", "en double"),
    (None, "aucun"),
]


def markup(html):
    """HTML without the blank lines and indentation Django's option templates leave."""
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", 7, "4", "inconnu"])
def test_plain_select_writes_what_django_select_writes(value):
    attrs = {"id": "id_pilot", "class": "form-select", "required": True, "disabled": False}
    expected = forms.Select(attrs=attrs, choices=CHOICES).render("pilot", value)
    assert markup(PlainSelect(attrs=attrs, choices=CHOICES).render("pilot", value)) == markup(
        expected
    )


def test_plain_select_escapes_and_selects_the_first_match_only():
    html = PlainSelect(choices=CHOICES).render("pilot", 7)
    assert '<option value="4">Zoé &lt;Écuyer&gt;</option>' in html
    assert '<option value="7" selected>pia &quot;P&quot;</option>' in html
    assert '<option value="7">en double</option>' in html
