"""The ESS team's bulk entry: many points at once, each row under its own version check."""

import html
import re

import pytest
from django.urls import reverse

from actions.models import ProgressUpdate, Review
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

URL = reverse("actions:bulk_entry", kwargs={"slug": COTENTIN, "year": 2025})


def rows_of(response):
    """{code: (prefix, form)} of the page's rows."""
    return {action.code: form for action, form, _ in response.context["rows"]}


def post_data(response, changes):
    """The page's form as the browser would send it, with CHANGES {code: (status, progress)}."""
    rows = rows_of(response)
    data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows)}
    for code, form in rows.items():
        for name in ["action", "version", "shown_status", "shown_progress", "status", "progress"]:
            value = form[name].value()
            data[form[name].html_name] = "" if value is None else value
        if code in changes:
            data[form["status"].html_name], data[form["progress"].html_name] = changes[code]
    return data


def test_many_rows_saved_at_once_and_untouched_rows_left_alone(client_for, plan, editor,
                                                               django_assert_max_num_queries):
    client = client_for("editor")
    # session, user, permissions (2), data versions, plan, actions count, actions, points
    with django_assert_max_num_queries(10):
        page = client.get(URL)
    assert len(page.context["rows"]) == 45
    response = client.post(URL, post_data(page, {"1.1.1": ("en_cours", "20"),
                                                 "2.1.1": ("realisee", "100")}), follow=True)
    assert "2 points enregistrés." in html.unescape(response.content.decode())
    points = ProgressUpdate.objects.filter(action__plan=plan, year=2025)
    assert sorted(points.values_list("action__code", "status", "progress", "review")) == [
        ("1.1.1", "en_cours", 20, Review.VALIDATED), ("2.1.1", "realisee", 100, Review.VALIDATED)]


def test_a_bad_row_is_refused_alone_with_its_french_error(client_for, plan):
    ProgressUpdate.objects.create(action=plan.actions.get(code="1.1.2"), year=2025,
                                  status="en_cours", progress=10)
    client = client_for("editor")
    page = client.get(URL)
    response = client.post(URL, post_data(page, {"1.1.1": ("realisee", "80"),
                                                 "1.1.2": ("en_cours", "30")}))
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "Une action réalisée est avancée à 100 %" in text
    assert "1 point enregistré." in text
    assert list(ProgressUpdate.objects.filter(action__plan=plan, year=2025)
                .values_list("action__code", flat=True)) == ["1.1.2"]
    # The refused row keeps what the user typed.
    assert rows_of(response)["1.1.1"]["progress"].value() == "80"
    # Corrected and sent again (1.1.2 changed once more), the page saves both: 1.1.2, saved
    # the first time, is not taken for someone else's change.
    again = client.post(URL, post_data(response, {"1.1.1": ("realisee", "100"),
                                                  "1.1.2": ("en_cours", "35")}), follow=True)
    assert "2 points enregistrés." in html.unescape(again.content.decode())
    assert sorted(ProgressUpdate.objects.filter(action__plan=plan, year=2025)
                  .values_list("action__code", "progress")) == [("1.1.1", 100), ("1.1.2", 35)]


def test_a_row_changed_meanwhile_is_shown_in_conflict_and_the_others_saved(client_for, plan):
    client = client_for("editor")
    page = client.get(URL)
    # A pilot (or the admin, or an import) records 1.4.7's point after the page was opened.
    ProgressUpdate.objects.create(action=plan.actions.get(code="1.4.7"), year=2025,
                                  status="en_cours", progress=60)
    response = client.post(URL, post_data(page, {"1.4.7": ("en_cours", "30"),
                                                 "3.5.1": ("en_cours", "50")}))
    assert response.status_code == 409
    text = re.sub(r"\s+", " ", html.unescape(response.content.decode()))
    assert ("Modifié par quelqu'un d'autre entre-temps : enregistré « En cours, 60 % ». Votre "
            "saisie est gardée ci-contre") in text
    stored = ProgressUpdate.objects.get(action__code="1.4.7", action__plan=plan, year=2025)
    assert stored.progress == 60  # not overwritten
    assert ProgressUpdate.objects.get(action__code="3.5.1", action__plan=plan).progress == 50
    form = rows_of(response)["1.4.7"]
    assert form["progress"].value() == "30"  # the user's input is kept
    # Saving again, knowingly, applies it.
    again = client.post(URL, post_data(response, {}), follow=True)
    assert again.status_code == 200
    stored.refresh_from_db()
    assert stored.progress == 30
