"""Hostile values in every path converter and every query parameter of every page, for each
role: the answer is a page, a 4xx or a redirect, never a server error."""

import re

import pytest
from django.urls import reverse

from tests.conftest import COTENTIN
from tests.test_permissions import EXPECTED, POST_ONLY, objects, url_for  # noqa: F401

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "a\x00b",
    "x" * 10_000,
    "-a" * 24 + "-",
    "99999999999999999999",
    "-1",
    "zz",
    "' OR 1=1 --",
    "%",
    "2024.5",
    "ééé",
]
# Every query parameter a page reads (filters, pagination, exports, selectors).
PARAMETERS = [
    "q",
    "page",
    "format",
    "axis",
    "objective",
    "status",
    "pilot_direction",
    "year",
    "late",
    "commune",
    "family",
    "legal_form",
    "sector",
    "committee",
    "sort",
    "plan",
    "annee",
    "mesure",
    "action",
]
PAGES = sorted(
    name
    for name, (_, expected) in EXPECTED.items()
    if expected is not POST_ONLY and not name.startswith("admin:") and name not in {"logout"}
)
ROLES = ["viewer", "editor", "admin_user"]
# The pages that read query parameters, each tried parameter by parameter.
READERS = [
    "reports:home",
    "actions:action_list",
    "actions:event_list",
    "actions:event_create",
    "actions:action_partners",
    "structures:structure_list",
    "structures:structure_map",
    "indicators:indicator_list",
    "reports:report_list",
]


def no_server_error(client, url, **params):
    client.raise_request_exception = False
    response = client.get(url, params)
    assert response.status_code < 500, (url, params, response.status_code)
    return response


@pytest.mark.parametrize("persona", ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_hostile_query_parameters_never_get_a_server_error(client_for, objects, persona, name):  # noqa: F811
    client = client_for(persona)
    url = url_for(name, objects)
    for value in HOSTILE:
        no_server_error(client, url, **dict.fromkeys(PARAMETERS, value))


@pytest.mark.parametrize("name", READERS)
def test_each_hostile_parameter_alone_never_gets_a_server_error(client_for, objects, name):  # noqa: F811
    client = client_for("editor")
    url = url_for(name, objects)
    for parameter in PARAMETERS:
        for value in HOSTILE:
            no_server_error(client, url, **{parameter: value})


def hostile_paths(url):
    """URL with each of its segments after the first replaced by hostile values."""
    segments = url.strip("/").split("/")
    for index in range(1, len(segments)):
        for value in ["%00", "x" * 5000, "99999999999999999999", "-a" * 24, "%C3%A9", ".."]:
            yield "/" + "/".join([*segments[:index], value, *segments[index + 1 :]]) + "/"


@pytest.mark.parametrize("persona", ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_hostile_path_values_never_get_a_server_error(client_for, objects, persona, name):  # noqa: F811
    client = client_for(persona)
    for path in hostile_paths(url_for(name, objects)):
        no_server_error(client, path)


def test_a_forged_partner_identifier_is_a_404_not_a_500(client_for, action):
    client = client_for("editor")
    client.raise_request_exception = False
    for value in ["abc", "99999999999999999999", "-1", "\x00", "²", "1²"]:
        response = client.post(action.url("actions:action_partners"), {"structure": value})
        assert response.status_code in (400, 404), value


@pytest.mark.parametrize("digit", ["²", "1²", "¹"])  # digits to str.isdigit, not to int()
def test_a_superscript_digit_in_a_posted_id_is_refused_not_a_500(client_for, action, digit):
    client = client_for("editor")
    client.raise_request_exception = False
    assert client.post(action.url("actions:action_pilots"), {"user": digit}).status_code == 404
    bulk = reverse("actions:bulk_entry", kwargs={"slug": COTENTIN, "year": 2025})
    response = client.post(
        bulk,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-action": digit,
            "form-0-version": "1",
            "form-0-status": "en_cours",
            "form-0-progress": "10",
        },
    )
    assert response.status_code < 500


def test_a_nul_byte_gets_the_french_400_page(client_for):
    client = client_for("viewer")
    client.raise_request_exception = False
    response = client.get("/structures/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert re.search(r"<h1[^>]*>Requête invalide</h1>", response.content.decode())
