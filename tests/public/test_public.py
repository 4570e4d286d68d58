"""The public site (/public/): what an administrator published and the structures that
consented, for anyone; never a draft, an internal field, a contact or an account."""

import datetime
import html
import io
import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from actions.models import BudgetLine, Plan, ProgressUpdate, Review, ReviewComment
from reports.services import generate_report, set_published
from structures.models import Commune, DirectorySnapshot, Structure
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db
HOME = reverse("public:home")
PLAN = reverse("public:plan_detail", kwargs={"slug": COTENTIN})
ACTION = reverse("public:action_detail", kwargs={"slug": COTENTIN, "code": "1.4.7"})
DIRECTORY = reverse("public:structure_list")
MAP = reverse("public:structure_map")
# What the staff know and the public must never read.
SECRETS = {
    "difficulties": "La salle municipale manque pour la session de printemps",
    "comment": "Relancer le financeur avant le comité, il hésite",
    "budget": "Location de la salle des fêtes de Bricquebec",
    "draft": "Point soumis pas encore validé : trois cafés prévus",
}


@pytest.fixture
def published(plan, action, pilot, editor):
    """The seeded plan published; action 1.4.7 with a validated 2024 point and a submitted
    2025 one, an internal comment and a budget line; one structure that consented."""
    Plan.objects.filter(pk=plan.pk).update(is_public=True)
    point = ProgressUpdate.objects.create(
        action=action,
        year=2024,
        status="en_cours",
        progress=40,
        review=Review.VALIDATED,
        achievements="Deux Cafés des ASSOS à Valognes et Cherbourg.",
        difficulties=SECRETS["difficulties"],
    )
    ReviewComment.objects.create(
        point=point, author=editor, review=Review.VALIDATED, text=SECRETS["comment"]
    )
    ProgressUpdate.objects.create(
        action=action,
        year=2025,
        status="realisee",
        progress=100,
        review=Review.SUBMITTED,
        achievements=SECRETS["draft"],
    )
    BudgetLine.objects.create(
        action=action,
        year=2024,
        label=SECRETS["budget"],
        planned=1200,
        section="fonctionnement",
        flow="depense",
    )
    structures = list(Structure.objects.select_related("commune").order_by("pk")[:2])
    consenting, other = structures
    Structure.objects.filter(pk=consenting.pk).update(
        public_since=timezone.now(),
        public_recorded_by=editor,
        public_contact="bonjour@recyclerie.example",
        email="direction.interne@example.org",
        phone="02 33 00 00 01",
        contact_name="Mireille Interne",
    )
    consenting.refresh_from_db()
    return {"plan": plan, "point": point, "structure": consenting, "other": other}


def text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return html.unescape(content.decode())


def read(response):
    """What a visitor reads of RESPONSE: the text of a PDF, the page or file otherwise."""
    if response["Content-Type"] == "application/pdf":
        return pdf_text(response)
    return text(response)


def pdf_text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


def test_the_home_lists_the_published_plans_only(client, published):
    Plan.objects.exclude(pk=published["plan"].pk).update(is_public=False)
    page = text(client.get(HOME))
    assert "Plan d'actions ESS 2023-2025" in page
    assert "Programme d'actions ESS 2013-2015" not in page
    assert "1 structure de l'économie sociale et solidaire" in page


def test_the_plan_page_shows_statuses_from_validated_points_only(
    client, published, django_assert_max_num_queries
):
    # The data version, then once per data version: the plan and its tree (4), the key
    # indicators (3) and their five computations, the directory's fictitious structures, the
    # reports.
    with django_assert_max_num_queries(15):
        response = client.get(PLAN)
    with django_assert_max_num_queries(1):  # the data version: the answer is kept
        again = client.get(PLAN)
    # The same page, but for the charts' CSP nonce, new on each request.
    nonces = re.compile(rb' nonce="([^"]+)"')
    header = re.search(r"'nonce-([^']+)'", again["Content-Security-Policy"])[1]
    assert set(nonces.findall(again.content)) == {header.encode()}  # the key indicators' bars
    assert nonces.sub(b"", again.content) == nonces.sub(b"", response.content)
    assert again["Content-Security-Policy"] != response["Content-Security-Policy"]
    row = re.search(r"<tr>\s*<td class=\"code\">1\.4\.7</td>.*?</tr>", text(response), re.S)[0]
    assert "En cours" in row and 'value="40"' in row  # 2024 validated, not 2025 submitted
    assert "Réalisée" not in row


