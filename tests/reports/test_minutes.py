"""The minutes of a session of the comité de suivi (« relevé de décisions »): their text
against a session written by hand, the archive's checks, and who generates, publishes and
reads them."""

import datetime
import re
import subprocess
from collections import Counter
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from actions.models import AgendaItem, Member, Session
from jobs.models import Job, Status
from reports.jobs import start_minutes
from reports.minutes import minutes_html
from reports.models import AnnualReport, Kind
from reports.pdf import render_pdf
from reports.services import MinutesRefused, generate_minutes
from structures.models import Structure
from tests.conftest import make_user
from tests.factories import (
    AgendaItemFactory,
    DecisionFactory,
    HeldSessionFactory,
    MemberFactory,
    UserFactory,
)

from .test_pdf_archival import AUTHOR, fonts, structure, xmp

pytestmark = pytest.mark.django_db
GENERATED = datetime.datetime(2026, 11, 30, 10, 15, tzinfo=datetime.UTC)
TITLE = "Relevé de décisions du comité de suivi du 12/03/2025"
FICTITIOUS = "Séance fictive (données de démonstration)"


def done(day):
    return datetime.datetime(*day, 10, tzinfo=datetime.UTC)


@pytest.fixture
def session(plan):
    """The session of 12/03/2025 of the seeded plan, held:

    - members: Claire Martin and the first structure present, the second structure
      represented by Marie Leroy, Jean Dupont excused, « lbernard » (no name) absent, the
      third structure invited and its attendance not recorded;
    - agenda: « Actions en retard » (action 2.1.1, a summary, two decisions), « Budget 2025 »
      (no summary, no decision), « Point écarté » refused (not printed); one decision
      attached to no item;
    - an earlier session (14/11/2024) with one decision still open, late on 12/03/2025, one
      done before (not printed) and one done after (printed, with its day); a fictitious
      earlier session whose decision is not printed.
    """
    claire = UserFactory(username="cmartin", first_name="Claire", last_name="Martin")
    jean = UserFactory(username="jdupont", first_name="Jean", last_name="Dupont")
    first, second, third = Structure.objects.order_by("pk")[:3]
    held = HeldSessionFactory(
        plan=plan,
        date=datetime.date(2025, 3, 12),
        starts_at=datetime.time(14, 30),
        place="Hôtel d'agglomération, salle du conseil",
        video_link="https://visio.example.org/comite-ess",
        notes="Le comité salue l'avancement du plan.",
    )
    MemberFactory(session=held, user=claire, attendance=Member.Attendance.PRESENT)
    MemberFactory(session=held, user=None, structure=first, attendance=Member.Attendance.PRESENT)
    MemberFactory(
        session=held,
        user=None,
        structure=second,
        attendance=Member.Attendance.REPRESENTED,
        represented_by="Marie Leroy",
    )
    MemberFactory(session=held, user=jean, attendance=Member.Attendance.EXCUSED)
    MemberFactory(
        session=held, user=UserFactory(username="lbernard"), attendance=Member.Attendance.ABSENT
    )
    MemberFactory(session=held, user=None, structure=third, attendance=Member.Attendance.INVITED)
    late = AgendaItemFactory(
        session=held,
        position=1,
        title="Actions en retard",
        action=plan.actions.get(code="2.1.1"),
        summary="Faute de prestataire, l'action 2.1.1 accuse six mois de retard.",
    )
    AgendaItemFactory(session=held, position=2, title="Budget 2025")
    AgendaItemFactory(
        session=held, position=0, title="Point écarté", state=AgendaItem.State.REFUSED
    )
    DecisionFactory(
        session=held,
        item=late,
        action=late.action,
        text="Relancer la consultation.",
        carrier=jean,
        due_on=datetime.date(2025, 4, 30),
    )
    DecisionFactory(
        session=held, item=late, text="Informer les élus.", carrier_name="Direction de la com"
    )
    DecisionFactory(session=held, text="Fixer la séance d'automne.")
    earlier = HeldSessionFactory(plan=plan, date=datetime.date(2024, 11, 14))
    DecisionFactory(
        session=earlier,
        action=plan.actions.get(code="1.4.7"),
        text="Organiser un forum au printemps.",
        carrier=claire,
        due_on=datetime.date(2025, 2, 28),
    )
    DecisionFactory(
        session=earlier, text="Tenir la liste.", done_at=done((2024, 12, 1)), done_note="Fait"
    )
    DecisionFactory(
        session=earlier,
        text="Présenter le budget.",
        due_on=datetime.date(2025, 6, 30),
        done_at=done((2025, 4, 2)),
        done_note="Présenté en avril",
    )
    demo = HeldSessionFactory(plan=plan, date=datetime.date(2024, 10, 1), is_fictitious=True)
    DecisionFactory(session=demo, text="Décision de démonstration.")
    return held


