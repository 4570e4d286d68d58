"""Imports as users really make them: files saved by LibreOffice, odd encodings and columns,
confirmations sent twice, by someone else, too late, or after the data changed."""

import datetime
import re
import tracemalloc
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from essplan import roles, spreadsheets
from essplan.models import StagedImport
from essplan.spreadsheets import UnreadableFile, read_sheet
from structures.models import Structure
from tests.conftest import make_user
from tests.files import hostile_sheets
from tests.helpers import at_once
from tests.structures.test_import import CONFIRM, GOOD, HEADER, upload

pytestmark = pytest.mark.django_db

FILES = Path(__file__).resolve().parent.parent / "files"


@pytest.fixture
def editor_client(client_for):
    return client_for("editor")


def confirm(client, response):
    return client.post(CONFIRM, {"token": response.context["token"]}, follow=True)


def notes(response):
    return response.context["report"].notes


# Spreadsheets as offices save them


@pytest.mark.parametrize("name", ["flags-libreoffice.ods", "flags-libreoffice.xlsx"])
def test_flags_saved_by_libreoffice_land_in_their_own_columns(editor_client, name):
    response = upload(editor_client, (FILES / name).read_bytes(), name=name)
    assert response.context["report"].ok, response.context["report"].errors
    confirm(editor_client, response)
    three = Structure.objects.get(name="Coopérative des trois oui")
    assert (
        three.is_scop,
        three.is_scic,
        three.is_cae,
        three.is_cuma,
        three.esus_approved,
        three.committee_member,
    ) == (True, True, True, False, False, False)
    bare = Structure.objects.get(name="Association sans statut")
    assert (bare.is_scop, bare.committee_member) == (False, True)
    no = Structure.objects.get(name="Coopérative tout non")
    assert (no.is_scop, no.esus_approved, no.committee_member) == (False, False, True)


def test_a_stray_cell_on_the_last_row_of_an_xlsx_costs_no_memory():
    content = (FILES / "stray-last-row.xlsx").read_bytes()
    tracemalloc.start()
    try:
        sheet = read_sheet("stray-last-row.xlsx", content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert list(sheet.dataset) == [
        ("Atelier du bout du monde", "50129"),
        ("Ressourcerie des marais", "50129"),
    ]
    assert peak < 32 * 1024 * 1024  # the whole-sheet reader took gigabytes


def read_within(name, content, megabytes=16):
    """The UnreadableFile read_sheet raises on CONTENT, checked to cost less than MEGABYTES."""
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile) as refusal:
            read_sheet(name, content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < megabytes * 1024 * 1024, peak
    return re.sub(r"\s", " ", str(refusal.value))


def test_a_cell_repeated_twenty_million_times_in_an_ods_is_refused_by_name():
    message = read_within("s.ods", hostile_sheets.ods_repeated_cell(20_000_000))
    assert message.startswith("la cellule GS2 est au-delà de la colonne GR")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("s.ods", hostile_sheets.ods_long_cell(20_000_000)),
        ("s.xlsx", hostile_sheets.xlsx_long_shared_string(20_000_000)),
    ],
)
def test_a_twenty_megabyte_cell_is_refused_without_being_loaded(name, content):
    assert read_within(name, content) == (
        "la cellule A2 dépasse 10 000 caractères : raccourcissez-la."
    )


def test_a_stray_value_at_the_sheets_last_cell_is_refused_at_once():
    content = hostile_sheets.xlsx(
        [["Nom", "Code commune"], ["A", "50129"]], stray=("XFD1048576", "x")
    )
    assert read_within("s.xlsx", content).startswith("la cellule XFD1048576 est au-delà")


def test_a_stray_blank_at_the_sheets_last_cell_is_ignored():
    content = hostile_sheets.xlsx(
        [["Nom", "Code commune"], ["A", "50129"]], stray=("XFD1048576", " ")
    )
    assert list(read_sheet("s.xlsx", content).dataset) == [("A", "50129")]