def test_the_plan_page_shows_the_key_indicators_and_marks_the_fictitious_ones(client, published):
    def section():
        page = text(client.get(PLAN))
        return page[page.index('id="indicateurs"') : page.index('id="axe-1"')]

    # C1's reference is the seed's 488 establishments. K8 counts the directory: the plan has
    # ended and no year has its record, so « pas de relevé », never the 60 structures of the
    # day (which it printed as 2025 before issue #29).
    shown = section()
    assert re.search(
        r"C1 · Établissements de l'ESS sur le territoire</th>\s*"
        r'<td class="text-end">488 </td>',
        shown,
    )
    assert re.search(
        r'K8 · Structures de l\'annuaire</th>\s*<td class="text-end">—</td>\s*'
        r'<td class="text-end">pas de relevé</td>',
        shown,
    )
    assert "Données fictives" not in shown
    assert "<svg" in shown and "/indicateurs/" not in shown  # no link to the staff pages
    # A 2025 record taken from the seeded directory, whose 60 structures
    # (fixtures/demo_structures.json) are all invented: marked, and said.
    DirectorySnapshot.objects.create(
        year=2025,
        commune=Commune.objects.first(),
        family="association",
        structures=60,
        employees=900,
        taken_on=datetime.date(2025, 12, 31),
        source="annuaire",
    )
    shown = section()
    assert re.search(
        r'K8 · Structures de l\'annuaire</th>\s*<td class="text-end">—</td>\s*'
        r'<td class="text-end">60<sup>\*</sup> ',
        shown,
    )
    assert "K8 est calculé sur l'annuaire, qui compte 60 structures de démonstration" in shown


