"""Supporting documents of a point: joined in the same submission as its text (all or
nothing), checked from their content, served to readers only."""

import datetime
import html
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from actions.attachments import attach, checked, removed_on_failure
from actions.models import Attachment, Campaign, ProgressUpdate, Review, ReviewComment
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

FILES = Path(__file__).resolve().parent.parent / "files"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@pytest.fixture
def campaign(plan):
    return Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
    )


@pytest.fixture
def point(action, campaign):
    return ProgressUpdate.objects.create(
        action=action,
        year=2025,
        status="en_cours",
        progress=40,
        achievements="Un Café des ASSOS.",
        review=Review.DRAFT,
    )


def form_url(year=2025):
    return reverse(
        "actions:progress_edit", kwargs={"slug": COTENTIN, "code": "1.4.7", "year": year}
    )


def download_url(attachment):
    return reverse(
        "actions:attachment_download",
        kwargs={"slug": COTENTIN, "code": "1.4.7", "year": 2025, "pk": attachment.pk},
    )


def entry(*files, **changes):
    """The point form as a pilot sends it, with FILES in its file input."""
    return {
        "status": "en_cours",
        "progress": "60",
        "date": "2025-11-20",
        "achievements": "Deux Cafés des ASSOS, 48 participants.",
        "draft": "1",
        "attachments": [SimpleUploadedFile(name, content) for name, content in files],
        **changes,
    }


def text_of(response):
    """The page's text: tags dropped, one kind of space."""
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text).replace("\xa0", " "))


def stored_files(settings):
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


@pytest.mark.parametrize(
    ("name", "content", "served_as"),
    [
        ("bilan.pdf", PDF, "application/pdf"),
        ("photo du café.png", PNG, "image/png"),
        (
            "tableau.xlsx",
            (FILES / "flags-libreoffice.xlsx").read_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "tableau.ods",
            (FILES / "flags-libreoffice.ods").read_bytes(),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
    ],
)
def test_a_pilot_joins_a_document_that_readers_download(
    client_for, point, pilot, name, content, served_as
):
    response = client_for("pilot").post(form_url(), entry((name, content), version=1), follow=True)
    assert (
        "Le brouillon du point 2025 de l'action 1.4.7 (1 justificatif joint) est enregistré"
    ) in text_of(response)
    attachment = Attachment.objects.get()
    assert (attachment.point, attachment.name, attachment.size, attachment.uploaded_by) == (
        point,
        name,
        len(content),
        pilot,
    )
    # Stored under a random name, outside any public URL.
    assert name not in attachment.file.name
    download = client_for("viewer").get(download_url(attachment))
    assert download.status_code == 200
    assert download["Content-Type"] == served_as
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == content


def test_one_submission_saves_the_text_and_two_files_from_the_first_save(
    client_for, action, campaign, pilot, settings
):
    response = client_for("pilot").post(
        form_url(), entry(("bilan.pdf", PDF), ("photo.png", PNG), submit="1"), follow=True
    )
    assert (
        "Le point d'avancement 2025 de l'action 1.4.7 (2 justificatifs joints) est soumis "
        "à l'équipe ESS."
    ) in text_of(response)
    point = ProgressUpdate.objects.get(action=action, year=2025)
    assert (point.progress, point.achievements, point.review) == (
        60,
        "Deux Cafés des ASSOS, 48 participants.",
        Review.SUBMITTED,
    )
    attachments = list(point.attachments.order_by("name"))
    assert [(a.name, a.content_type, a.size) for a in attachments] == [
        ("bilan.pdf", "application/pdf", len(PDF)),
        ("photo.png", "image/png", len(PNG)),
    ]
    assert len(stored_files(settings)) == 2
    assert sorted(Path(a.file.path).read_bytes() for a in attachments) == sorted([PDF, PNG])
    assert ReviewComment.objects.filter(point=point, review=Review.SUBMITTED).count() == 1


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        (
            "rapport.pdf",
            b"<html><script>alert(1)</script></html>",
            (
                "« rapport.pdf » n'est ni un PDF, ni une image, ni un document bureautique, d'après son "
                "contenu (quel que soit son nom) : il n'est pas accepté."
            ),
        ),
        ("outil.xlsx", b"MZ\x90\x00\x03" + b"\x00" * 200, "« outil.xlsx » n'est ni un PDF"),
        (
            "enorme.pdf",
            PDF + b"0" * (10 * 1024 * 1024),
            "« enorme.pdf » dépasse 10 Mo : réduisez-le (PDF compressé, image redimensionnée).",
        ),
    ],
)
def test_a_refused_file_keeps_the_typed_text_and_saves_nothing(
    client_for, point, pilot, settings, name, content, error
):
    response = client_for("pilot").post(
        form_url(), entry(("bilan.pdf", PDF), (name, content), version=1)
    )
    assert response.status_code == 200
    page = text_of(response)
    assert error in page
    assert "Les fichiers choisis ne sont pas joints" in page
    # The error is the file input's, announced with it.
    assert 'aria-describedby="id_attachments_helptext id_attachments_error"' in (
        response.content.decode()
    )
    assert "Deux Cafés des ASSOS, 48 participants." in page  # the typed text, kept
    point.refresh_from_db()
    assert (point.version, point.progress, point.achievements) == (1, 40, "Un Café des ASSOS.")
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_first_save_with_a_refused_file_creates_no_point(
    client_for, action, campaign, pilot, settings
):
    response = client_for("pilot").post(form_url(), entry(("virus.pdf", b"MZ" + b"\x00" * 99)))
    assert response.status_code == 200
    assert not ProgressUpdate.objects.exists()
    assert stored_files(settings) == []