def test_a_zip_part_that_unpacks_too_far_is_refused_from_the_zip_directory(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_PART", 1000)
    with pytest.raises(UnreadableFile, match="partie « xl/sharedStrings.xml »"):
        read_sheet("s.xlsx", hostile_sheets.xlsx_long_shared_string(2000))


def test_a_file_over_the_row_limit_is_refused_with_its_reason(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 2)
    with pytest.raises(UnreadableFile, match="plus de 2 lignes : découpez-le"):
        read_sheet("s.csv", (HEADER + "1;a;;50129;;;;\n" * 3).encode())


# Encodings


def test_a_utf8_file_with_one_windows_row_is_refused_not_renamed(editor_client):
    content = (
        "Nom;Code commune\nAide à domicile;50129\n".encode()
        + "Café associatif;50129\n".encode("cp1252")
    )
    response = upload(editor_client, content)
    html = response.content.decode()
    assert "la ligne 3 n&#x27;est pas en UTF-8 alors que le reste du fichier l&#x27;est" in html
    assert not Structure.objects.filter(name__startswith="Aide Ã").exists()


def test_a_windows_file_is_read_and_the_dry_run_says_so_with_a_sample(editor_client):
    response = upload(
        editor_client, "Nom;Code commune\nCafé des échanges;50129\n", encoding="cp1252"
    )
    assert response.context["report"].ok
    assert any(
        "lu comme un fichier Windows (Windows-1252) (exemple : « Café »)" in note
        for note in notes(response)
    )
    assert response.context["report"].rows[0][2].startswith("Café des échanges")


@pytest.mark.parametrize(
    "line",
    [
        "Épicerie santé\u00a0: bio;50129",
        "Café–Théâtre;50129",
        "Voilà…;50129",
        "« Chez René\u00a0»;50129",
        "L’atelier à 20\u00a0°C;50129",
        "Pressé’s;50129",
    ],
)
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_french_typography_is_read_in_either_encoding(line, encoding):
    content = f"Nom;Code commune\n{line}\n".encode(encoding)
    assert list(read_sheet("s.csv", content).dataset) == [tuple(line.split(";"))]


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "d'un PDF"),
        ((FILES / "flags-libreoffice.xlsx").read_bytes(), "d'une archive ZIP"),
    ],
)
def test_a_binary_file_renamed_csv_is_told_it_is_not_a_csv(content, kind):
    with pytest.raises(
        UnreadableFile, match=f"n'est pas un fichier CSV \\(texte\\) : son contenu est celui {kind}"
    ):
        read_sheet("s.csv", content)


def test_a_bom_never_becomes_part_of_the_first_header(editor_client):
    response = upload(
        editor_client,
        b"\xef\xbb\xbf" + "SIRET;Nom;Code commune\n12000101100010;Atelier vélo;50129\n".encode(),
    )
    assert response.context["report"].ok
    confirm(editor_client, response)
    assert Structure.objects.get(name="Atelier vélo").siret == "12000101100010"


def test_a_bom_before_windows_text_is_refused():
    with pytest.raises(UnreadableFile, match="pas en UTF-8"):
        read_sheet("s.csv", b"\xef\xbb\xbf" + "Nom;Code commune\nCafé;50129\n".encode("cp1252"))


# Columns


def test_unknown_columns_are_named_on_the_dry_run(editor_client):
    response = upload(
        editor_client, "Nom;Code commune;Salaries;Courriel contact\nAtelier vélo;50129;3;a@b.fr\n"
    )
    assert "Colonnes ignorées (nom inconnu) : « Salaries » et « Courriel contact »." in (
        notes(response)
    )


def test_a_repeated_column_is_refused():
    with pytest.raises(UnreadableFile, match="répète la colonne « Nom »"):
        read_sheet("s.csv", b"Nom;Code commune;Nom\nA;50129;B\n")


def test_a_commune_name_that_contradicts_its_code_is_flagged(editor_client):
    response = upload(
        editor_client,
        "Nom;Code commune;Commune\nAtelier vélo;50129;Valognes\nÉpicerie;50615;valognes\n",
    )
    assert notes(response) == [
        "Ligne 2 : la commune « Valognes » ne correspond pas au code INSEE 50129 (Cherbourg-en-Cotentin) ; "
        "c'est le code qui est retenu."
    ]


def test_a_row_without_siret_like_a_structure_with_one_is_a_probable_duplicate(editor_client):
    existing = Structure.objects.exclude(siret="").select_related("commune").first()
    response = upload(
        editor_client, f"Nom;Code commune\n{existing.name};{existing.commune.insee_code}\n"
    )
    assert notes(response) == [
        f"Ligne 2 : « {existing.name} » n'a pas de SIRET, mais une structure de même nom existe "
        f"dans cette commune (SIRET {existing.siret}) : doublon probable."
    ]


def test_our_own_export_comes_back_exactly_even_with_formula_like_text(editor_client):
    structure = Structure.objects.order_by("pk").first()
    Structure.objects.filter(pk=structure.pk).update(
        phone="+33 2 33 00 00 00", address="-12 rue du Port"
    )
    exported = editor_client.get(reverse("structures:structure_list"), {"format": "csv"})
    text = exported.content.decode("utf-8-sig")
    assert "'+33 2 33 00 00 00" in text and "'-12 rue du Port" in text
    confirm(editor_client, upload(editor_client, text.encode()))
    structure.refresh_from_db()
    assert (structure.phone, structure.address) == ("+33 2 33 00 00 00", "-12 rue du Port")


# Confirmations