def pages_text(data, tmp_path):
    """Each page's text as pdftotext lays it out, runs of spaces made one."""
    path = tmp_path / "releve.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [re.sub(r"[ \u00a0\u202f]+", " ", page) for page in text.split("\f") if page.strip()]


def render(session):
    return render_pdf(minutes_html(session, generated_at=GENERATED)).data


def test_the_minutes_give_the_session_the_attendance_and_the_notes(session, tmp_path):
    text = "\n".join(pages_text(render(session), tmp_path))
    for line in [
        TITLE,
        "Plan Plan d'actions ESS 2023-2025 (DEL2023_012A)",
        "Date mercredi 12 mars 2025",
        "Heure 14h30",
        "Lieu Hôtel d'agglomération, salle du conseil",
        "Visioconférence https://visio.example.org/comite-ess",
        "Décisions prises 3",
        "Le comité salue l'avancement du plan.",
    ]:
        assert f"\n{line}\n" in f"\n{text}\n".replace("\n ", "\n"), line
    assert "Document généré le 30 novembre 2026 à 11:15, à partir des données" in text
    first, second, third = Structure.objects.order_by("pk")[:3]
    attendance = re.search(r"Présences\n(.*?)Observations générales", text, re.S).group(1)
    lines = [line.strip(" •") for line in attendance.splitlines() if line.strip()]
    # Within a group, by name.
    present = sorted(["Claire Martin", str(first)], key=str.casefold)
    assert lines == [
        "Présents (2)",
        *present,
        "Représentés (1)",
        f"{second}, par Marie Leroy",
        "Excusés (1)",
        "Jean Dupont",
        "Absents (1)",
        "lbernard",
        "Invités dont la présence n'est pas relevée (1)",
        str(third),
    ]
    assert FICTITIOUS not in text


def test_the_minutes_give_each_kept_item_its_summary_and_decisions_in_order(session, tmp_path):
    text = "\n".join(pages_text(render(session), tmp_path))
    agenda = text[text.index("Ordre du jour, échanges et décisions") :]
    assert "Point écarté" not in text
    assert agenda.index("1. Actions en retard") < agenda.index("2. Budget 2025")
    assert "Action 2.1.1 · Elaborer une communication adaptée" in agenda
    assert "Faute de prestataire, l'action 2.1.1 accuse six mois de retard." in agenda
    item = agenda[agenda.index("1. Actions en retard") : agenda.index("2. Budget 2025")]
    # A row of the decisions' table per line (the cells that wrap go on the next lines).
    lines = [line.strip() for line in item.splitlines()]
    assert "Décision Action Porteur Échéance" in lines
    assert "Relancer la consultation. 2.1.1 Elaborer une communication Jean Dupont 30/04/2025" in (
        lines
    )
    assert "Informer les élus. — Direction de la —" in lines
    budget = agenda[agenda.index("2. Budget 2025") : agenda.index("Autres décisions")]
    assert "Pas de synthèse des échanges enregistrée." in budget
    assert "Aucune décision sur ce point." in budget
    others = agenda[agenda.index("Autres décisions") : agenda.index("Décisions des séances")]
    assert "Fixer la séance d'automne. — — —" in [line.strip() for line in others.splitlines()]


def test_the_minutes_list_the_earlier_decisions_open_on_the_session_day(session, tmp_path):
    text = "\n".join(pages_text(render(session), tmp_path))
    earlier = text[text.index("Décisions des séances précédentes encore ouvertes") :]
    assert "Décisions ouvertes au 12/03/2025" in earlier
    lines = [line.strip() for line in earlier.splitlines()]
    assert "Séance Décision Action Porteur État" in lines
    row = lines.index(
        "14/11/2024 Organiser un forum au printemps. 1.4.7 Organiser et soutenir Claire "
        "En retard : échéance du"
    )
    assert lines[row + 1] == "des événements favorisant Martin 28/02/2025 dépassée"
    # Done on 02/04/2025, after the session: open that day, and what became of it is said.
    row = lines.index("14/11/2024 Présenter le budget. — — Ouverte, échéance le")
    assert lines[row + 1 : row + 3] == ["30/06/2025 ; réalisée", "depuis, le 02/04/2025"]
    # Done before the session, or from a fictitious session: not printed.
    assert "Tenir la liste." not in text and "Décision de démonstration." not in text