def test_a_conflict_joins_no_file(client_for, point, pilot, settings):
    ProgressUpdate.objects.filter(pk=point.pk).update(progress=50)  # saved meanwhile: version 2
    response = client_for("pilot").post(form_url(), entry(("bilan.pdf", PDF), version=1))
    assert response.status_code == 409
    assert "choisissez-les à nouveau avant d'enregistrer" in text_of(response)
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_files_stored_by_a_write_that_rolls_back_are_removed(point, pilot, settings):
    uploads = [checked(SimpleUploadedFile("a.pdf", PDF)), checked(SimpleUploadedFile("b.png", PNG))]
    with pytest.raises(RuntimeError), removed_on_failure() as written, transaction.atomic():
        attach(point, uploads, pilot, written)
        assert len(stored_files(settings)) == 2 == Attachment.objects.count()
        raise RuntimeError("the point's transaction fails after the files are stored")
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_the_ess_team_joins_documents_on_its_own_entry(client_for, action, editor):
    response = client_for("editor").post(
        form_url(2024), entry(("bilan.pdf", PDF), date="2024-12-10")
    )
    assert response.status_code == 302
    point = ProgressUpdate.objects.get(action=action, year=2024)
    assert point.review == Review.VALIDATED
    assert point.attachments.get().uploaded_by == editor


def test_only_readers_download_and_only_the_points_writers_upload(
    client_for, client, point, other_pilot, settings
):
    attachment = Attachment(
        point=point, name="bilan.pdf", size=len(PDF), content_type="application/pdf"
    )
    attachment.file.save("bilan.pdf", SimpleUploadedFile("bilan.pdf", PDF), save=False)
    attachment.save()
    url = download_url(attachment)
    assert client.get(url).status_code == 302  # to the login page
    assert client_for("outsider").get(url).status_code == 403
    # No public URL serves the stored file.
    assert client.get(f"/{settings.MEDIA_URL}{attachment.file.name}").status_code in (302, 404)
    response = client_for("other_pilot").post(form_url(), entry(("x.pdf", PDF), version=1))
    assert response.status_code == 403
    assert Attachment.objects.count() == 1 == len(stored_files(settings))
    point.refresh_from_db()
    assert point.version == 1


def test_a_submitted_point_takes_no_more_documents_from_its_pilot(client_for, point, pilot):
    point.review = Review.SUBMITTED
    point.save()
    response = client_for("pilot").post(form_url(), entry(("x.pdf", PDF), version=2))
    assert response.status_code == 403
    assert "Ce point est soumis" in text_of(response)
    assert not Attachment.objects.exists()


def test_a_pilot_removes_a_document_of_its_draft(client_for, point, pilot, settings):
    client = client_for("pilot")
    client.post(form_url(), entry(("bilan.pdf", PDF), version=1))
    attachment = Attachment.objects.get()
    page = client.get(form_url()).content.decode()
    # « Retirer » sits by the document, in the form, and posts a form of its own.
    assert f'form="retirer-{attachment.pk}"' in page
    delete_url = reverse(
        "actions:attachment_delete",
        kwargs={"slug": COTENTIN, "code": "1.4.7", "year": 2025, "pk": attachment.pk},
    )
    assert f'id="retirer-{attachment.pk}" action="{delete_url}"' in page
    assert client.post(delete_url).status_code == 302
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("rapport.html", "rapport.pdf"),  # a PDF whatever its name says
        ("bilan", "bilan.pdf"),
        ("a" * 296 + ".pdf", "a" * 196 + ".pdf"),  # shortened before its extension
        ("..\\..\\C:\\compte\u202e\x07 rendu.exe", "compte rendu.pdf"),
    ],
)
def test_a_document_is_stored_and_downloaded_under_the_extension_of_its_content(
    client_for, point, pilot, name, shown
):
    client_for("pilot").post(form_url(), entry((name, PDF), version=1))
    attachment = Attachment.objects.get()
    assert attachment.name == shown
    assert attachment.file.name.endswith(".pdf") and shown not in attachment.file.name
    download = client_for("viewer").get(download_url(attachment))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].endswith('.pdf"') or download[
        "Content-Disposition"
    ].endswith(".pdf")
