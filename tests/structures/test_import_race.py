"""Two editors confirming at the same moment files that make the same structures (by SIRET,
or by name and commune when there is none): the second confirmation waits for the first,
then is checked again against what it wrote, as a later confirmation would be. Never a
duplicate, never a 500, on the page and in a job alike."""

import time

import pytest
from django.db import connection
from django.test import Client

from essplan import imports, roles
from jobs.models import Job, Status
from structures.models import Structure
from structures.resources import StructureResource
from tests.conftest import make_user
from tests.helpers import at_once
from tests.structures.test_import import CONFIRM, HEADER, upload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NO_SIRET = HEADER + (
    ";Épicerie coopérative de Valognes;5460;50615;12;10,8;oui;Coopérative\n"
    ";Garage solidaire de la Hague;9220;50041;1;;non;\n"
    ";Atelier vélo partagé de la Saire;9220;50129;4;;non;\n"
)
# Valid checksums, computed by hand with the Luhn key (SIREN 100000009, 100000017, 100000025).
SIRETS = ["10000000900017", "10000001700010", "10000002500013"]
WITH_SIRET = HEADER + (
    f"{SIRETS[0]};Épicerie coopérative de Valognes;5460;50615;12;10,8;oui;Coopérative\n"
    f"{SIRETS[1]};Garage solidaire de la Hague;9220;50041;1;;non;\n"
    f"{SIRETS[2]};Atelier vélo partagé de la Saire;9220;50129;4;;non;\n"
)
NAMES = [
    "Atelier vélo partagé de la Saire",
    "Garage solidaire de la Hague",
    "Épicerie coopérative de Valognes",
]  # in Python's order
FILES = pytest.mark.parametrize("content", [NO_SIRET, WITH_SIRET], ids=["no-siret", "siret"])
STALE = "Les données ont changé depuis la vérification du fichier"


def someone_waits_for_a_lock():
    """Whether a session of the test database waits for a lock another one holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks JOIN pg_stat_activity USING (pid) "
            "WHERE NOT granted AND datname = current_database())"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def side_by_side(monkeypatch):
    """Hold each confirmation at the start of its import for good until the other one gets
    there too, or waits in the database for this one (it would then never get there while
    this one is held): both confirmations have checked the data before either writes, unless
    they are made to take turns."""
    arrived = []
    real_run_import = imports.run_import

    def held(resource, dataset, *, dry_run, **kwargs):
        if not dry_run:
            arrived.append(dataset)
            deadline = time.monotonic() + 30
            while len(arrived) < 2 and not someone_waits_for_a_lock():
                assert time.monotonic() < deadline, "the other confirmation never came"
                time.sleep(0.005)  # a poll of the condition above, not a guess of a delay
        return real_run_import(resource, dataset, dry_run=dry_run, **kwargs)

    monkeypatch.setattr(imports, "run_import", held)


def two_editors_checked(content):
    """Two editors' clients, each with the token of its own dry run of CONTENT."""
    checked = []
    for name in ("emile", "elsa"):
        client = Client(raise_request_exception=False)
        client.force_login(make_user(name, roles.EDITOR))
        response = upload(client, content)
        assert response.context["report"].ok, response.context["report"].errors
        checked.append((client, response.context["token"]))
    return checked


def confirm(client, token):
    def call():
        response = client.post(CONFIRM, {"token": token})
        return response.status_code, response.content.decode()

    return call


def imported_once():
    return sorted(Structure.objects.filter(name__in=NAMES).values_list("name", flat=True))


@FILES
def test_two_editors_confirming_the_same_rows_at_once_create_them_once(content, side_by_side):
    answers = at_once(*(confirm(client, token) for client, token in two_editors_checked(content)))
    assert imported_once() == NAMES  # 6 structures for 3 without SIRET, when both wrote
    assert sorted(status for status, _ in answers) == [302, 409]  # a 500 with SIRET
    second = next(page for status, page in answers if status == 409)
    # Checked again against the first one's rows: the same three are now updates.
    assert STALE in second
    assert "0 structure à créer, 3 à mettre à jour" in second


@FILES
def test_two_import_jobs_confirming_the_same_rows_at_once_create_them_once(
    content, side_by_side, settings
):
    checked = two_editors_checked(content)
    settings.IMPORT_JOB_ROWS = 1  # the confirmations of these three rows are jobs
    answers = at_once(*(confirm(client, token) for client, token in checked))
    assert [status for status, _ in answers] == [302, 302]  # each to its job's page
    jobs = Job.objects.filter(kind="import", arguments__step="confirm")
    assert [job.status for job in jobs] == [Status.DONE, Status.DONE], [job.error for job in jobs]
    done, stale = sorted(jobs, key=lambda job: job.message.startswith(STALE))
    assert done.message == "Import terminé : 3 structures créées, 0 mise à jour."
    assert stale.message.startswith(STALE)
    assert imported_once() == NAMES
    assert (stale.result["report"]["new"], stale.result["report"]["updated"]) == (0, 3)


@pytest.mark.django_db
def test_a_siret_recorded_by_someone_else_during_the_import_is_a_french_error(monkeypatch, editor):
    """A form (or an accepted listing request) does not wait for imports: a structure it
    records after the import read the directory makes the import's new row a duplicate of
    its SIRET. The import is refused with the reason, all or nothing, never a 500."""
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    token = upload(client, WITH_SIRET).context["token"]
    read_directory = StructureResource.before_import

    def then_someone_records_one(resource, dataset, **kwargs):
        read_directory(resource, dataset, **kwargs)
        if not kwargs.get("dry_run"):
            Structure.objects.create(
                siret=SIRETS[1],
                name="Garage de la Hague (saisi à la main)",
                commune_id=Structure.objects.first().commune_id,
            )

    monkeypatch.setattr(StructureResource, "before_import", then_someone_records_one)
    response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 200
    assert [message for _, message in response.context["report"].errors] == [
        "Une structure porte déjà ce SIRET : elle a été enregistrée par quelqu'un d'autre "
        "pendant l'import. Rien n'a été importé ; chargez le fichier à nouveau pour le vérifier."
    ]
    assert not Structure.objects.filter(siret__in=[SIRETS[0], SIRETS[2]]).exists()
