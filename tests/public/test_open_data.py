"""Open data: CSV files and the read-only JSON API of the public site, checked against its
own OpenAPI document by schemathesis."""

import csv
import io

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from actions.models import Plan
from indicators.models import Indicator, Measurement
from structures.models import Structure
from tests.conftest import COTENTIN
from tests.public.test_public import published  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
API = "/public/api/v1"


def rows(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))


def test_the_directory_csv_holds_the_consenting_structures_only(client, published):  # noqa: F811
    structure = published["structure"]
    [row] = rows(client.get(reverse("public:structures_csv")))
    assert (row["id"], row["name"], row["commune_insee"], row["public_contact"]) == (
        str(structure.pk),
        structure.name,
        structure.commune.insee_code,
        "bonjour@recyclerie.example",
    )
    assert row["demonstration"] == "oui" and "email" not in row and "phone" not in row


def test_each_open_data_file_is_named_with_the_day_it_was_extracted(client, published):  # noqa: F811
    before = timezone.localdate()
    names = [
        client.get(reverse(name, kwargs=kwargs))["Content-Disposition"]
        for name, kwargs in (
            ("public:structures_csv", {}),
            ("public:actions_csv", {"slug": COTENTIN}),
            ("public:measurements_csv", {"slug": COTENTIN}),
        )
    ]
    days = {f"{day:%Y-%m-%d}" for day in (before, timezone.localdate())}
    assert any(
        names
        == [
            f'attachment; filename="{base}-{day}.csv"'
            for base in ("annuaire-ess-cotentin", f"actions-{COTENTIN}", f"indicateurs-{COTENTIN}")
        ]
        for day in days
    ), names


def test_the_actions_csv_gives_statuses_from_validated_points(client, published):  # noqa: F811
    found = {
        row["code"]: row
        for row in rows(client.get(reverse("public:actions_csv", kwargs={"slug": COTENTIN})))
    }
    assert len(found) == 45
    assert (
        found["1.4.7"]["status"],
        found["1.4.7"]["progress"],
        found["1.4.7"]["status_year"],
    ) == ("en_cours", "40", "2024")
    assert (found["1.1.1"]["status"], found["1.1.1"]["status_year"]) == ("sans_point", "")


def test_indicator_values_carry_no_comment_nor_author(client, published, editor):  # noqa: F811
    indicator = Indicator.objects.filter(plan=published["plan"]).order_by("code").first()
    Measurement.objects.create(
        indicator=indicator,
        year=2024,
        value="12.50",
        source="Enquête",
        comment="Chiffre provisoire, à ne pas diffuser",
        author=editor,
    )
    [row] = rows(client.get(reverse("public:measurements_csv", kwargs={"slug": COTENTIN})))
    assert (row["indicator"], row["year"], row["value"], row["source"]) == (
        indicator.code,
        "2024",
        "12,5",
        "Enquête",
    )
    answer = client.get(f"{API}/plans/{COTENTIN}/indicateurs").json()
    assert answer["count"] == 1 and answer["items"][0]["value"] == "12.50"
    assert "provisoire" not in str(answer) and editor.email not in str(answer)


def test_the_api_lists_pages_and_filters_public_structures(
    client,
    published,  # noqa: F811
    django_assert_max_num_queries,
):
    others = Structure.objects.exclude(
        pk__in=[published["structure"].pk, published["other"].pk]
    ).order_by("pk")[:3]
    for other in others:
        Structure.objects.filter(pk=other.pk).update(
            public_since=published["structure"].public_since
        )
    with django_assert_max_num_queries(3):
        answer = client.get(f"{API}/structures").json()
    assert answer["count"] == 4 and len(answer["items"]) == 4
    commune = published["structure"].commune.insee_code
    by_commune = client.get(f"{API}/structures", {"commune": commune}).json()
    assert all(item["commune_insee"] == commune for item in by_commune["items"])
    assert (
        by_commune["count"]
        == Structure.objects.public().filter(commune__insee_code=commune).count()
    )
    found = client.get(f"{API}/structures", {"q": published["structure"].name}).json()
    assert [item["id"] for item in found["items"]] == [published["structure"].pk]
    assert client.get(f"{API}/structures/{published['other'].pk}").status_code == 404
    response = client.get(f"{API}/structures/{published['structure'].pk}")
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=60" and not response.cookies


def test_only_published_plans_are_in_the_api(
    client,
    published,  # noqa: F811
    django_assert_max_num_queries,
):
    # The data version (publicsite.cache), then the view's queries.
    with django_assert_max_num_queries(2):
        assert [plan["slug"] for plan in client.get(f"{API}/plans").json()] == [COTENTIN]
    with django_assert_max_num_queries(4):  # the plan, the count, the page
        actions = client.get(f"{API}/plans/{COTENTIN}/actions", {"axis": 1}).json()
    assert actions["count"] == sum(1 for item in actions["items"] if item["axis"] == 1) > 0
    Plan.objects.filter(slug=COTENTIN).update(is_public=False)
    assert client.get(f"{API}/plans/{COTENTIN}/actions").status_code == 404
    assert client.get(f"{API}/plans").json() == []


def test_the_documentation_page_describes_every_column(client, published):  # noqa: F811
    page = client.get(reverse("public:open_data")).content.decode()
    for column in ("public_contact", "commune_insee", "status_year", "demonstration"):
        assert f'<td class="font-monospace">{column}</td>' in page
    assert "Licence Ouverte 2.0 (Etalab)" in page
    assert reverse("public:actions_csv", kwargs={"slug": COTENTIN}) in page


@pytest.fixture
def api_schema(published):  # noqa: F811
    """The API's document, read from the application built with the tests' settings (plain
    HTTP), with the published plan and a consenting structure in the database. As Django's
    test client does, requests leave the test's connection open."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", WSGIHandler())
        yield schema
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_the_api_answers_as_its_openapi_document_says(api_schema):
    """Every operation, with inputs schemathesis draws from the document (valid and not):
    no server error, and every answer (status, headers, body) as documented."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {operation.path for operation in operations} == {
        "/public/api/v1/structures",
        "/public/api/v1/structures/{structure_id}",
        "/public/api/v1/plans",
        "/public/api/v1/plans/{slug}/actions",
        "/public/api/v1/plans/{slug}/indicateurs",
    }
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case):
            case.call_and_validate()

        answers_as_documented()


def test_the_document_declares_the_refusals_the_api_answers(client):
    """Each operation documents its 400 (a NUL byte, refused in JSON before any view) and,
    when it takes parameters, its 422 (django-ninja's validation)."""
    document = client.get(f"{API}/openapi.json").json()
    for path, methods in document["paths"].items():
        answers = methods["get"]["responses"]
        assert "400" in answers, path
        assert ("422" in answers) == bool(methods["get"].get("parameters")), path
    refused = client.get(f"{API}/structures", {"q": "a\x00b"})
    assert refused.status_code == 400 and refused.json() == {
        "detail": "Requête invalide : caractère NUL."
    }
    assert client.get(f"{API}/structures", {"page": "zéro"}).status_code == 422
