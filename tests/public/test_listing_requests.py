"""A structure asks, through the public form, to appear on the public directory; the ESS team
accepts or refuses. Robots meet a honeypot and a rate limit."""

import html
import re
import threading
import time

import pytest
from django.test import Client
from django.urls import reverse

from essplan import roles
from structures import listing
from structures.forms import ListingRequestForm
from structures.models import Commune, LegalForm, ListingRequest, Structure
from tests.conftest import make_user
from tests.helpers import at_once

pytestmark = pytest.mark.django_db
FORM = reverse("public:listing_request")
SENT = reverse("public:listing_request_sent")
REQUESTS = reverse("structures:listing_request_list")
DIRECTORY = reverse("public:structure_list")
# A valid SIRET (Luhn sum checked by hand: 50), the one of the staff form's example.
SIRET = "73282932000074"


def accept_url(item):
    return reverse("structures:listing_request_accept", kwargs={"pk": item.pk})


def request_data(**changes):
    return {
        "name": "Atelier du réemploi de Valognes",
        "siret": "732 829 320 00074",
        "commune": Commune.objects.get(name="Valognes").pk,
        "activity": "Collecte et revente d'objets de seconde main.",
        "website": "https://recyclerie.example",
        "public_contact": "bonjour@recyclerie.example",
        "contact_name": "Paule Martin",
        "email": "paule.martin@example.org",
        "consent": "on",
        "fax": "",
        **changes,
    }


def page(response):
    return html.unescape(response.content.decode())


def test_a_request_waits_then_an_editor_publishes_it(
    client, client_for, editor, django_assert_max_num_queries
):
    response = client.post(FORM, request_data())
    assert response.status_code == 302 and response.url == SENT
    item = ListingRequest.objects.get()
    assert (item.siret, item.state, item.consent) == (SIRET, "en_attente", True)
    assert len(item.client_key) == 64 and "127.0.0.1" not in item.client_key
    assert "Atelier du réemploi de Valognes" not in page(client.get(DIRECTORY))  # not yet

    staff = client_for("editor")
    with django_assert_max_num_queries(9):
        listed = page(staff.get(REQUESTS))
    assert "En attente (1)" in listed and "paule.martin@example.org" in listed
    assert "aucune structure ne porte ce SIRET : l'accepter crée sa fiche" in listed
    response = staff.post(accept_url(item), follow=True)
    assert "« Atelier du réemploi de Valognes » paraît dans l'annuaire public" in page(response)

    structure = Structure.objects.get(siret=SIRET)
    assert (structure.siren, structure.commune.name, structure.public_recorded_by) == (
        "732829320",
        "Valognes",
        editor,
    )
    assert structure.public_since is not None and structure.source == listing.PUBLIC_REQUEST_SOURCE
    assert (structure.public_contact, structure.email) == (
        "bonjour@recyclerie.example",
        "paule.martin@example.org",
    )
    item.refresh_from_db()
    assert (item.state, item.decided_by, item.structure, item.client_key) == (
        "acceptee",
        editor,
        structure,
        "",
    )
    public = page(client.get(DIRECTORY))
    assert "Atelier du réemploi de Valognes" in public and "paule.martin@example.org" not in public
    assert list(item.history.values_list("state", flat=True).order_by("pgh_id")) == [
        "en_attente",
        "acceptee",
    ]


def known_structure(**values):
    """The directory's first structure, given the request's SIRET and VALUES; not published."""
    known = Structure.objects.order_by("pk").first()
    Structure.objects.filter(pk=known.pk).update(siret=SIRET, public_since=None, **values)
    known.refresh_from_db()
    return known


STRUCTURE_FIELDS = [
    "name",
    "commune_id",
    "description",
    "website",
    "public_contact",
    "contact_name",
    "email",
    "public_since",
    "public_recorded_by_id",
    "archived",
    "version",
]


@pytest.mark.parametrize("archived", [False, True])
def test_accepting_a_request_for_a_known_structure_neither_publishes_nor_changes_it(
    client, client_for, editor, archived
):
    known = known_structure(
        email="interne@example.org", website="", public_contact="", archived=archived
    )
    before = Structure.objects.values(*STRUCTURE_FIELDS).get(pk=known.pk)
    client.post(FORM, request_data(website="https://evil.example/phish"))
    item = ListingRequest.objects.get()
    response = client_for("editor").post(accept_url(item), follow=True)
    assert Structure.objects.values(*STRUCTURE_FIELDS).get(pk=known.pk) == before
    assert "n'est pas publiée pour autant" in page(response)
    assert before["public_since"] is None and before["website"] == ""
    item.refresh_from_db()
    assert (item.state, item.decided_by, item.structure) == ("acceptee", editor, known)
    assert known.name not in page(client.get(DIRECTORY))
    assert Structure.objects.filter(siret=SIRET).count() == 1


