import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from structures.forms import StructureForm
from structures.models import Commune, LegalForm, NafCode, Structure

pytestmark = pytest.mark.django_db

# SIRET of INSEE itself (a public body's published number), used only for its checksum.
VALID_SIRET = "12000101100010"


def test_reference_data_holds_the_129_communes_of_the_cotentin():
    assert Commune.objects.count() == 129
    cherbourg = Commune.objects.get(insee_code="50129")
    assert cherbourg.name == "Cherbourg-en-Cotentin"
    assert "50100" in cherbourg.postal_codes
    assert cherbourg.svg_path.startswith("M")
    # DATA.md: the 129 communes share 22 postal codes.
    assert (
        len(
            {
                code
                for codes in Commune.objects.values_list("postal_codes", flat=True)
                for code in codes
            }
        )
        == 22
    )


def test_reference_data_holds_naf_and_legal_forms():
    assert NafCode.objects.count() == 732
    assert NafCode.objects.get(code="88.99B").section == "Q"
    assert LegalForm.objects.get(code="9220").family == "association"
    assert LegalForm.objects.get(code="6316").family == "cooperative"


@pytest.mark.parametrize("siret", ["12000101100011", "1200010110001", "ABCDEFGHIJKLMN"])
def test_siret_checksum_is_validated(siret):
    structure = Structure(name="Test", siret=siret, commune=Commune.objects.first())
    with pytest.raises(ValidationError) as excinfo:
        structure.full_clean()
    assert "SIRET invalide" in str(excinfo.value.message_dict["siret"])


def test_siret_is_unique_when_present():
    commune = Commune.objects.first()
    Structure.objects.create(name="A", siret=VALID_SIRET, commune=commune)
    Structure.objects.create(name="B", commune=commune)
    Structure.objects.create(name="C", commune=commune)
    with pytest.raises(IntegrityError, match="unique_structure_siret"):
        Structure.objects.create(name="D", siret=VALID_SIRET, commune=commune)


def form_data(**changes):
    data = {
        "name": "Ressourcerie test",
        "commune": Commune.objects.get(insee_code="50129").pk,
        "legal_form": LegalForm.objects.get(code="9220").pk,
        "family": "",
    }
    data.update(changes)
    return data


def test_form_proposes_the_family_from_the_legal_form_and_derives_the_siren():
    form = StructureForm(form_data(siret="120 001 011 00010"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["family"] == "association"
    assert form.cleaned_data["siret"] == VALID_SIRET
    assert form.cleaned_data["siren"] == "120001011"


def test_form_keeps_a_family_chosen_by_the_user():
    form = StructureForm(form_data(family="societe_commerciale"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["family"] == "societe_commerciale"


def test_form_requires_a_known_commune_and_a_coherent_siren():
    form = StructureForm(form_data(commune="999999", siret=VALID_SIRET, siren="732829320"))
    assert not form.is_valid()
    assert "commune" in form.errors
    assert form.errors["siren"] == ["Le SIREN doit être le début du SIRET."]
