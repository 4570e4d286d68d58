"""The Rapports page: generate in one click, archive unchanged, publish one version, download."""

import hashlib
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from actions.models import Plan, ProgressUpdate, Status
from jobs.models import Job
from reports.models import AnnualReport
from tests.conftest import COTENTIN

from .conftest import pdf_text

pytestmark = pytest.mark.django_db
LIST = reverse("reports:report_list")
GENERATE = reverse("reports:report_generate")


def generate(client, plan, year=2024):
    return client.post(GENERATE, {"plan": plan.pk, "year": year})


def download(client, report):
    response = client.get(reverse("reports:report_download", kwargs={"pk": report.pk}))
    return response, b"".join(response.streaming_content) if response.status_code == 200 else b""


def publish(client, report, published=True):
    return client.post(
        reverse("reports:report_publish", kwargs={"pk": report.pk}),
        {"published": "1" if published else "0"},
    )


def test_an_administrator_generates_the_report_in_one_click(client_for, admin_user, small_plan):
    client = client_for("admin_user")
    response = generate(client, small_plan)
    job = Job.objects.get()  # run in the request here (tests/jobs/ runs jobs in workers)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    report = AnnualReport.objects.get()
    assert (report.plan, report.year, report.generated_by, report.published) == (
        small_plan,
        2024,
        admin_user,
        False,
    )
    stored = report.file.read()
    assert stored.startswith(b"%PDF-") and report.size == len(stored)
    assert report.sha256 == hashlib.sha256(stored).hexdigest()
    assert report.page_count == len(PdfReader(BytesIO(stored)).pages)
    assert "par alice" in pdf_text(stored)
    page = client.get(response.url).content.decode()
    assert "Rapport annuel 2024 du « Plan de test ESS » : généré" in page
    assert f'href="{LIST}"' in page and "Terminé" in page
    page = client.get(LIST).content.decode()
    assert "Non publié" in page and "alice" in page


def test_the_archived_pdf_stays_as_presented_when_the_data_moves_on(client_for, small_plan):
    client = client_for("admin_user")
    generate(client, small_plan)
    report = AnnualReport.objects.get()
    _, before = download(client, report)
    action = small_plan.actions.get(code="2.1.1")
    ProgressUpdate.objects.create(
        action=action,
        year=2024,
        status=Status.DONE,
        progress=100,
        achievements="Guide publié en décembre.",
    )
    response, after = download(client, report)
    assert after == before and hashlib.sha256(after).hexdigest() == report.sha256
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="rapport-annuel-plan-test-2024.pdf"' in response["Content-Disposition"]
    generate(client, small_plan)
    newer = AnnualReport.objects.exclude(pk=report.pk).get()
    assert "Guide publié en décembre." in pdf_text(newer.file.read())
    assert "Guide publié en décembre." not in pdf_text(before)


def test_viewers_download_the_published_version_only(client_for, small_plan):
    admin = client_for("admin_user")
    generate(admin, small_plan)
    generate(admin, small_plan)
    first, second = AnnualReport.objects.order_by("generated_at")
    viewer = client_for("viewer")
    assert download(viewer, first)[0].status_code == 404
    assert "Aucun rapport n'est encore publié." in viewer.get(LIST).content.decode()

    admin = client_for("admin_user")
    assert publish(admin, first).status_code == 302
    viewer = client_for("viewer")
    assert download(viewer, first)[0].status_code == 200
    assert download(viewer, second)[0].status_code == 404

    admin = client_for("admin_user")
    publish(admin, second)  # publishing another version withdraws the first
    assert list(AnnualReport.objects.filter(published=True)) == [second]
    viewer = client_for("viewer")
    assert download(viewer, first)[0].status_code == 404
    assert download(viewer, second)[0].status_code == 200
    page = viewer.get(LIST).content.decode()
    assert page.count("Télécharger") == 1 and "Publier cette version" not in page

    publish(client_for("admin_user"), second, published=False)
    assert not AnnualReport.objects.filter(published=True).exists()


@pytest.mark.parametrize("persona", ["viewer", "editor"])
def test_only_administrators_generate_and_publish(client_for, small_plan, persona):
    admin = client_for("admin_user")
    generate(admin, small_plan)
    report = AnnualReport.objects.get()
    client = client_for(persona)
    assert generate(client, small_plan).status_code == 403
    assert publish(client, report).status_code == 403
    assert AnnualReport.objects.count() == 1 and not AnnualReport.objects.get().published
    assert "Générer le PDF" not in client.get(LIST).content.decode()


def test_a_year_outside_the_plan_is_refused_in_french(client_for, small_plan):
    response = generate(client_for("admin_user"), small_plan, year=2025)
    assert response.status_code == 400
    assert (
        "Le plan « Plan de test ESS » couvre les années 2023 à 2024." in response.content.decode()
    )
    assert not AnnualReport.objects.exists()


def test_the_list_runs_a_fixed_number_of_queries(
    client_for, small_plan, django_assert_max_num_queries
):
    client = client_for("admin_user")
    for _ in range(3):
        generate(client, small_plan)
    with django_assert_max_num_queries(9):
        assert client.get(LIST).status_code == 200
    for _ in range(3):
        generate(client, small_plan)
    with django_assert_max_num_queries(9):
        assert client.get(LIST).content.decode().count("Télécharger") == 6


def test_the_management_command_writes_the_same_report(tmp_path, small_plan):
    output = tmp_path / "rapport.pdf"
    call_command("annual_report", plan="plan-test", year=2024, output=output)
    text = pdf_text(output.read_bytes())
    assert (
        "Plan de test ESS" in text
        and "3 événements en 2024, avec 35 participants (1 événement sans effectif connu)." in text
    )
    with pytest.raises(CommandError, match="Plan inconnu : « inconnu »"):
        call_command("annual_report", plan="inconnu", year=2024, output=output)
    with pytest.raises(CommandError, match="couvre les années 2023 à 2025, pas 2022"):
        call_command("annual_report", plan=COTENTIN, year=2022, output=output)
    assert Plan.objects.filter(slug=COTENTIN).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_waits_for_whoever_holds_a_version_of_the_same_year():
    """Two publications at once must not both see « nothing published yet »: publishing
    locks every version of the plan and year first. Deterministic: this test holds one
    version's lock, and a publication of the other, on its own connection, must wait for it
    (and gives up after 300 ms here)."""
    from django.core.files.base import ContentFile
    from django.db import OperationalError, connection, transaction

    from reports.services import set_published
    from tests.helpers import at_once

    plan = Plan.objects.get(slug=COTENTIN)
    versions = []
    for index in range(2):
        report = AnnualReport(plan=plan, year=2024, size=9, page_count=1, sha256=f"{index}" * 64)
        report.file.save(f"v{index}.pdf", ContentFile(b"%PDF-1.7\n"))
        versions.append(report)

    def publish_second():
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        try:
            set_published(versions[1], True)
        except OperationalError:
            return "waited"
        return "published without waiting"

    with transaction.atomic():
        list(AnnualReport.objects.select_for_update().filter(pk=versions[0].pk))
        assert at_once(publish_second) == ["waited"]
    assert not AnnualReport.objects.filter(published=True).exists()