def test_the_team_takes_a_known_structures_proposed_values_field_by_field(
    client, client_for, editor, django_assert_max_num_queries
):
    known = known_structure(
        email="interne@example.org", website="", public_contact="", contact_name="Paule Martin"
    )
    client.post(FORM, request_data())
    item = ListingRequest.objects.get()
    staff = client_for("editor")
    # 9 queries, as without a match: the fiche of the SIRET (+ its commune) is one of them.
    with django_assert_max_num_queries(9):
        listed = page(staff.get(REQUESTS))
    assert f'<a href="{known.get_absolute_url()}">' in listed
    assert "l'accepter ne la publie pas" in listed
    # Each proposed value beside the fiche's, a box to tick where they differ.
    assert (
        "<td>—</td><td>https://recyclerie.example</td>\n              <td><input "
        'class="form-check-input" type="checkbox" name="champs" value="website"'
    ) in listed
    assert 'value="contact_name"' not in listed  # the same on both sides
    assert 'value="email"' in listed and 'value="name"' in listed
    # Only what is ticked is taken; a forged field name is not a proposal.
    staff.post(accept_url(item), {"champs": ["website", "public_since", "siret"]})
    known.refresh_from_db()
    assert known.website == "https://recyclerie.example"
    assert (known.public_contact, known.email, known.siret) == ("", "interne@example.org", SIRET)
    assert known.name != "Atelier du réemploi de Valognes"
    assert known.public_since is None and known.public_recorded_by is None
    assert list(known.history.values_list("website", flat=True).order_by("pgh_id"))[-1] == (
        "https://recyclerie.example"
    )