def test_a_fictitious_session_says_so_on_every_page(session, tmp_path):
    Session.objects.filter(pk=session.pk).update(is_fictitious=True)
    session.refresh_from_db()
    for index in range(12):  # enough items for several pages
        AgendaItemFactory(
            session=session, position=10 + index, title=f"Point {index}", summary="Échanges. " * 40
        )
    pages = pages_text(render(session), tmp_path)
    assert len(pages) >= 3
    assert all(FICTITIOUS in page for page in pages)
    # The demonstration session's decision is listed in a fictitious session's minutes.
    assert "Décision de démonstration." in "\n".join(pages)


def test_the_minutes_are_pdf_a_and_tagged_like_the_reports(session):
    reader = PdfReader(BytesIO(render(session)))
    catalog = reader.trailer["/Root"]
    _, properties = xmp(reader)
    assert (properties["pdfaid:part"], properties["pdfaid:conformance"]) == ("3", "B")
    assert properties["pdfuaid:part"] == "1"
    title = f"{TITLE} · Plan d'actions ESS 2023-2025"
    info = reader.metadata
    assert (info.title, info.author) == (title, AUTHOR)
    assert info.subject == (
        "Relevé de décisions de la séance du comité de suivi du Plan d'actions ESS 2023-2025 "
        "tenue le 12/03/2025"
    )
    assert info["/CreationDate"] == "D:20261130111500+01'00"
    assert properties["dc:title"] == [title] and properties["dc:language"] == ["fr"]
    assert catalog["/Lang"] == "fr"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    (intent,) = catalog["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFA1"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    (root,) = catalog["/StructTreeRoot"]["/K"]
    tags = Counter(element["/S"] for element in structure(root.get_object()))
    # The title; Présences, Observations, Ordre du jour, Décisions précédentes; the five
    # attendance groups, the two items and « Autres décisions »; three tables, their column
    # headers and a row header per decision: (4 + 2) + (4 + 1) + (5 + 2).
    assert (tags["/H1"], tags["/H2"], tags["/H3"]) == (1, 4, 8)
    assert tags["/Table"] == 3 and tags["/TH"] == 18
    found = {
        font["/BaseFont"]: font for page in reader.pages for font in fonts(page.get("/Resources"))
    }
    assert found and all("Report-Sans" in name for name in found)
    for font in found.values():
        (descendant,) = font["/DescendantFonts"]
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(
            descendant.get_object()["/FontDescriptor"].get_object()
        )


# The pages: generate, publish, read.


def minutes_url(session, name="reports:minutes"):
    return reverse(name, kwargs={"slug": session.plan.slug, "pk": session.pk})


def download(client, report):
    return client.get(reverse("reports:report_download", kwargs={"pk": report.pk}))


def publish(client, report, published=True):
    return client.post(
        reverse("reports:report_publish", kwargs={"pk": report.pk}),
        {"published": "1" if published else "0"},
    )


def test_the_team_generates_publishes_and_the_comite_reads(session, client_for, editor):
    client = client_for("editor")
    response = client.post(minutes_url(session, "reports:minutes_generate"))
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    report = AnnualReport.objects.get()
    assert (report.kind, report.session, report.year, report.generated_by, report.published) == (
        Kind.MINUTES,
        session,
        2025,
        editor,
        False,
    )
    assert report.title == TITLE
    page = client.get(job.get_absolute_url()).content.decode()
    assert f"{TITLE} : généré" in page and minutes_url(session) in page
    page = client.get(minutes_url(session)).content.decode()
    assert "Non publié" in page and "Publier cette version" in page
    # Not among the reports to the council.
    assert TITLE not in client.get(reverse("reports:report_list")).content.decode()

    viewer = client_for("viewer")
    assert download(viewer, report).status_code == 404
    assert "pas encore publié" in viewer.get(minutes_url(session)).content.decode()

    client = client_for("editor")
    response = publish(client, report)
    assert response.status_code == 302 and response.url == minutes_url(session)
    viewer = client_for("viewer")
    response = download(viewer, report)
    assert response.status_code == 200
    assert (
        'filename="releve-decisions-cotentin-ess-2023-2025-2025-03-12.pdf"'
        in (response["Content-Disposition"])
    )
    page = viewer.get(minutes_url(session)).content.decode()
    assert "Télécharger" in page and "Publier cette version" not in page


@pytest.mark.parametrize("persona", ["pilot", "other_pilot"])
def test_pilots_do_not_read_the_minutes(session, client_for, persona):
    report = generate_minutes(session)
    report.published = True
    report.save(update_fields=["published"])
    client = client_for(persona)
    assert client.get(minutes_url(session)).status_code == 403
    assert download(client, report).status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "pilot", "outsider"])
