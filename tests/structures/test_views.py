import re
from decimal import Decimal

import pytest
from django.urls import reverse

from structures.map import breaks
from structures.models import Commune, LegalForm, NafCode, Structure

pytestmark = pytest.mark.django_db

LIST = reverse("structures:structure_list")


@pytest.fixture
def viewer_client(client_for):
    return client_for("viewer")


def names(response):
    return [structure.name for structure in response.context["page"]]


def test_list_shows_the_directory_sorted_by_name(viewer_client):
    response = viewer_client.get(LIST)
    assert response.context["page"].paginator.count == 60
    # The demo generator names rows 18, 38 and 58 "Aide à domicile" + places 8, 9 and 0.
    assert names(response)[:3] == [
        "Aide à domicile de la Baie",
        "Aide à domicile du Clos du Cotentin",
        "Aide à domicile du Val de Saire",
    ]


def test_search_is_accent_insensitive_on_name_and_acronym(viewer_client):
    structure = Structure.objects.get(name="Épicerie solidaire du Bocage")
    structure.acronym = "ÉSB"
    structure.save()
    assert names(viewer_client.get(LIST, {"q": "epicerie bocage"})) == [structure.name]
    assert names(viewer_client.get(LIST, {"q": "esb"})) == [structure.name]
    assert len(names(viewer_client.get(LIST, {"q": "EPICERIE"}))) == 3


def test_search_by_siret_prefix(viewer_client):
    assert names(viewer_client.get(LIST, {"q": "000 000 018"})) == ["Recyclerie du Val de Saire"]


def test_filters_by_family_commune_legal_form_sector_status_and_committee(viewer_client):
    assert viewer_client.get(LIST, {"family": "mutuelle"}).context["page"].paginator.count == 3
    cherbourg = Commune.objects.get(insee_code="50129")
    count = Structure.objects.filter(commune=cherbourg).count()
    assert (
        viewer_client.get(LIST, {"commune": cherbourg.pk}).context["page"].paginator.count == count
    )
    cuma = LegalForm.objects.get(code="6316")
    # The demo generator gives the CUMAs (rows 8, 28 and 48) places 8, 9 and 0.
    assert names(viewer_client.get(LIST, {"legal_form": cuma.pk})) == [
        "CUMA de la Baie",
        "CUMA du Clos du Cotentin",
        "CUMA du Val de Saire",
    ]
    assert viewer_client.get(LIST, {"status": "scop"}).context["page"].paginator.count == 3
    assert viewer_client.get(LIST, {"status": "siae"}).context["page"].paginator.count == 9
    # Section Q (santé humaine et action sociale): 88.99B, 88.10C, 88.10A, 88.99B kinds, 3 each.
    assert viewer_client.get(LIST, {"sector": "Q"}).context["page"].paginator.count == 12
    assert viewer_client.get(LIST, {"committee": "on"}).context["page"].paginator.count == 9


def test_sort_by_employees(viewer_client):
    response = viewer_client.get(LIST, {"sort": "-employees"})
    employees = [structure.employees for structure in response.context["page"]]
    assert employees == sorted(employees, reverse=True)


def test_archived_structures_leave_the_list(client_for):
    structure = Structure.objects.get(name="Tiers-lieu du Bocage")
    client = client_for("editor")
    assert (
        client.post(
            reverse("structures:structure_archive", kwargs={"pk": structure.pk})
        ).status_code
        == 302
    )
    assert structure.name not in names(client.get(LIST, {"q": "tiers-lieu"}))
    structure.refresh_from_db()
    assert structure.archived


def test_editor_creates_a_structure(client_for):
    client = client_for("editor")
    response = client.post(
        reverse("structures:structure_create"),
        {
            "name": "Garage solidaire",
            "commune": Commune.objects.get(insee_code="50129").pk,
            "legal_form": LegalForm.objects.get(code="9221").pk,
            "family": "",
            "employees": "7",
            "fte": "5,5",
            "siret": "120 001 011 00010",
            "naf": NafCode.objects.get(code="45.20A").pk,
            "siae_type": "ACI",
        },
    )
    assert response.status_code == 302
    garage = Structure.objects.get(name="Garage solidaire")
    assert (garage.family, garage.siren, garage.fte, garage.siae_type) == (
        "association",
        "120001011",
        Decimal("5.5"),
        "ACI",
    )


