"""Imports above IMPORT_JOB_ROWS rows: checked and imported by jobs (the immediate backend
here; tests/jobs/test_worker.py runs one through a real worker), shown on the import page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from essplan import imports, roles
from essplan.import_jobs import start_confirmation
from essplan.models import StagedImport
from jobs.models import Job, Status
from jobs.runner import start
from structures.models import Structure
from structures.resources import StructureResource
from tests.conftest import make_user
from tests.helpers import at_once
from tests.structures.test_import import CONFIRM, GOOD, HEADER, URL

pytestmark = pytest.mark.django_db
LIST = reverse("structures:structure_list")
# Three rows: above the threshold of one row set below, so every upload here is a job.
THREE = GOOD + ";Garage solidaire de la Hague;9220;50041;1;;non;\n"


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.IMPORT_JOB_ROWS = 1


@pytest.fixture
def editor_client(client_for):
    return client_for("editor")


def upload(client, content, name="annuaire.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content.encode())})


def only_job():
    return Job.objects.get(kind="import", arguments__step="check")


def test_a_large_file_is_checked_by_a_job_whose_result_the_import_page_shows(editor_client):
    before = Structure.objects.count()
    response = upload(editor_client, THREE)
    job = only_job()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.label == "Vérification de « annuaire.csv » (3 lignes)"
    assert job.status == Status.DONE, job.error
    assert (job.done, job.total, job.unit) == (3, 3, "lignes")
    assert job.message == (
        "Le fichier est valide : 3 à créer, 0 à mettre à jour. Rien n'est "
        "encore enregistré : ouvrez le résultat pour confirmer."
    )
    assert job.result_url == f"{URL}?travail={job.pk}"
    assert Structure.objects.count() == before
    page = editor_client.get(job.result_url)
    assert page.context["report"].ok and page.context["file_name"] == "annuaire.csv"
    assert "3 structures à créer, 0 à mettre à jour" in page.content.decode()
    token = page.context["token"]
    staged = StagedImport.objects.get(token=token)
    assert (staged.rows, staged.checked, staged.consumed_at) == (3, True, None)


def test_the_confirmation_of_a_large_file_is_a_job_and_imports_once(editor_client):
    upload(editor_client, THREE)
    token = only_job().result["token"]
    first = editor_client.post(CONFIRM, {"token": token})
    again = editor_client.post(CONFIRM, {"token": token})  # a second click on « Confirmer »
    confirm = Job.objects.get(kind="import", arguments__step="confirm")
    assert first.url == again.url == confirm.get_absolute_url()
    assert confirm.status == Status.DONE, confirm.error
    assert confirm.message == "Import terminé : 3 structures créées, 0 mise à jour."
    assert confirm.result_url == LIST
    assert Structure.objects.filter(name="Garage solidaire de la Hague").count() == 1


def test_a_second_confirmation_job_of_the_same_file_finds_it_done(editor_client):
    upload(editor_client, THREE)
    check = only_job()
    arguments = {
        **check.arguments,
        "step": "confirm",
        "token": check.result["token"],
        "done_url": LIST,
        "created": ["structure créée", "structures créées"],
    }
    user = check.created_by
    jobs = [imports_job(arguments, user) for _ in range(2)]
    assert [job.message for job in jobs] == [
        "Import terminé : 3 structures créées, 0 mise à jour.",
        "Cet import était déjà fait (« annuaire.csv »).",
    ]
    assert Structure.objects.filter(name="Garage solidaire de la Hague").count() == 1


def imports_job(arguments, user):
    job = start("import", label="Import", arguments=arguments, user=user)
    assert job.status == Status.DONE, job.error
    return job


def test_a_large_file_with_errors_shows_them_and_offers_no_confirmation(editor_client):
    before = Structure.objects.count()
    upload(editor_client, THREE + "12000101100011;Clé fausse;9220;50129;;;;\n")
    job = only_job()
    assert job.message == (
        "Le fichier contient 1 erreur : rien n'a été importé. Ouvrez le "
        "résultat pour les voir ligne par ligne."
    )
    page = editor_client.get(job.result_url)
    assert [line for line, _ in page.context["report"].errors] == [5]
    assert page.context["token"] is None
    assert "Confirmer l'import" not in page.content.decode()
    assert not StagedImport.objects.exists()
    assert Structure.objects.count() == before


def test_a_change_between_check_and_confirmation_checks_again(editor_client):
    upload(editor_client, THREE)
    old = only_job().result["token"]
    structure = Structure.objects.order_by("pk").first()
    structure.employees = 41
    structure.save()
    editor_client.post(CONFIRM, {"token": old})
    confirm = Job.objects.get(kind="import", arguments__step="confirm")
    assert confirm.message.startswith(
        "Les données ont changé depuis la vérification du "
        "fichier : il vient d'être vérifié à nouveau"
    )
    assert not Structure.objects.filter(name="Garage solidaire de la Hague").exists()
    page = editor_client.get(confirm.result_url)
    assert page.context["token"] not in (None, old)


def test_an_expired_file_makes_the_confirmation_job_fail_in_french(editor_client):
    upload(editor_client, THREE)
    token = only_job().result["token"]
    StagedImport.objects.filter(token=token).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    editor_client.post(CONFIRM, {"token": token})
    confirm = Job.objects.get(kind="import", arguments__step="confirm")
    assert confirm.status == Status.FAILED
    assert confirm.error == "Cet import a expiré ou n'existe pas : chargez le fichier à nouveau."


def test_the_result_is_shown_only_to_who_asked_for_it(editor_client, client):
    upload(editor_client, THREE)
    job = only_job()
    other = make_user("autre-editeur", roles.EDITOR)
    client.force_login(other)
    page = client.get(job.result_url)
    assert page.status_code == 200 and "report" not in page.context
    assert client.get(job.get_absolute_url()).status_code == 404


def test_a_file_at_the_threshold_is_still_checked_in_the_request(editor_client, settings):
    settings.IMPORT_JOB_ROWS = 3
    response = upload(editor_client, THREE)
    assert response.status_code == 200 and response.context["report"].new == 3
    assert not Job.objects.exists()


def test_the_rows_read_are_reported_as_the_import_goes(db, monkeypatch):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 0)
    seen = []
    dataset = imports.read_sheet("a.csv", THREE.encode()).dataset
    report = imports.run_import(
        StructureResource(), dataset, dry_run=True, progress=lambda **fields: seen.append(fields)
    )
    assert report.ok, report.errors
    assert seen == [
        {"done": 0, "total": 3, "unit": "lignes"},
        {"done": 1},
        {"done": 2},
        {"done": 3},
    ]


def test_headers_only_keep_the_large_path_out(editor_client):
    response = upload(editor_client, HEADER)
    assert "Le fichier ne contient aucune ligne de données." in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_confirmations_at_the_same_moment_start_one_job(settings):
    """Two « Confirmer » at once (two tabs, a double click that beats the page): the staged
    row is locked first, so the second finds the first one's job."""
    settings.JOBS_BACKEND = "default"  # queued, not run: both requests look for a job
    user = make_user("emile", roles.EDITOR)
    dataset = imports.read_sheet("a.csv", THREE.encode()).dataset
    token = imports.stage(
        dataset,
        namespace="structures",
        user=user,
        file_name="a.csv",
        read=imports.read_versions(StructureResource()),
    )

    def confirm():
        return start_confirmation(
            token,
            StructureResource(),
            namespace="structures",
            user=user,
            page_url=URL,
            done_url=LIST,
            created=("créée", "créées"),
        ).pk

    first, second = at_once(confirm, confirm)
    assert first == second
    assert Job.objects.filter(kind="import", arguments__step="confirm").count() == 1