def test_only_the_team_generates_and_publishes_the_minutes(session, client_for, persona):
    report = generate_minutes(session)
    client = client_for(persona)
    assert client.post(minutes_url(session, "reports:minutes_generate")).status_code == 403
    assert publish(client, report).status_code == 403
    assert AnnualReport.objects.count() == 1 and not AnnualReport.objects.get().published


def test_the_team_does_not_publish_the_reports_to_the_council(session, client_for):
    """The team publishes the minutes, not the annual report (administrators' work)."""
    report = generate_minutes(session)
    annual = AnnualReport.objects.create(
        plan=session.plan, year=2025, published=True, size=1, page_count=1, sha256="0" * 64
    )
    client = client_for("editor")
    assert publish(client, annual, published=False).status_code == 403
    assert publish(client, report).status_code == 302
    assert set(AnnualReport.objects.filter(published=True)) == {annual, report}


def test_one_published_version_per_session(session, client_for):
    first, second = generate_minutes(session), generate_minutes(session)
    other = generate_minutes(HeldSessionFactory(plan=session.plan, date=datetime.date(2025, 10, 2)))
    client = client_for("admin_user")
    publish(client, first)
    publish(client, other)
    publish(client, second)
    assert set(AnnualReport.objects.filter(published=True)) == {second, other}


@pytest.mark.parametrize("state", [Session.State.PREPARED, Session.State.CONVENED])
def test_a_session_not_held_gets_no_minutes(session, client_for, state):
    Session.objects.filter(pk=session.pk).update(state=state)
    session.refresh_from_db()
    label = session.get_state_display()
    refusal = (
        "Le relevé de décisions d'une séance ne se génère qu'une fois la séance tenue : celle "
        f"du 12/03/2025 est encore à l'état « {label} »."
    )
    with pytest.raises(MinutesRefused, match=re.escape(refusal)):
        generate_minutes(session)
    client = client_for("editor")
    response = client.post(minutes_url(session, "reports:minutes_generate"), follow=True)
    assert refusal.replace("'", "&#x27;") in response.content.decode()
    page = client.get(minutes_url(session)).content.decode()
    assert "Générer le PDF" not in page
    assert not AnnualReport.objects.exists() and not Job.objects.exists()


def test_a_minutes_version_belongs_to_a_session():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError, match="minutes_and_only_minutes_have_a_session"):
        AnnualReport.objects.create(
            plan=HeldSessionFactory().plan,
            kind=Kind.MINUTES,
            year=2025,
            size=1,
            page_count=1,
            sha256="0" * 64,
        )


def test_the_minutes_page_runs_a_fixed_number_of_queries(
    session, client_for, django_assert_max_num_queries
):
    for _ in range(2):
        generate_minutes(session, user=make_user("gilles"))
    client = client_for("editor")
    # session, user, groups' permissions, the session and its plan, the readable plans
    # (subquery), the versions with who generated them; the header's own.
    with django_assert_max_num_queries(8) as queries:
        assert client.get(minutes_url(session)).status_code == 200
    count = len(queries)
    for _ in range(3):
        generate_minutes(session, user=make_user("gilles"))
    with django_assert_max_num_queries(count):
        assert client.get(minutes_url(session)).content.decode().count("Télécharger") == 5


def test_the_admin_lists_the_minutes_with_their_session(session, client_for):
    generate_minutes(session)
    response = client_for("admin_user").get(reverse("admin:reports_annualreport_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Relevé de décisions du comité de suivi" in page and str(session) in page


def test_a_job_queued_before_the_session_was_reopened_fails_with_the_reason(session, editor):
    """The worker checks again: a session no longer held when its job runs gets no minutes."""
    Session.objects.filter(pk=session.pk).update(state=Session.State.CONVENED)
    job = start_minutes(session, editor)
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert "ne se génère qu'une fois la séance tenue" in job.error
    assert not AnnualReport.objects.exists()