def test_a_refusal_publishes_nothing(client, client_for, editor):
    client.post(FORM, request_data())
    item = ListingRequest.objects.get()
    staff = client_for("editor")
    staff.post(reverse("structures:listing_request_refuse", kwargs={"pk": item.pk}))
    item.refresh_from_db()
    assert (item.state, item.decided_by, item.structure) == ("refusee", editor, None)
    assert not Structure.objects.filter(siret=SIRET).exists()
    # Decided once: a second click is told, not obeyed.
    response = staff.post(accept_url(item), follow=True)
    assert "a déjà été refusée par quelqu'un d'autre" in page(response)
    assert not Structure.objects.filter(siret=SIRET).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"siret": "73282932000075"}, "siret", "SIRET invalide : il faut 14 chiffres"),
        ({"siret": "7328293200007"}, "siret", "SIRET invalide"),
        ({"consent": ""}, "consent", "Sans cet accord, la structure ne peut pas paraître"),
        ({"email": "pas-un-courriel"}, "email", "Saisissez une adresse de courriel valide"),
        ({"name": ""}, "name", "Ce champ est obligatoire"),
    ],
)
def test_bad_input_gets_a_french_error_and_nothing_is_saved(client, changes, field, message):
    response = client.post(FORM, request_data(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "rien n'a été enregistré" in page(response)
    assert not ListingRequest.objects.exists()


def test_a_listed_or_pending_siret_is_refused(client):
    client.post(FORM, request_data())
    again = client.post(FORM, request_data(name="Autre nom"))
    assert again.context["form"].errors["siret"] == [
        "Une demande pour ce SIRET attend déjà la réponse de l'équipe ESS."
    ]
    listing.accept(ListingRequest.objects.get().pk, make_user("emile", roles.EDITOR))
    listed = client.post(FORM, request_data())
    assert listed.context["form"].errors["siret"] == [
        "Cette structure figure déjà dans l'annuaire public."
    ]
    assert ListingRequest.objects.count() == 1


def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_saved(client):
    response = client.post(FORM, request_data(fax="0233000000"))
    assert response.status_code == 302 and response.url == SENT
    assert not ListingRequest.objects.exists()
    form = page(client.get(FORM))
    assert '<div class="d-none" aria-hidden="true">' in form and 'tabindex="-1"' in form


def test_an_address_sending_too_many_requests_is_stopped_for_an_hour(client, settings):
    settings.LISTING_REQUESTS_PER_HOUR = 2
    # All valid (Luhn sums worked by hand: 50 each).
    sirets = ["73282932000074", "55208131766522", "44306184100047"]
    statuses = [client.post(FORM, request_data(siret=siret)).status_code for siret in sirets]
    assert statuses == [302, 302, 429]
    assert ListingRequest.objects.count() == 2
    stopped = client.post(FORM, request_data(siret=sirets[2]))
    assert "Trop de demandes sont parties de votre connexion" in page(stopped)
    # Another address is not stopped; an hour later, the first one is not either.
    assert (
        client.post(FORM, request_data(siret=sirets[2]), REMOTE_ADDR="192.0.2.7").status_code == 302
    )
    ListingRequest.objects.update(created_at="2020-01-01T00:00:00Z")
    assert client.post(FORM, request_data(siret="73282932000157")).status_code == 302


def test_the_form_page_is_not_cached_and_the_thanks_page_is(client):
    form = client.get(FORM)
    assert "no-store" in form["Cache-Control"] and "csrfmiddlewaretoken" in page(form)
    assert client.get(SENT)["Cache-Control"] == "public, max-age=0, s-maxage=60"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_editors_accepting_at_once_publish_one_structure(settings):
    """The request is locked first: the second editor is told it is decided."""
    first, second = make_user("emile", roles.EDITOR), make_user("elsa", roles.EDITOR)
    item = ListingRequest.objects.create(
        name="Atelier du réemploi de Valognes",
        siret=SIRET,
        commune=Commune.objects.first(),
        contact_name="Paule Martin",
        email="paule.martin@example.org",
        consent=True,
    )

    def accept(user):
        def call():
            try:
                return listing.accept(item.pk, user).decided_by.username
            except listing.AlreadyDecided:
                return "déjà traitée"

        return call

    results = at_once(accept(first), accept(second))
    assert sorted(results) in (["déjà traitée", "emile"], ["déjà traitée", "elsa"])
    assert Structure.objects.filter(siret=SIRET).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_requests_sent_at_once_from_one_address_count_one_after_the_other(settings):
    """Without the sender's lock, both would count none before them and pass a limit of 1
    (each save is slowed down to hold that window open)."""
    settings.LISTING_REQUESTS_PER_HOUR = 1
    forms = [
        ListingRequestForm(request_data(siret=siret))
        for siret in ("73282932000074", "55208131766522")
    ]
    assert all(form.is_valid() for form in forms)

    def send(form):
        save = form.save

        def slow_save():
            time.sleep(0.3)
            return save()

        form.save = slow_save

        def call():
            try:
                return listing.receive(form, "same-address").siret
            except listing.TooManyRequests:
                return "arrêtée"

        return call

    results = at_once(*(send(form) for form in forms))
    assert "arrêtée" in results and len(set(results)) == 2
    assert ListingRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_for_one_siret_sent_at_once_record_one(monkeypatch):
    """Both pass the form's check before either is saved (each save waits for the other at a
    barrier): the constraint keeps one, and the second sender reads the duplicate's answer."""
    barrier = threading.Barrier(2, timeout=30)
    save = ListingRequestForm.save

    def save_when_both_checked(form, *args, **kwargs):
        barrier.wait()
        return save(form, *args, **kwargs)

    monkeypatch.setattr(ListingRequestForm, "save", save_when_both_checked)

    def send(address):
        def call():
            response = Client().post(FORM, request_data(), REMOTE_ADDR=address)
            errors = response.context["form"].errors["siret"] if response.status_code == 200 else []
            return response.status_code, errors

        return call

    results = at_once(send("192.0.2.1"), send("192.0.2.2"))
    assert sorted(results) == [
        (200, ["Une demande pour ce SIRET attend déjà la réponse de l'équipe ESS."]),
        (302, []),
    ]
    assert ListingRequest.objects.count() == 1


def test_the_request_asks_the_family_and_its_acceptance_publishes_it(
    client, client_for, editor, django_assert_max_num_queries
):
    """Chosen on the form, the family is the published one; the team sees it beforehand."""
    response = client.post(FORM, request_data(family="cooperative"))
    assert response.status_code == 302
    item = ListingRequest.objects.get()
    assert item.family == "cooperative"
    staff = client_for("editor")
    with django_assert_max_num_queries(9):
        listed = page(staff.get(REQUESTS))
    assert re.search(r"Famille de l'ESS</dt><dd [^>]*>Coopérative</dd>", listed)
    staff.post(accept_url(item))
    assert Structure.objects.get(siret=SIRET).family == "cooperative"


def test_without_a_family_the_legal_forms_is_proposed_as_on_the_staff_form(client, client_for):
    """« Je ne sais pas »: the legal form's family, as the staff form proposes it."""
    association = LegalForm.objects.get(code="9220")
    assert association.family == "association"
    form = ListingRequestForm()
    assert form.fields["family"].choices[0] == ("", "Je ne sais pas : selon la forme juridique")
    client.post(FORM, request_data(legal_form=association.pk))
    item = ListingRequest.objects.get()
    assert (item.legal_form, item.family) == (association, "association")
    client_for("editor").post(accept_url(item))
    structure = Structure.objects.get(siret=SIRET)
    assert (structure.legal_form, structure.family) == (association, "association")


def test_a_request_received_before_the_family_was_asked_falls_back_on_the_legal_form(editor):
    item = ListingRequest.objects.create(
        name="Ancienne demande",
        siret=SIRET,
        commune=Commune.objects.get(name="Valognes"),
        contact_name="Paule Martin",
        email="paule.martin@example.org",
        consent=True,
        legal_form=LegalForm.objects.get(code="9220"),
    )
    listing.accept(item.pk, editor)
    assert Structure.objects.get(siret=SIRET).family == "association"