def test_an_action_shows_the_public_fields_of_its_validated_points(
    client, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        page = text(client.get(ACTION))
    assert "Deux Cafés des ASSOS à Valognes et Cherbourg." in page
    assert "2024 · En cours · 40\xa0%" in page
    for secret in SECRETS.values():
        assert secret not in page
    Plan.objects.filter(pk=published["plan"].pk).update(
        public_point_fields=["achievements", "difficulties"]
    )
    assert SECRETS["difficulties"] in text(client.get(ACTION))


@pytest.mark.parametrize("url", [PLAN, ACTION])
def test_an_unpublished_or_draft_plan_is_not_found(client, published, url):
    Plan.objects.filter(pk=published["plan"].pk).update(is_public=False)
    assert client.get(url).status_code == 404
    Plan.objects.filter(pk=published["plan"].pk).update(is_public=True, state=Plan.State.DRAFT)
    assert client.get(url).status_code == 404


def test_public_pages_are_cacheable_and_set_no_cookie(client_for, published):
    client = client_for("editor")  # even a logged-in visitor gets the proxy's page
    for url in [
        HOME,
        PLAN,
        ACTION,
        DIRECTORY,
        MAP,
        reverse("public:structure_detail", kwargs={"pk": published["structure"].pk}),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=60", url
        assert "Cookie" not in response.get("Vary", ""), url
        assert not response.cookies, url
        assert "csrfmiddlewaretoken" not in text(response), url


def test_the_directory_lists_consenting_structures_only(
    client, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        page = text(client.get(DIRECTORY))
    with django_assert_max_num_queries(1):  # the data version
        client.get(DIRECTORY)
    structure, other = published["structure"], published["other"]
    assert structure.name in page and other.name not in page
    assert re.search(r'role="status">1 structure<', page)
    searched = text(client.get(DIRECTORY, {"q": other.name}))
    assert re.search(r'role="status">0 structure<', searched)
    filtered = text(client.get(DIRECTORY, {"commune": structure.commune_id}))
    assert structure.name in filtered


def test_the_map_counts_the_public_structures_of_each_commune_and_links_to_them(
    client, published, django_assert_max_num_queries
):
    structure, other = published["structure"], published["other"]
    Structure.objects.filter(pk=other.pk).update(commune=structure.commune)  # not public
    with django_assert_max_num_queries(4):
        page = text(client.get(MAP))
    with django_assert_max_num_queries(1):  # the data version
        client.get(MAP)
    commune = structure.commune
    assert "1 structure de l'annuaire dans" in page
    assert (
        f'<a href="{DIRECTORY}?commune={commune.pk}" aria-label="{commune.name} : 1 structure">'
    ) in page
    # One structure in its commune: its employees would be its own, so none are shown.
    assert "salarié" not in page
    assert f'<a href="{DIRECTORY}?commune={commune.pk}">{commune.name}</a>' in page
    Structure.objects.filter(pk=structure.pk).update(public_since=None)
    assert f'aria-label="{commune.name} : 0 structure"' in text(client.get(MAP))


def test_a_structure_card_shows_its_public_contact_never_the_staff_ones(
    client, published, django_assert_max_num_queries
):
    structure = published["structure"]
    url = reverse("public:structure_detail", kwargs={"pk": structure.pk})
    with django_assert_max_num_queries(3):
        page = text(client.get(url))
    assert "bonjour@recyclerie.example" in page and structure.commune.name in page
    for private in ["direction.interne@example.org", "02 33 00 00 01", "Mireille Interne"]:
        assert private not in page
    other = reverse("public:structure_detail", kwargs={"pk": published["other"].pk})
    assert client.get(other).status_code == 404
    Structure.objects.filter(pk=structure.pk).update(archived=True)
    assert client.get(url).status_code == 404


def test_a_withdrawal_in_the_staff_form_removes_the_structure_at_once(
    client_for, client, published, editor
):
    structure = published["structure"]
    card = reverse("public:structure_detail", kwargs={"pk": structure.pk})
    assert client.get(card).status_code == 200
    assert structure.name in text(client.get(DIRECTORY))
    staff = client_for("editor")
    form = staff.get(reverse("structures:structure_edit", kwargs={"pk": structure.pk})).context[
        "form"
    ]
    assert form["published"].value() is True
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name != "published"
    }
    data.update(
        version=structure.version,
        family=structure.family,
        commune=structure.commune_id,
        legal_form=structure.legal_form_id or "",
        naf=structure.naf_id or "",
    )
    response = staff.post(reverse("structures:structure_edit", kwargs={"pk": structure.pk}), data)
    assert response.status_code == 302, response.context["form"].errors
    assert client.get(card).status_code == 404
    assert structure.name not in text(client.get(DIRECTORY))
    structure.refresh_from_db()
    assert (structure.public_since, structure.public_recorded_by) == (None, None)
    # The history keeps the publication and the withdrawal.
    since = list(structure.history.order_by("pgh_id").values_list("public_since", flat=True))
    assert since[-1] is None and since[-2] is not None


def test_consent_recorded_in_the_staff_form_names_who_and_when(
    client_for, client, published, editor
):
    other = published["other"]
    staff = client_for("editor")
    form = staff.get(reverse("structures:structure_edit", kwargs={"pk": other.pk})).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        version=other.version,
        published="on",
        public_contact="contact@atelier.example",
        family=other.family,
        commune=other.commune_id,
        legal_form=other.legal_form_id or "",
        naf=other.naf_id or "",
    )
    before = timezone.now()
    response = staff.post(reverse("structures:structure_edit", kwargs={"pk": other.pk}), data)
    assert response.status_code == 302, response.context["form"].errors
    other.refresh_from_db()
    assert other.public_recorded_by == editor and other.public_since >= before
    card = client.get(reverse("public:structure_detail", kwargs={"pk": other.pk}))
    assert "contact@atelier.example" in text(card)


def test_an_administrator_publishes_and_withdraws_a_plan(client_for, client, plan):
    url = reverse("actions:plan_publication", kwargs={"slug": COTENTIN})
    admin = client_for("admin_user")
    admin.post(url, {"is_public": "on", "public_point_fields": ["achievements", "next_steps"]})
    plan.refresh_from_db()
    assert (plan.is_public, plan.public_point_fields) == (True, ["achievements", "next_steps"])
    assert client.get(PLAN).status_code == 200
    admin.post(url, {"public_point_fields": ["achievements"]})
    assert client.get(PLAN).status_code == 404
    assert list(plan.history.order_by("pgh_id").values_list("is_public", flat=True))[-2:] == [
        True,
        False,
    ]


def test_a_draft_is_never_published(client_for, plan):
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.DRAFT)
    url = reverse("actions:plan_publication", kwargs={"slug": COTENTIN})
    response = client_for("admin_user").post(url, {"is_public": "on"}, follow=True)
    assert "Un brouillon ne se publie pas : adoptez d'abord le plan." in text(response)
    plan.refresh_from_db()
    assert not plan.is_public


def test_a_published_report_stays_with_the_accounts_never_on_the_public_site(
    client, client_for, published, admin_user
):
    """The staff edition prints what the plan keeps private (here the difficulties of the
    validated 2024 point, a text the plan does not make public): publishing it lets the
    accounts download it, never the public site."""
    report = generate_report(published["plan"], 2024, user=admin_user)
    response = client_for("admin_user").post(
        reverse("reports:report_publish", kwargs={"pk": report.pk}), {"published": "1"}, follow=True
    )
    assert "Elle n'est jamais mise sur le site public" in text(response)
    staff_copy = client_for("viewer").get(
        reverse("reports:report_download", kwargs={"pk": report.pk})
    )
    assert SECRETS["difficulties"] in pdf_text(staff_copy)
    assert "Rapport annuel" not in text(client.get(PLAN))
    assert client.get(f"/public/plans/{COTENTIN}/rapports/{report.pk}/pdf/").status_code == 404