def test_an_fte_of_two_decimals_is_saved_and_shown(client_for):
    # A part-time post: three quarters of a full-time one.
    client = client_for("editor")
    response = client.post(
        reverse("structures:structure_create"),
        {
            "name": "Épicerie à temps partiel",
            "commune": Commune.objects.get(insee_code="50129").pk,
            "fte": "0,75",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    structure = Structure.objects.get(name="Épicerie à temps partiel")
    assert structure.fte == Decimal("0.75")
    html = client.get(structure.get_absolute_url()).content.decode()
    assert '<dd class="col-7">0,75</dd>' in html


def test_invalid_structure_keeps_the_input_and_says_why(client_for):
    response = client_for("editor").post(
        reverse("structures:structure_create"),
        {
            "name": "Clé fausse",
            "commune": Commune.objects.first().pk,
            "siret": "12000101100011",
            "email": "pas-un-courriel",
            "founding_year": "1492",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "SIRET invalide : il faut 14 chiffres dont la clé de contrôle est juste." in html
    assert "Saisissez une adresse de courriel valide." in html
    assert 'value="Clé fausse"' in html
    assert not Structure.objects.filter(name="Clé fausse").exists()


def test_concurrent_edit_of_a_structure_is_refused(client_for):
    structure = Structure.objects.get(name="Recyclerie du Val de Saire")
    url = reverse("structures:structure_edit", kwargs={"pk": structure.pk})
    client = client_for("editor")
    data = {
        "name": structure.name,
        "commune": structure.commune_id,
        "version": "1",
        "family": "association",
        "siret": structure.siret,
    }
    assert client.post(url, {**data, "employees": "4"}).status_code == 302
    response = client.post(url, {**data, "employees": "9"})
    assert response.status_code == 409
    structure.refresh_from_db()
    assert structure.employees == 4


def test_a_structure_saved_through_its_form_has_its_date_of_update_moved(client_for):
    structure = Structure.objects.get(name="Recyclerie du Val de Saire")
    before = structure.updated_at
    url = reverse("structures:structure_edit", kwargs={"pk": structure.pk})
    data = {
        "name": structure.name,
        "commune": structure.commune_id,
        "version": "1",
        "family": "association",
        "siret": structure.siret,
        "employees": "5",
    }
    assert client_for("editor").post(url, data).status_code == 302
    structure.refresh_from_db()
    assert structure.employees == 5 and structure.updated_at > before


def test_map_has_the_129_communes_shaded_by_count(viewer_client):
    response = viewer_client.get(reverse("structures:structure_map"))
    html = response.content.decode()
    paths = re.findall(r'<path d="M', html)
    assert len(paths) == 129
    cherbourg = Commune.objects.get(insee_code="50129")
    count = Structure.objects.filter(commune=cherbourg).count()
    assert f'aria-label="Cherbourg-en-Cotentin : {count} structures,' in html
    assert f'href="/structures/?commune={cherbourg.pk}"' in html
    empty = Commune.objects.filter(structures__isnull=True).first()
    assert re.search(
        rf'aria-label="{re.escape(empty.name)} : 0 structure, 0 salarié"><path d="[^"]+" fill="#f1f3f5"',
        html,
    )


def test_quantile_breaks():
    # 8 non-zero values, 5 classes: upper bounds at positions 8k/5 - 1 = 0, 2, 3, 5, 7.
    assert breaks([0, 0, 1, 1, 2, 3, 5, 8, 13, 21]) == [1, 2, 3, 8, 21]
    assert breaks([0, 4, 4, 4]) == [4]
    assert breaks([0, 0]) == []


def make_structures(count):
    communes = list(Commune.objects.all())
    form = LegalForm.objects.get(code="9220")
    Structure.objects.bulk_create(
        Structure(
            name=f"Association de charge {n}",
            commune=communes[n % len(communes)],
            legal_form=form,
            family="association",
            employees=n % 30,
        )
        for n in range(count)
    )


# session, user, 2 permissions, data version, count (cached with the data), page (+ commune,
# legal form), then the choices of the filter form: communes, legal forms, NAF sections = 10
LIST_QUERIES = 10


@pytest.mark.parametrize("extra", [0, 1000])
def test_list_query_budget_does_not_grow_with_rows(
    viewer_client, extra, django_assert_max_num_queries
):
    make_structures(extra)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = viewer_client.get(
            LIST, {"q": "association", "family": "association", "sort": "-employees", "page": "2"}
        )
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 1000])
def test_map_and_detail_query_budgets(viewer_client, extra, django_assert_max_num_queries):
    make_structures(extra)
    # session, user, 2 permissions, data version, counts by commune, communes, families with
    # their counts (for the note on the fictitious demo structures) = 8
    with django_assert_max_num_queries(8):
        assert viewer_client.get(reverse("structures:structure_map")).status_code == 200
    structure = Structure.objects.order_by("pk").first()
    # session, user, 2 permissions, structure (+ commune, legal form, NAF), actions, events = 7
    with django_assert_max_num_queries(7):
        assert viewer_client.get(structure.get_absolute_url()).status_code == 200


def test_export_is_the_filtered_list(viewer_client):
    content = viewer_client.get(LIST, {"family": "fondation", "format": "csv"}).content.decode()
    lines = content.strip().split("\r\n")
    assert lines[0].startswith(
        "\ufeffSIRET;SIREN;Nom;Sigle;RNA;Forme juridique;Famille ESS;Code NAF"
    )
    assert len(lines) == 1 + Structure.objects.filter(family="fondation").count()
    assert all(";Fondation;" in line for line in lines[1:])


def test_the_fictitious_demo_structures_are_marked_wherever_their_figures_show(client_for):
    client = client_for("viewer")
    note = "<strong>Données fictives :</strong> 60 de ces structures sont des structures de démonstration inventées"
    assert note in client.get("/").content.decode()
    assert note in client.get(reverse("structures:structure_map")).content.decode()


COTE_DES_ISLES = {  # the ten communes of the former canton of Barneville-Carteret
    "Barneville-Carteret",
    "Fierville-les-Mines",
    "Le Mesnil",
    "Les Moitiers-d'Allonne",
    "Port-Bail-sur-Mer",
    "Saint-Georges-de-la-Rivière",
    "Saint-Jean-de-la-Rivière",
    "Saint-Maurice-en-Cotentin",
    "Saint-Pierre-d'Arthéglise",
    "Sortosville-en-Beaumont",
}


@pytest.mark.parametrize(
    "place, communes",
    [
        ("des Pieux", {"Les Pieux"}),
        ("de la Hague", {"La Hague"}),
        ("de la Côte des Isles", COTE_DES_ISLES),
    ],
)
def test_a_demo_name_that_names_a_place_lies_there(viewer_client, place, communes):
    demo = Structure.objects.filter(name__endswith=place).select_related("commune")
    assert demo.count() == 6
    for structure in demo:
        assert structure.commune.name in communes
        html = viewer_client.get(structure.get_absolute_url()).content.decode()
        assert structure.commune.name.replace("'", "&#x27;") in html


FRENCH_NAMES = [
    "CUMA des Pieux",
    "Café associatif",
    "zèbre solidaire",
    "Épicerie sociale",
    "Ecole de musique",
]
# Case and accents aside, then the name itself: « Ecole » before « Épicerie », « Café »
# before « CUMA » (byte order puts upper case and accented letters after « z »).
IN_FRENCH_ORDER = [
    "Café associatif",
    "CUMA des Pieux",
    "Ecole de musique",
    "Épicerie sociale",
    "zèbre solidaire",
]


def test_names_sort_in_french_in_the_list_its_sort_and_its_export(viewer_client):
    commune = Commune.objects.get(name="Écausseville")
    for name in FRENCH_NAMES:
        Structure.objects.create(name=name, commune=commune, family="association")
    assert names(viewer_client.get(LIST, {"commune": commune.pk})) == IN_FRENCH_ORDER
    assert (
        names(viewer_client.get(LIST, {"commune": commune.pk, "sort": "-name"}))
        == (IN_FRENCH_ORDER[::-1])
    )
    export = viewer_client.get(LIST, {"commune": commune.pk, "format": "csv"}).content.decode()
    assert [line.split(";")[2] for line in export.strip().split("\r\n")[1:]] == IN_FRENCH_ORDER
    # A search's matches too.
    found = viewer_client.get(
        LIST, {"q": "associatif or pieux or sociale or musique or zèbre", "commune": commune.pk}
    )
    assert names(found) == IN_FRENCH_ORDER


def test_communes_sort_in_french_in_the_filter_and_by_commune(viewer_client):
    options = re.findall(
        r'<option value="\d+"[^>]*>([^<]+)</option>', viewer_client.get(LIST).content.decode()
    )
    communes = [
        name
        for name in options
        if name in {"Digosville", "Écausseville", "Émondeville", "Fermanville", "Yvetot-Bocage"}
    ]
    assert communes == ["Digosville", "Écausseville", "Émondeville", "Fermanville", "Yvetot-Bocage"]
    by_commune = viewer_client.get(LIST, {"sort": "commune"}).context["page"]
    assert [s.commune.name for s in by_commune] == sorted(
        (s.commune.name for s in by_commune), key=lambda n: n.lower().replace("é", "e")
    )
