"""The header's search box: actions, indicators and structures, each as its reader may see."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from structures.models import Commune, Structure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("reports:search")


def results(response):
    """{section title: [labels]} of a results page."""
    html = response.content.decode()
    sections = re.findall(
        r'<h2 class="h4" id="resultats-\d+">([^(]+) \(.*?</h2>\s*<ul[^>]*>(.*?)</ul>',
        html,
        flags=re.S,
    )
    return {
        unescape(title.strip()): [
            unescape(label) for label in re.findall(r'<a href="[^"]+">([^<]+)</a>', body)
        ]
        for title, body in sections
    }


def test_a_word_finds_actions_indicators_and_structures_accents_aside(client_for):
    found = results(client_for("viewer").get(SEARCH, {"q": "cafe"}))
    assert found["Actions"] == [
        "1.1.1 · Organiser des « cafés projets ESS »",
        "1.4.7 · Organiser et soutenir des événements favorisant l'interconnaissance "
        "(Café des ASSOS, …)",
    ]
    assert found["Indicateurs"] == ["K3 · Cafés projets ESS organisés"]
    assert found["Structures de l'annuaire"] == [
        "Café associatif de la Saire",
        "Café associatif des Marais",
        "Café associatif du Bocage",
    ]


def test_codes_find_their_action_and_indicator(client_for):
    client = client_for("viewer")
    assert results(client.get(SEARCH, {"q": "1.4.7"}))["Actions"][0].startswith("1.4.7 · ")
    assert results(client.get(SEARCH, {"q": "c1"}))["Indicateurs"] == [
        "C1 · Établissements de l'ESS sur le territoire"
    ]


def test_nothing_found_says_so_and_the_box_keeps_the_text(client_for):
    html = client_for("viewer").get(SEARCH, {"q": "zzzyx"}).content.decode()
    assert "Aucun résultat pour « zzzyx »" in html
    assert 'id="recherche" name="q" maxlength="200" placeholder="Rechercher…" value="zzzyx"' in html


def test_more_structures_than_shown_lead_to_the_directory(client_for):
    commune = Commune.objects.first()
    Structure.objects.bulk_create(
        Structure(name=f"Recyclerie n° {n}", commune=commune) for n in range(12)
    )
    html = client_for("viewer").get(SEARCH, {"q": "recyclerie"}).content.decode()
    assert "Structures de l&#x27;annuaire (plus de 10)" in html
    assert 'href="/structures/?q=recyclerie"' in html


def test_structures_are_searched_only_for_who_may_see_the_directory(client):
    user = UserFactory(username="lecteur-plans")
    user.user_permissions.add(Permission.objects.get(codename="view_plan"))
    client.force_login(user)
    found = results(client.get(SEARCH, {"q": "cafe"}))
    assert "Actions" in found and "Structures de l'annuaire" not in found


def test_the_header_has_the_search_box_for_every_role(client_for):
    for persona in ("viewer", "editor", "pilot", "admin_user"):
        html = client_for(persona).get(reverse("actions:plan_list")).content.decode()
        assert f'action="{SEARCH}"' in html, persona


def test_search_query_budget(client_for, django_assert_max_num_queries):
    client = client_for("viewer")
    # session, user, data version, 2 permissions, actions, indicators, structures
    with django_assert_max_num_queries(8):
        assert client.get(SEARCH, {"q": "cafe"}).status_code == 200
