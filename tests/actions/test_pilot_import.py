"""Naming pilots in bulk: a « Code;E-mail » file, checked then imported all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from essplan import roles
from tests.conftest import COTENTIN, make_user

pytestmark = pytest.mark.django_db

IMPORT = reverse("actions:pilot_import", kwargs={"slug": COTENTIN})
CONFIRM = reverse("actions:pilot_import_confirm", kwargs={"slug": COTENTIN})
TABLE = reverse("actions:pilot_table", kwargs={"slug": COTENTIN})


@pytest.fixture
def people(db):
    zoe = make_user("zoe", roles.PILOT)
    zoe.email = "zoe.lefevre@lecotentin.fr"
    zoe.save()
    return {
        "zoe": zoe,
        "emile": make_user("emile", roles.EDITOR),
        "victor": make_user("victor", roles.VIEWER),
    }


def upload(client, text, name="pilotes.csv", encoding="cp1252"):
    """A CSV as French Excel saves it: « ; » and Windows-1252."""
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, text.encode(encoding))})


def test_pilots_named_in_bulk_after_a_dry_run(client_for, plan, people, pilot):
    client = client_for("editor")
    text = (
        "Code;E-mail\r\n1.4.7;Zoe.Lefevre@LeCotentin.fr\r\n2.1.1;zoe.lefevre@lecotentin.fr\r\n"
        "2.1.1;emile@lecotentin.test\r\n1.4.7;paul@lecotentin.test\r\n"
    )
    response = upload(client, text)
    report = response.context["report"]
    assert report.ok, report.errors
    # Paul already pilots 1.4.7: that row changes nothing.
    assert report.new == 3
    assert not plan.actions.get(code="2.1.1").pilots.exists()
    client.post(CONFIRM, {"token": response.context["token"]})
    assert sorted(plan.actions.get(code="1.4.7").pilots.values_list("username", flat=True)) == [
        "paul",
        "zoe",
    ]
    assert sorted(plan.actions.get(code="2.1.1").pilots.values_list("username", flat=True)) == [
        "emile",
        "zoe",
    ]
    page = client.get(TABLE).content.decode()
    assert "zoe.lefevre@lecotentin.fr" in page
    export = client.get(TABLE, {"format": "csv"}).content.decode("utf-8-sig").splitlines()
    assert export[0] == "Code;Action;E-mail;Pilote"
    assert "2.1.1;Elaborer une communication adaptée;zoe.lefevre@lecotentin.fr;" in export


def test_a_bad_file_imports_nothing_and_names_each_bad_row(client_for, plan, people):
    text = (
        "Code;E-mail\n1.4.7;zoe.lefevre@lecotentin.fr\n9.9.9;zoe.lefevre@lecotentin.fr\n"
        "2.1.1;victor@lecotentin.test\n2.1.1;inconnu@example.org\n"
        "1.4.7;ZOE.lefevre@lecotentin.fr\n"
    )
    report = upload(client_for("editor"), text).context["report"]
    assert not report.ok
    messages = dict(report.errors)
    assert messages[3] == "Action inconnue dans ce plan : « 9.9.9 »."
    assert (
        "Aucun compte de pilote, de l'équipe ESS ou d'administrateur n'a l'adresse "
        "« victor@lecotentin.test »" in messages[4]
    )
    assert "« inconnu@example.org »" in messages[5]
    assert messages[6] == "Doublon dans le fichier : même action et même pilote qu'à la ligne 2."
    assert not plan.actions.filter(pilots__isnull=False).exists()


def test_missing_columns_are_named(client_for, people):
    report = upload(client_for("editor"), "Action;Courriel\n1.4.7;x@y.fr\n").context["report"]
    assert not report.ok
    assert "Colonne(s) obligatoire(s) absente(s) : Code, E-mail." in str(report.errors)
