"""The point form: last year's point beside it, a line of help under each field that says
what the public site will show, and the rows it reads."""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import Attachment, Campaign, ProgressUpdate, Review, ReviewComment
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
URL = reverse("actions:progress_edit", kwargs={"slug": COTENTIN, "code": "1.4.7", "year": 2025})


@pytest.fixture
def campaign(plan):
    return Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
    )


def text_of(response):
    """The page's text: tags dropped, one kind of space."""
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text).replace("\xa0", " "))


@pytest.mark.parametrize(
    ("review", "shown"), [(Review.VALIDATED, "validé"), (Review.SUBMITTED, "soumis")]
)
def test_last_years_point_is_shown_beside_the_form_with_its_state(
    client_for, action, campaign, pilot, review, shown
):
    ProgressUpdate.objects.create(
        action=action,
        year=2024,
        status="en_cours",
        progress=30,
        date=datetime.date(2024, 12, 5),
        achievements="Un premier Café des ASSOS.",
        difficulties="Salle trop petite.",
        review=review,
    )
    page = text_of(client_for("pilot").get(URL))
    assert (
        f"Le point 2024, l'an dernier {shown} Statut En cours Avancement 30 % 30 % "
        "Date du point 05/12/2024 Réalisations Un premier Café des ASSOS. "
        "Difficultés rencontrées Salle trop petite. Prochaines étapes —"
    ) in page
    assert "Pas de point l'an dernier" not in page


def test_without_a_point_last_year_the_form_says_so(client_for, action, campaign, pilot):
    ProgressUpdate.objects.create(action=action, year=2023, status="en_cours", progress=10)
    assert "Pas de point l'an dernier (2024)." in text_of(client_for("pilot").get(URL))


def test_each_field_has_a_line_of_help_that_tells_the_truth_about_publicity(
    client_for, action, campaign, pilot
):
    client = client_for("pilot")
    response = client.get(URL)
    page, markup = text_of(response), response.content.decode()
    for name in [
        "status",
        "progress",
        "date",
        "achievements",
        "difficulties",
        "next_steps",
        "attachments",
    ]:
        assert f'aria-describedby="id_{name}_helptext"' in markup
        assert f'id="id_{name}_helptext"' in markup
    # The seeded plan is not published; it would publish the achievements only.
    assert (
        "Ce qui a été fait cette année : actions menées, chiffres, dates. Visible du public "
        "une fois le point validé, si le plan est publié."
    ) in page
    assert (
        "Ce qui a freiné ou bloqué l'action ; si l'avancement baisse, pourquoi. Interne : "
        "le plan ne publie pas ce texte sur le site public."
    ) in page
    assert "Jamais publiés : seuls les lecteurs du plan les téléchargent." in page
    action.plan.is_public = True
    action.plan.public_point_fields = ["achievements", "difficulties"]
    action.plan.save()
    page = text_of(client.get(URL))
    assert (
        "Ce qui a freiné ou bloqué l'action ; si l'avancement baisse, pourquoi. Visible du "
        "public une fois le point validé : le plan est publié."
    ) in page
    assert (
        "Ce qui est prévu ensuite : quoi, avec qui, pour quand. Interne : le plan ne "
        "publie pas ce texte sur le site public."
    ) in page
    assert 'enctype="multipart/form-data"' in response.content.decode()
    assert re.search(r'<input type="file" name="attachments"[^>]* multiple', markup)


def test_the_form_page_reads_the_same_rows_whatever_its_documents_and_comments(
    client_for, action, campaign, pilot, editor, django_assert_num_queries
):
    ProgressUpdate.objects.create(action=action, year=2024, status="en_cours", progress=30)
    point = ProgressUpdate.objects.create(
        action=action, year=2025, status="en_cours", progress=40, review=Review.TO_REVISE
    )
    for n in range(3):
        attachment = Attachment(
            point=point,
            name=f"piece-{n}.pdf",
            size=len(PDF),
            content_type="application/pdf",
            uploaded_by=pilot,
        )
        attachment.file.save(attachment.name, SimpleUploadedFile("x.pdf", PDF), save=False)
        attachment.save()
        ReviewComment.objects.create(
            point=point, author=editor, review=Review.TO_REVISE, text=f"Précisez {n}."
        )
    client = client_for("pilot")
    # 13 queries: session, data versions, user, permissions (user's, group's), action (with
    # its plan), the pilot's link to it, this year's and last year's points (one query), the
    # campaign, the thread with its authors, the documents with who joined them, the pilot's
    # link again (may it close the comité's decisions?), the open decisions (+ session).
    with django_assert_num_queries(13):
        response = client.get(URL)
    page = text_of(response)
    assert page.count("Précisez") == 3 and page.count("déposé le") == 3
