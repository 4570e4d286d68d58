"""Every URL pattern × every persona, built from the URL resolver.

A URL without a row in EXPECTED fails test_every_url_has_an_expected_row, so a
new page cannot ship without saying who may see it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import COTENTIN, PERSONAS

LOGIN = "/connexion/"
ALLOWED = {"viewer": 200, "editor": 200, "admin_user": 200}
ROLE_REQUIRED = {"anonymous": LOGIN, "outsider": 403, **ALLOWED}

# url name -> (kwargs, {persona: expected status, or the path a 302 leads to})
EXPECTED = {
    "home": ({}, {"anonymous": LOGIN, "outsider": 403, "viewer": 302, "editor": 302,
                  "admin_user": 302}),
    "plan_list": ({}, ROLE_REQUIRED),
    "plan_detail": ({"slug": COTENTIN}, ROLE_REQUIRED),
    "action_detail": ({"slug": COTENTIN, "code": "1.4.7"}, ROLE_REQUIRED),
    "healthz": ({}, dict.fromkeys(PERSONAS, 200)),
    "login": ({}, {"anonymous": 200, "outsider": 302, "viewer": 302, "editor": 302,
                   "admin_user": 302}),
    # Logging out is POST only: a GET is refused to everyone logged in.
    "logout": ({}, {**dict.fromkeys(PERSONAS, 405), "anonymous": LOGIN}),
    # The Django admin is for administrators (staff) only; its other URLs are
    # guarded by the admin site itself, which tests/test_admin.py exercises.
    "admin:index": ({}, {"anonymous": "/admin/login/", "outsider": "/admin/login/",
                         "viewer": "/admin/login/", "editor": "/admin/login/",
                         "admin_user": 200}),
}


def url_names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_has_an_expected_row():
    missing = {name for name in url_names() if not name.startswith("admin:")} - set(EXPECTED)
    assert not missing, f"URLs sans ligne dans la matrice des permissions : {sorted(missing)}"


def test_every_url_pattern_is_named():
    def unnamed(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace != "admin":
                    yield from unnamed(entry)
            elif not entry.name:
                yield str(entry.pattern)

    assert list(unnamed(get_resolver())) == []


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_permission_matrix(client_for, name, persona):
    kwargs, expected = EXPECTED[name]
    url = reverse(name, kwargs=kwargs)
    response = client_for(persona).get(url)
    wanted = expected[persona]
    if isinstance(wanted, str):
        assert response.status_code == 302
        assert response.url.split("?")[0] == wanted
    else:
        assert response.status_code == wanted


@pytest.mark.django_db
def test_no_role_account_sees_a_french_no_access_page(client_for):
    response = client_for("outsider").get(reverse("plan_list"))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Accès refusé" in content
    assert "Aucun rôle" in content
    assert "Plan d'actions ESS 2023-2025" not in content


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["viewer", "editor", "admin_user"])
def test_read_only_pages_refuse_post(client_for, persona):
    url = reverse("action_detail", kwargs={"slug": COTENTIN, "code": "1.4.7"})
    assert client_for(persona).post(url, {"title": "forgé"}).status_code == 405


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_with_next(client):
    url = reverse("action_detail", kwargs={"slug": COTENTIN, "code": "2.1.1"})
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={url}"


@pytest.mark.django_db
def test_logout_by_post_ends_the_session(client_for):
    client = client_for("viewer")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("plan_list")).status_code == 302
