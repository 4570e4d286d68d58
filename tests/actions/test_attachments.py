"""Supporting documents of a point: checked from their content, served to readers only."""

import datetime
import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import Attachment, Campaign, ProgressUpdate, Review
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

FILES = Path(__file__).resolve().parent.parent / "files"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@pytest.fixture
def point(action, plan):
    Campaign.objects.create(plan=plan, year=2025, opens_on=datetime.date(2025, 11, 1),
                            due_on=datetime.date(2025, 12, 15))
    return ProgressUpdate.objects.create(action=action, year=2025, status="en_cours",
                                         progress=40, review=Review.DRAFT)


def add_url(year=2025):
    return reverse("actions:attachment_add", kwargs={"slug": COTENTIN, "code": "1.4.7",
                                                     "year": year})


def messages_of(response):
    return [html.unescape(str(message)) for message in response.context["messages"]]


@pytest.mark.parametrize(("name", "content", "served_as"), [
    ("bilan.pdf", PDF, "application/pdf"),
    ("photo du café.png", PNG, "image/png"),
    ("tableau.xlsx", (FILES / "flags-libreoffice.xlsx").read_bytes(),
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("tableau.ods", (FILES / "flags-libreoffice.ods").read_bytes(),
     "application/vnd.oasis.opendocument.spreadsheet"),
])
def test_a_pilot_joins_a_document_that_readers_download(client_for, point, pilot, name, content,
                                                        served_as):
    response = client_for("pilot").post(add_url(), {"file": SimpleUploadedFile(name, content)},
                                        follow=True)
    assert f"Le justificatif « {name} » est joint au point 2025." in messages_of(response)
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.size, attachment.uploaded_by) == (name, len(content), pilot)
    # Stored under a random name, outside any public URL.
    assert name not in attachment.file.name
    url = reverse("actions:attachment_download", kwargs={
        "slug": COTENTIN, "code": "1.4.7", "year": 2025, "pk": attachment.pk})
    download = client_for("viewer").get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == served_as
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(("name", "content", "error"), [
    ("rapport.pdf", b"<html><script>alert(1)</script></html>", "d'après son contenu"),
    ("outil.xlsx", b"MZ\x90\x00\x03" + b"\x00" * 200, "d'après son contenu"),
    ("enorme.pdf", PDF + b"0" * (10 * 1024 * 1024), "Ce fichier dépasse 10 Mo"),
])
def test_a_file_judged_by_its_content_not_its_name(client_for, point, pilot, name, content,
                                                   error):
    response = client_for("pilot").post(add_url(), {"file": SimpleUploadedFile(name, content)},
                                        follow=True)
    assert any(error in message for message in messages_of(response))
    assert not Attachment.objects.exists()


def test_only_readers_download_and_only_the_points_writers_upload(client_for, client, point,
                                                                  other_pilot, settings):
    attachment = Attachment(point=point, name="bilan.pdf", size=len(PDF),
                            content_type="application/pdf")
    attachment.file.save("bilan.pdf", SimpleUploadedFile("bilan.pdf", PDF), save=False)
    attachment.save()
    url = reverse("actions:attachment_download", kwargs={
        "slug": COTENTIN, "code": "1.4.7", "year": 2025, "pk": attachment.pk})
    assert client.get(url).status_code == 302  # to the login page
    assert client_for("outsider").get(url).status_code == 403
    # No public URL serves the stored file.
    assert client.get(f"/{settings.MEDIA_URL}{attachment.file.name}").status_code in (302, 404)
    response = client_for("other_pilot").post(add_url(), {
        "file": SimpleUploadedFile("x.pdf", PDF)})
    assert response.status_code == 403
    assert Attachment.objects.count() == 1


def test_a_submitted_point_takes_no_more_documents_from_its_pilot(client_for, point, pilot):
    point.review = Review.SUBMITTED
    point.save()
    response = client_for("pilot").post(add_url(), {"file": SimpleUploadedFile("x.pdf", PDF)})
    assert response.status_code == 403
    assert "Ce point est soumis" in html.unescape(response.content.decode())
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("name", "shown"), [
    ("rapport.html", "rapport.pdf"),          # a PDF whatever its name says
    ("bilan", "bilan.pdf"),
    ("a" * 296 + ".pdf", "a" * 196 + ".pdf"),  # shortened before its extension
    ("..\\..\\C:\\compte\u202e\x07 rendu.exe", "compte rendu.pdf"),
])
def test_a_document_is_stored_and_downloaded_under_the_extension_of_its_content(
        client_for, point, pilot, name, shown):
    client_for("pilot").post(add_url(), {"file": SimpleUploadedFile(name, PDF)})
    attachment = Attachment.objects.get()
    assert attachment.name == shown
    assert attachment.file.name.endswith(".pdf") and shown not in attachment.file.name
    download = client_for("viewer").get(reverse("actions:attachment_download", kwargs={
        "slug": COTENTIN, "code": "1.4.7", "year": 2025, "pk": attachment.pk}))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].endswith('.pdf"') or \
        download["Content-Disposition"].endswith(".pdf")
