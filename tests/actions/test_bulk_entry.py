"""The ESS team's bulk entry: many points at once, each row under its own version check."""

import html
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from actions.models import ProgressUpdate, Review
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

URL = reverse("actions:bulk_entry", kwargs={"slug": COTENTIN, "year": 2025})


def rows_of(response):
    """{code: row} of the page's rows."""
    return {row.action.code: row for row in response.context["rows"]}


class Fields(HTMLParser):
    """The fields of a page's form, as a browser sends them: {name: value}."""

    def __init__(self, page):
        super().__init__()
        self.fields, self.select = {}, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in {"hidden", "number"}:
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and ("selected" in attrs or self.select not in self.fields):
            self.fields[self.select] = attrs["value"]  # the selected option, else the first

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None


def post_data(response, changes):
    """The page's form as the browser sends it, with CHANGES {code: (status, progress)}."""
    data = Fields(response.content.decode()).fields
    data.pop("csrfmiddlewaretoken")
    for code, row in rows_of(response).items():
        if code in changes:
            data[f"{row.prefix}-status"], data[f"{row.prefix}-progress"] = changes[code]
    return data


def test_many_rows_saved_at_once_and_untouched_rows_left_alone(
    client_for, plan, editor, django_assert_max_num_queries
):
    client = client_for("editor")
    # session, user, permissions (2), data versions, plan, count and page of the actions
    # with their points
    with django_assert_max_num_queries(8):
        page = client.get(URL)
    assert len(page.context["rows"]) == 45
    response = client.post(
        URL,
        post_data(page, {"1.1.1": ("en_cours", "20"), "2.1.1": ("realisee", "100")}),
        follow=True,
    )
    assert "2 points enregistrés." in html.unescape(response.content.decode())
    points = ProgressUpdate.objects.filter(action__plan=plan, year=2025)
    assert sorted(points.values_list("action__code", "status", "progress", "review")) == [
        ("1.1.1", "en_cours", 20, Review.VALIDATED),
        ("2.1.1", "realisee", 100, Review.VALIDATED),
    ]


def test_a_bad_row_is_refused_alone_with_its_french_error(client_for, plan):
    ProgressUpdate.objects.create(
        action=plan.actions.get(code="1.1.2"), year=2025, status="en_cours", progress=10
    )
    client = client_for("editor")
    page = client.get(URL)
    response = client.post(
        URL, post_data(page, {"1.1.1": ("realisee", "80"), "1.1.2": ("en_cours", "30")})
    )
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "Une action réalisée est avancée à 100 %" in text
    assert "1 point enregistré." in text
    assert list(
        ProgressUpdate.objects.filter(action__plan=plan, year=2025).values_list(
            "action__code", flat=True
        )
    ) == ["1.1.2"]
    # The refused row keeps what the user typed.
    assert rows_of(response)["1.1.1"].values["progress"] == "80"
    # Corrected and sent again (1.1.2 changed once more), the page saves both: 1.1.2, saved
    # the first time, is not taken for someone else's change.
    again = client.post(
        URL,
        post_data(response, {"1.1.1": ("realisee", "100"), "1.1.2": ("en_cours", "35")}),
        follow=True,
    )
    assert "2 points enregistrés." in html.unescape(again.content.decode())
    assert sorted(
        ProgressUpdate.objects.filter(action__plan=plan, year=2025).values_list(
            "action__code", "progress"
        )
    ) == [("1.1.1", 100), ("1.1.2", 35)]


def test_a_row_changed_meanwhile_is_shown_in_conflict_and_the_others_saved(client_for, plan):
    client = client_for("editor")
    page = client.get(URL)
    # A pilot (or the admin, or an import) records 1.4.7's point after the page was opened.
    ProgressUpdate.objects.create(
        action=plan.actions.get(code="1.4.7"), year=2025, status="en_cours", progress=60
    )
    response = client.post(
        URL, post_data(page, {"1.4.7": ("en_cours", "30"), "3.5.1": ("en_cours", "50")})
    )
    assert response.status_code == 409
    text = re.sub(r"\s+", " ", html.unescape(response.content.decode()))
    assert (
        "Modifié par quelqu'un d'autre entre-temps : enregistré « En cours, 60 % ». Votre "
        "saisie est gardée ci-contre"
    ) in text
    stored = ProgressUpdate.objects.get(action__code="1.4.7", action__plan=plan, year=2025)
    assert stored.progress == 60  # not overwritten
    assert ProgressUpdate.objects.get(action__code="3.5.1", action__plan=plan).progress == 50
    assert rows_of(response)["1.4.7"].values["progress"] == "30"  # the input is kept
    # Saving again, knowingly, applies it.
    again = client.post(URL, post_data(response, {}), follow=True)
    assert again.status_code == 200
    stored.refresh_from_db()
    assert stored.progress == 30


def test_what_was_typed_is_shown_back_escaped(client_for, plan):
    client = client_for("editor")
    page = client.get(URL)
    response = client.post(URL, post_data(page, {"1.1.1": ('en_cours"><b>', '"><b>20')}))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="&quot;&gt;&lt;b&gt;20"' in content
    assert "<b>" not in content
    assert not ProgressUpdate.objects.filter(action__plan=plan, year=2025).exists()
