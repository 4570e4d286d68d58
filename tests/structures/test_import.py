"""Importing structures: dry run, confirmation, and every kind of bad file."""

import io
import os
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from structures.models import Structure

pytestmark = pytest.mark.django_db

URL = reverse("structures:structure_import")
CONFIRM = reverse("structures:structure_import_confirm")
HEADER = "SIRET;Nom;Forme juridique;Code commune;Salariés;ETP;SCOP;Famille ESS\n"
# Valid checksums, typed by hand: 120001011 00010 (INSEE's own SIRET) and the demo range.
GOOD = (
    HEADER
    + "12000101100010;Atelier vélo solidaire ;9220;50129;3;2,5;non;\n"
    + ";Épicerie coopérative de Valognes;5460;50615;12;10,8;oui;Coopérative\n"
)


def upload(client, content, name="structures.csv", encoding="utf-8"):
    data = content.encode(encoding) if isinstance(content, str) else content
    return client.post(URL, {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def editor_client(client_for):
    return client_for("editor")


def errors(response):
    return [message for _, message in response.context["report"].errors]


def test_dry_run_shows_what_would_happen_and_writes_nothing(editor_client):
    before = Structure.objects.count()
    response = upload(editor_client, GOOD)
    report = response.context["report"]
    assert report.ok
    assert (report.new, report.updated) == (2, 0)
    assert "2 structures à créer, 0 à mettre à jour" in response.content.decode()
    assert Structure.objects.count() == before


def test_confirmation_imports_all_rows(editor_client):
    token = upload(editor_client, GOOD).context["token"]
    response = editor_client.post(CONFIRM, {"token": token})
    assert response.status_code == 302
    velo = Structure.objects.get(siret="12000101100010")
    assert (
        velo.name,
        velo.commune.insee_code,
        velo.employees,
        velo.fte,
        velo.siren,
        velo.family,
    ) == ("Atelier vélo solidaire", "50129", 3, Decimal("2.5"), "120001011", "association")
    epicerie = Structure.objects.get(name="Épicerie coopérative de Valognes")
    assert (epicerie.is_scop, epicerie.family, epicerie.commune.name) == (
        True,
        "cooperative",
        "Valognes",
    )
    # The same confirmation cannot run twice.
    again = editor_client.post(CONFIRM, {"token": token}, follow=True)
    assert "Cet import est déjà fait (« structures.csv »)." in again.content.decode()
    assert Structure.objects.filter(name="Épicerie coopérative de Valognes").count() == 1


def test_an_fte_of_two_decimals_is_imported(editor_client):
    content = HEADER + "12000101100010;Atelier vélo solidaire;9220;50129;1;0,75;non;\n"
    response = upload(editor_client, content)
    assert response.context["report"].ok, response.context["report"].errors
    editor_client.post(CONFIRM, {"token": response.context["token"]})
    assert Structure.objects.get(siret="12000101100010").fte == Decimal("0.75")


def test_windows_1252_with_comma_separator_is_accepted(editor_client):
    content = GOOD.replace(";", ",").replace("2,5", "2.5").replace("10,8", "10.8")
    report = upload(editor_client, content, encoding="cp1252").context["report"]
    assert report.ok, report.errors
    assert report.new == 2


def test_utf8_with_bom_and_xlsx_are_accepted(editor_client):
    assert upload(editor_client, "\ufeff" + GOOD).context["report"].ok
    workbook = openpyxl.Workbook()
    for line in GOOD.strip().split("\n"):
        workbook.active.append(line.split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = upload(editor_client, buffer.getvalue(), name="structures.xlsx").context["report"]
    assert report.ok, report.errors


def test_an_existing_structure_is_updated_not_duplicated(editor_client):
    existing = Structure.objects.order_by("pk").first()
    content = (
        HEADER + f"{existing.siret};{existing.name};9220;{existing.commune.insee_code};999;;non;\n"
    )
    token = upload(editor_client, content).context["token"]
    editor_client.post(CONFIRM, {"token": token})
    existing.refresh_from_db()
    assert existing.employees == 999
    assert Structure.objects.filter(siret=existing.siret).count() == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("12000101100011;Clé fausse;9220;50129;;;;", "SIRET invalide"),
        (
            "12000101100010;Commune inconnue;9220;99999;;;;",
            "Commune (code INSEE) inconnu(e) : « 99999 »",
        ),
        ("12000101100010;Forme inconnue;1234;50129;;;;", "Forme juridique inconnu(e) : « 1234 »"),
        (
            "12000101100010;Salariés faux;9220;50129;beaucoup;;;",
            "« beaucoup » n'est pas un nombre.",
        ),
        ("12000101100010;Oui ou non;9220;50129;;;peut-être;", "« peut-être » n'est ni oui ni non."),
        (";;9220;50129;;;;", "Nom"),
        ("12000101100010;Sans commune;9220;;;;;", "La commune (code INSEE) est obligatoire."),
    ],
)
def test_one_bad_row_rejects_the_whole_file_with_a_french_message(editor_client, line, message):
    before = Structure.objects.count()
    content = (
        HEADER + "00000001800010;Recyclerie du Val de Saire;9220;50618;2;;non;\n" + line + "\n"
    )
    response = upload(editor_client, content)
    report = response.context["report"]
    assert not report.ok
    assert any(message in text for text in errors(response)), errors(response)
    assert any(number == 3 for number, _ in report.errors), report.errors
    assert response.context["token"] is None
    assert Structure.objects.count() == before


def test_duplicate_rows_in_the_file_are_rejected(editor_client):
    content = GOOD + "12000101100010;Atelier vélo (bis);9220;50129;;;;\n"
    report = upload(editor_client, content).context["report"]
    assert report.errors == [(4, "Doublon dans le fichier : même SIRET qu'à la ligne 2.")]


def test_missing_required_column_is_a_file_error(editor_client):
    report = upload(editor_client, "SIRET;Nom\n12000101100010;Sans commune\n").context["report"]
    assert report.errors == [
        (
            None,
            "Colonne(s) obligatoire(s) absente(s) : Code commune. La "
            "première ligne doit porter les noms de colonnes (voir le "
            "modèle d'export).",
        )
    ]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "vide.csv", "Le fichier soumis est vide."),
        (b"Nom;Code commune\n", "entete.csv", "Le fichier ne contient aucune ligne de données."),
        (
            b"Nom;Code commune\nA;50129;en trop\n",
            "colonnes.csv",
            "la ligne 2 a 3 colonnes au lieu de 2",
        ),
        (b"\x00\x01\x02binaire", "binaire.csv", "Fichier illisible"),
        (b"PK\x03\x04pas un classeur", "faux.xlsx", "Fichier illisible"),
        ("Nom;Code commune\nA;50129\n".encode("utf-16"), "utf16.csv", "Fichier illisible"),
        (b"col\n1\n", "structures.pdf", "Format non pris en charge"),
    ],
)
def test_unreadable_files_get_a_clear_french_error(editor_client, content, name, message):
    response = upload(editor_client, content, name=name)
    html = response.content.decode()
    assert message in html
    assert response.context.get("token") is None