def test_a_public_answer_is_kept_whole_until_the_data_changes(
    client, client_for, published, django_assert_num_queries
):
    """The middleware answers from the kept copy with one query (the data version): for a
    visitor, a logged-in user or an API client alike; a write makes a new copy."""
    api = "/public/api/v1/structures"
    for url in [HOME, PLAN, DIRECTORY, MAP, api]:
        first = client.get(url)
        with django_assert_num_queries(1):
            again = client.get(url)
        assert again.status_code == 200 and again["Content-Length"] == str(len(again.content))
        assert again["Cache-Control"] == "public, max-age=0, s-maxage=60", url
        assert again["Content-Type"] == first["Content-Type"], url
        assert again["X-Frame-Options"] == "DENY", url
        assert b"nonce" in again.content or again.content == first.content, url
    # A kept page with charts: a new nonce, the same in its CSP header and its style elements.
    headers = set()
    for _ in range(2):
        plan = client.get(PLAN)
        header = re.search(r"'nonce-([^']+)'", plan["Content-Security-Policy"])[1]
        assert set(re.findall(rb' nonce="([^"]+)"', plan.content)) == {header.encode()}
        headers.add(header)
    assert len(headers) == 2
    structure = published["structure"]
    assert structure.name in client.get(api).json()["items"][0]["name"]
    Structure.objects.filter(pk=structure.pk).update(public_since=None)  # a write elsewhere
    assert client.get(api).json()["count"] == 0
    # Not kept: a form, a 404, a logged-in user's pages.
    form = reverse("public:listing_request")
    client.get(form)
    # The communes and the legal forms of the form (a page never kept).
    with django_assert_num_queries(2):
        assert "csrfmiddlewaretoken" in text(client.get(form))
    assert (
        client.get(reverse("public:structure_detail", kwargs={"pk": structure.pk})).status_code
        == 404
    )
    home = text(client.get(HOME))
    staff = client_for("viewer")  # the same copy, without reading the session
    with django_assert_num_queries(1):
        assert text(staff.get(HOME)) == home


def test_nothing_personal_leaves_through_the_public_pages(
    client, published, other_pilot, viewer, admin_user
):
    """Every public page of the test data, and every page or file they link to (a PDF read as
    its text), with an annual report generated and published: no account's e-mail or name, no
    structure's staff-side contact, no structure that did not consent, no internal text, no
    phone number, no e-mail address but the public contact a structure chose to give."""
    plan = published["plan"]
    set_published(generate_report(plan, 2025, user=admin_user), True)
    for user in (other_pilot, viewer, admin_user):
        user.first_name, user.last_name = "Prénom" + user.username, "Nom" + user.username
        user.save()
    urls = [
        HOME,
        PLAN,
        DIRECTORY,
        f"{DIRECTORY}?page=2",
        MAP,
        *(
            reverse("public:action_detail", kwargs={"slug": COTENTIN, "code": code})
            for code in plan.actions.values_list("code", flat=True)
        ),
        *(
            reverse("public:structure_detail", kwargs={"pk": pk})
            for pk in Structure.objects.public().values_list("pk", flat=True)
        ),
        # The open data: files, documentation, API.
        reverse("public:open_data"),
        reverse("public:structures_csv"),
        reverse("public:actions_csv", kwargs={"slug": COTENTIN}),
        reverse("public:measurements_csv", kwargs={"slug": COTENTIN}),
        "/public/api/v1/structures",
        "/public/api/v1/plans",
        f"/public/api/v1/plans/{COTENTIN}/actions?page=1",
        f"/public/api/v1/plans/{COTENTIN}/actions?page=2",
        f"/public/api/v1/plans/{COTENTIN}/indicateurs",
        *(
            f"/public/api/v1/structures/{pk}"
            for pk in Structure.objects.public().values_list("pk", flat=True)
        ),
    ]
    pages = {url: read(client.get(url)) for url in urls}
    linked = {
        link
        for page in pages.values()
        for link in re.findall(r'href="(/[^"#]*)"', page)
        if not link.startswith("/static/")
    } - set(pages)
    pages |= {url: read(client.get(url)) for url in linked}
    assert all(page for page in pages.values())
    forbidden = set()
    for user in User.objects.all():
        forbidden |= {user.email, user.get_full_name()}
    for structure in Structure.objects.all():
        forbidden |= {structure.email, structure.phone, structure.contact_name}
        if structure.public_since is None:
            forbidden.add(structure.name)
    forbidden |= set(SECRETS.values())
    forbidden -= {""}
    assert len(forbidden) > 60  # the accounts, the seeded directory's names and contacts
    for url, page in pages.items():
        leaked = sorted(value for value in forbidden if value in page)
        assert not leaked, (url, leaked)
        assert set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", page)) <= {
            "bonjour@recyclerie.example"
        }, url
        assert not re.search(r"\b0\d(?:[ .]?\d\d){4}\b", page), url
