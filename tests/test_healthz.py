import pytest
from django.urls import reverse

from tests.helpers import run_python


@pytest.mark.django_db
def test_healthz_answers_without_login_and_without_session(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "sessionid" not in response.cookies


def test_healthz_reports_an_unreachable_database():
    # A real server that refuses connections: nothing listens on port 1.
    result = run_python(
        "import django; django.setup(); from django.test import Client;"
        "print(Client().get('/healthz', secure=True).status_code)",
        DATABASE_URL="postgresql://postgres@127.0.0.1:1/essplan",
        ALLOWED_HOSTS="testserver",
    )
    assert result.stdout.strip() == "503", result.stderr