def test_a_staged_import_belongs_to_who_uploaded_it(editor_client):
    checked = upload(editor_client, GOOD)
    other = Client()
    other.force_login(make_user("berenice", roles.EDITOR))
    refused = other.post(CONFIRM, {"token": checked.context["token"]}, follow=True)
    assert "Cet import a expiré ou n&#x27;existe pas" in refused.content.decode()
    assert not Structure.objects.filter(siret="12000101100010").exists()


def test_a_staged_import_expires_and_its_content_is_erased(editor_client, settings):
    checked = upload(editor_client, GOOD)
    staged = StagedImport.objects.get(token=checked.context["token"])
    assert "Atelier vélo solidaire" in staged.content
    StagedImport.objects.filter(pk=staged.pk).update(
        created_at=timezone.now() - settings.IMPORT_STAGING_TTL - datetime.timedelta(minutes=1)
    )
    refused = confirm(editor_client, checked)
    assert "Cet import a expiré ou n&#x27;existe pas" in refused.content.decode()
    assert not StagedImport.objects.filter(pk=staged.pk).exists()
    assert not Structure.objects.filter(siret="12000101100010").exists()


def test_a_confirmed_import_keeps_no_contact_data(editor_client):
    checked = upload(editor_client, GOOD)
    confirm(editor_client, checked)
    staged = StagedImport.objects.get(token=checked.context["token"])
    assert staged.consumed_at is not None and staged.content == ""


def test_a_dry_run_made_stale_by_an_edit_is_checked_again_instead_of_overwriting(editor_client):
    structure = Structure.objects.exclude(siret="").select_related("commune").first()
    checked = upload(
        editor_client,
        f"SIRET;Nom;Code commune;Salariés\n{structure.siret};"
        f"{structure.name};{structure.commune.insee_code};7\n",
    )
    assert checked.context["report"].ok
    Structure.objects.filter(pk=structure.pk).update(employees=42)  # someone's edit meanwhile
    stale = editor_client.post(CONFIRM, {"token": checked.context["token"]})
    assert stale.status_code == 409
    assert "Les données ont changé depuis la vérification du fichier" in stale.content.decode()
    assert stale.context["token"] and stale.context["token"] != checked.context["token"]
    structure.refresh_from_db()
    assert structure.employees == 42


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_confirmations_import_once(editor):
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(editor)
        clients.append(client)
    token = upload(clients[0], GOOD).context["token"]
    before = Structure.objects.count()
    answers = at_once(
        *(
            lambda client=client: client.post(
                CONFIRM, {"token": token}, follow=True
            ).content.decode()
            for client in clients
        )
    )
    assert Structure.objects.count() == before + 2
    assert sum("Import terminé : 2 structures créées" in answer for answer in answers) == 1
    assert sum("Cet import est déjà fait" in answer for answer in answers) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_confirmation_waits_for_another_one_of_the_same_file(editor, monkeypatch):
    """Deterministic: while this test holds the staged row (as a first confirmation would),
    a second confirmation must wait for it before it imports anything."""
    from django.db import OperationalError, connection, transaction

    from essplan import imports
    from essplan.imports import import_staged
    from structures.resources import StructureResource

    imported = []
    real_run_import = imports.run_import

    def recording_run_import(*args, **kwargs):
        imported.append(kwargs.get("dry_run"))
        return real_run_import(*args, **kwargs)

    client = Client()
    client.force_login(editor)
    token = upload(client, GOOD).context["token"]
    monkeypatch.setattr(imports, "run_import", recording_run_import)

    def confirm_again():
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        try:
            import_staged(token, StructureResource(), namespace="structures", user=editor)
        except OperationalError:
            return "waited"
        return "imported without waiting"

    with transaction.atomic():
        list(StagedImport.objects.select_for_update().filter(token=token))
        assert at_once(confirm_again) == ["waited"]
    assert imported == []  # it waited before reading the file, not after importing it
    assert not Structure.objects.filter(siret="12000101100010").exists()


def test_a_dry_run_stays_valid_through_writes_elsewhere_than_the_directory(
    editor_client, action, editor
):
    """During a campaign, points, budget lines and listing requests are written all day: none
    of them is what a directory import matches its rows against."""
    from actions.models import BudgetLine, ProgressUpdate, Status
    from structures.models import ListingRequest

    checked = upload(editor_client, GOOD)
    ProgressUpdate.objects.create(
        action=action, year=2025, status=Status.IN_PROGRESS, progress=40, author=editor
    )
    BudgetLine.objects.create(action=action, year=2025, label="Salle", planned=1200)
    ListingRequest.objects.create(
        siret="12000101100010",
        name="Atelier vélo solidaire",
        commune=Structure.objects.first().commune,
        contact_name="Inès Marie",
        email="contact@atelier.test",
        consent=True,
    )
    editor.first_name = "Émile"
    editor.save()
    done = confirm(editor_client, checked)
    assert done.status_code == 200
    assert Structure.objects.filter(siret="12000101100010").exists()