def test_ten_megabytes_of_garbage_are_refused_without_reading_them(editor_client):
    garbage = os.urandom(10 * 1024 * 1024 + 1)
    response = upload(editor_client, garbage, name="gros.csv")
    assert "Fichier trop volumineux : 10 Mo au plus." in response.content.decode()


def test_ten_megabytes_of_text_garbage_are_rejected_cleanly(editor_client):
    garbage = (b"n'importe quoi;" * 700_000)[: 10 * 1024 * 1024 - 1]
    response = upload(editor_client, garbage, name="bruit.csv")
    assert response.status_code == 200
    assert (
        "la ligne d&#x27;en-tête répète la colonne « n&#x27;importe quoi »"
        in response.content.decode()
    )


def test_export_then_import_changes_nothing(editor_client):
    exported = editor_client.get(
        reverse("structures:structure_list"), {"format": "csv"}
    ).content.decode("utf-8")
    before = list(Structure.objects.order_by("pk").values())
    report = upload(editor_client, exported).context["report"]
    assert report.ok, report.errors[:3]
    assert (report.new, report.updated) == (0, 60)
    editor_client.post(CONFIRM, {"token": upload(editor_client, exported).context["token"]})
    after = list(Structure.objects.order_by("pk").values())

    def strip(rows):
        return [
            {k: v for k, v in row.items() if k not in {"updated_at", "version"}} for row in rows
        ]

    assert strip(after) == strip(before)


def test_viewer_cannot_import(client_for):
    response = client_for("viewer").post(URL, {"file": SimpleUploadedFile("a.csv", GOOD.encode())})
    assert response.status_code == 403
