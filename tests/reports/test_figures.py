"""One form per figure in the reports: amounts to the cent, counts grouped by thousands."""

import datetime
import re

import pytest
from django.utils.html import strip_tags

from actions.models import Event
from reports.pdf import render_pdf
from reports.services import evaluation_html, report_html

from .conftest import pdf_text

pytestmark = pytest.mark.django_db
GENERATED = datetime.datetime(2026, 11, 30, 10, 15, tzinfo=datetime.UTC)


def amounts_without_cents(text):
    """The amounts in euros of TEXT not written to the cent: « 1 000 € », not « 999,99 € »."""
    return [
        amount
        for amount in re.findall(r"\d[\d ]*(?:,\d+)? €", text)
        if not re.search(r",\d\d €$", amount)
    ]


def test_the_annual_report_prints_every_amount_to_the_cent(small_plan):
    # Spent in 2024: 999,99 €, which the summary's tile printed « 1 000 € » beside the
    # sentence's « 999,99 € »; the envelope, 5 000 € stated exactly, is « 5 000,00 € ».
    text = pdf_text(render_pdf(report_html(small_plan, 2024, generated_at=GENERATED)).data)
    assert "999,99 € dépensés en 2024" in text and "5 000,00 €" in text
    assert amounts_without_cents(text) == []


def test_the_bilan_prints_every_amount_to_the_cent(small_plan):
    text = pdf_text(render_pdf(evaluation_html(small_plan, generated_at=GENERATED)).data)
    assert "999,99 € dépensés sur la période" in text
    assert amounts_without_cents(text) == []


def test_an_estimated_envelope_keeps_the_deliberations_words(small_plan):
    small_plan.envelope_is_estimate = True
    assert small_plan.envelope_text == "environ 5\u00a0000\u00a0€"
    small_plan.envelope_is_estimate = False
    assert small_plan.envelope_text == "5\u00a0000,00\u00a0€"


def test_counts_in_the_reports_are_grouped_by_thousands(small_plan):
    """A forum of 1 312 participants in 2024, beside the two cafés (20 + 15): 1 347 in all."""
    Event.objects.create(
        plan=small_plan,
        date=datetime.date(2024, 11, 20),
        kind=Event.Kind.FORUM,
        title="Forum de l'ESS",
        participants=1312,
    )
    for html in [
        report_html(small_plan, 2024, generated_at=GENERATED),
        evaluation_html(small_plan, generated_at=GENERATED),
    ]:
        text = strip_tags(html).replace("\u00a0", " ")
        assert "1 312" in text and "1 347" in text
        assert not re.search(r"\b(1312|1347)\b", text)
