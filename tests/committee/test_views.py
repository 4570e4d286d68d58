"""The sessions' pages: the list of a plan's, one session's page, creating and changing one,
its members and their attendance; the header's « Comité »."""

import datetime
import html

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import AgendaItem, Member, Plan, Session
from essplan import roles
from structures.models import Structure
from tests.conftest import COTENTIN, make_user
from tests.factories import (
    ActionDecisionFactory,
    AgendaItemFactory,
    MemberFactory,
    ScheduledSessionFactory,
    UserFactory,
    seeded_action,
)

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
TODAY = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The pages say what is upcoming from 1 March 2026."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


def sessions_url(slug=COTENTIN):
    return reverse("committee:sessions", kwargs={"slug": slug})


def url(name, session):
    return reverse(f"committee:{name}", kwargs={"slug": session.plan.slug, "pk": session.pk})


def text(response):
    return html.unescape(response.content.decode()).replace(NBSP, " ")


def furnish(session, size):
    """SIZE accounts and SIZE structures invited to SESSION, SIZE kept items with two
    decisions each, one item proposed and one refused, one decision outside the agenda."""
    structures = Structure.objects.order_by("pk")[:size]
    for n in range(size):
        MemberFactory(session=session)
        MemberFactory(session=session, user=None, structure=structures[n])
        item = AgendaItemFactory(session=session, action=seeded_action())
        ActionDecisionFactory(session=session, item=item)
        ActionDecisionFactory(session=session, item=item, action=None, carrier_name="CRESS")
    AgendaItemFactory(session=session, state=AgendaItem.State.PROPOSED)
    AgendaItemFactory(session=session, state=AgendaItem.State.REFUSED)
    ActionDecisionFactory(session=session)


# -- the list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 6])
def test_the_list_reads_the_same_rows_whatever_the_number_of_sessions(
    client_for, plan, viewer, size, django_assert_num_queries
):
    for n in range(size):
        furnish(ScheduledSessionFactory(plan=plan, date=datetime.date(2025, 6, 1 + n)), size)
        furnish(ScheduledSessionFactory(plan=plan, date=datetime.date(2026, 6, 1 + n)), size)
    client = client_for("viewer")
    # 7 queries: session, user, data versions, permissions (user's, group's), plan, the
    # sessions with their numbers of kept items and of decisions
    with django_assert_num_queries(7):
        response = client.get(sessions_url())
    assert len(response.context["upcoming"]) == len(response.context["past"]) == size


def test_the_list_splits_upcoming_and_past_sessions_with_their_counts(client_for, plan):
    held = ScheduledSessionFactory(
        plan=plan, date=datetime.date(2025, 11, 20), state=Session.State.HELD
    )
    furnish(held, 2)
    late = ScheduledSessionFactory(plan=plan, date=datetime.date(2026, 2, 10))
    next_one = ScheduledSessionFactory(
        plan=plan,
        date=datetime.date(2026, 6, 16),
        starts_at=datetime.time(14, 30),
        is_fictitious=True,
    )
    later = ScheduledSessionFactory(plan=plan, date=datetime.date(2026, 11, 3), starts_at=None)
    ScheduledSessionFactory(plan=Plan.objects.get(slug="caen-la-mer-ess-2013-2015"), date=TODAY)
    response = client_for("viewer").get(sessions_url())
    assert response.context["upcoming"] == [next_one, later]
    assert response.context["past"] == [late, held]
    row = response.context["past"][1]
    # Kept items only (2 of 4); every decision (2 per kept item, 1 outside the agenda).
    assert (row.item_count, row.decision_count) == (2, 5)
    page = text(response)
    assert "mardi 16 juin 2026 à 14 h 30" in page
    assert "mardi 3 novembre 2026</a>" in page
    assert page.count("Séance fictive (données de démonstration)") == 1
    assert "Nouvelle séance" not in page  # the comité reads


def test_the_team_is_offered_a_new_session_but_not_on_a_closed_plan(client_for):
    client = client_for("editor")
    assert "Nouvelle séance" in text(client.get(sessions_url()))
    caen = "caen-la-mer-ess-2013-2015"
    assert "Nouvelle séance" not in text(client.get(sessions_url(caen)))
    assert client.get(reverse("committee:session_create", kwargs={"slug": caen})).status_code == 403


# -- one session ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 8])
def test_a_session_page_reads_the_same_rows_whatever_its_size(
    client_for, plan, viewer, size, django_assert_num_queries
):
    session = ScheduledSessionFactory(plan=plan)
    furnish(session, size)
    client = client_for("viewer")
    # 9 queries: session, user, data versions, permissions (user's, group's), the séance and
    # its plan, its members (accounts, structures), its kept items (and their actions), its
    # decisions (actions, carriers, who closed them)
    with django_assert_num_queries(9):
        response = client.get(session.get_absolute_url())
    assert len(response.context["members"]) == 2 * size
    assert len(response.context["items"]) == size
    assert len(response.context["other_decisions"]) == 1


def test_a_session_page_shows_members_agenda_and_decisions(client_for, plan, editor):
    session = ScheduledSessionFactory(
        plan=plan,
        date=datetime.date(2026, 6, 16),
        starts_at=datetime.time(14, 30),
        place="Cherbourg, salle du conseil",
        video_link="https://visio.example.org/comite",
        notes="Quorum atteint.",
    )
    camille = UserFactory(username="camille", first_name="Camille", last_name="Roux")
    MemberFactory(session=session, user=camille, attendance="present")
    cress = Structure.objects.order_by("pk").first()
    MemberFactory(
        session=session, user=None, structure=cress, attendance="represente", represented_by="Léa"
    )
    second = AgendaItemFactory(session=session, position=2, title="Budget 2026")
    first = AgendaItemFactory(
        session=session,
        position=1,
        title="Actions en retard",
        summary="Le retard tient au recrutement.",
        action=seeded_action(),
    )
    AgendaItemFactory(session=session, position=0, title="Écarté", state="ecarte")
    ActionDecisionFactory(
        session=session,
        item=first,
        text="Relancer le recrutement",
        carrier=editor,
        due_on=datetime.date(2026, 9, 30),
    )
    ActionDecisionFactory(
        session=session,
        item=second,
        action=None,
        text="Présenter le budget",
        carrier_name="Direction des finances",
        done_at=datetime.datetime(2026, 7, 1, 10, tzinfo=datetime.UTC),
        done_by=editor,
        done_note="Présenté en juillet.",
    )
    response = client_for("viewer").get(session.get_absolute_url())
    page = text(response)
    assert "Comité de suivi du mardi 16 juin 2026</h1>" in page
    assert "mardi 16 juin 2026 à 14 h 30" in page
    assert "Cherbourg, salle du conseil" in page
    assert 'href="https://visio.example.org/comite"' in page
    assert "Camille Roux" in page
    assert f"{cress.name}</th>" in page
    assert "Représenté par Léa" in page
    assert "Présent : 1 · Représenté : 1" in page
    assert page.index("1. Actions en retard") < page.index("2. Budget 2026")
    assert "Écarté</h3>" not in page
    assert "Le retard tient au recrutement." in page
    assert ">1.4.7</a>" in page
    assert "Relancer le recrutement" in page and "30/09/2026" in page
    assert "Direction des finances" in page
    assert "Réalisée le 01/07/2026" in page
    assert "Séance fictive" not in page
    assert "Modifier la séance" not in page  # the comité reads


def test_a_fictitious_session_says_so(client_for):
    session = ScheduledSessionFactory(is_fictitious=True)
    page = text(client_for("viewer").get(session.get_absolute_url()))
    assert "<strong>Séance fictive (données de démonstration)</strong>" in page


def test_a_session_of_another_plan_is_not_found(client_for):
    session = ScheduledSessionFactory()
    wrong = reverse(
        "committee:session", kwargs={"slug": "caen-la-mer-ess-2013-2015", "pk": session.pk}
    )
    assert client_for("viewer").get(wrong).status_code == 404


# -- creating and changing --------------------------------------------------------------------


def test_the_team_creates_a_session_with_its_default_members(client_for, plan, viewer, editor):
    response = client_for("editor").post(
        reverse("committee:session_create", kwargs={"slug": COTENTIN}),
        {
            "date": "2026-06-16",
            "starts_at": "14:30",
            "place": "Valognes",
            "proposals_until": "2026-06-01",
        },
    )
    session = Session.objects.get(plan=plan)
    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert (session.date, session.starts_at, session.place, session.created_by) == (
        datetime.date(2026, 6, 16),
        datetime.time(14, 30),
        "Valognes",
        editor,
    )
    # camille (the comité's account) and the 9 structures of the directory on the comité.
    assert session.members.count() == 10
    assert session.members.filter(user=viewer).exists()


def test_creating_a_session_says_how_many_members_are_invited(client_for, viewer):
    response = client_for("editor").post(
        reverse("committee:session_create", kwargs={"slug": COTENTIN}),
        {"date": "2026-06-16"},
        follow=True,
    )
    assert "La séance est créée ; 10 membres invités par défaut" in text(response)


def test_a_second_session_on_the_same_day_is_refused_in_french(client_for, plan):
    ScheduledSessionFactory(plan=plan, date=datetime.date(2026, 6, 16))
    response = client_for("editor").post(
        reverse("committee:session_create", kwargs={"slug": COTENTIN}), {"date": "2026-06-16"}
    )
    assert response.status_code == 200
    assert "Ce plan a déjà une séance ce jour-là." in text(response)
    assert Session.objects.filter(plan=plan).count() == 1


def test_proposals_close_on_the_day_of_the_session_at_the_latest(client_for, plan):
    response = client_for("editor").post(
        reverse("committee:session_create", kwargs={"slug": COTENTIN}),
        {"date": "2026-06-16", "proposals_until": "2026-06-17"},
    )
    assert response.status_code == 200
    assert "se closent au plus tard le jour de la séance" in text(response)
    assert not Session.objects.exists()


def test_a_concurrent_edit_of_a_session_is_refused_in_french(editor):
    session = ScheduledSessionFactory(place="Valognes")
    second = make_user("berenice", roles.EDITOR)
    first_client, second_client = Client(), Client()
    first_client.force_login(editor)
    second_client.force_login(second)
    edit = url("session_edit", session)
    assert 'name="version" value="1"' in first_client.get(edit).content.decode()
    assert 'name="version" value="1"' in second_client.get(edit).content.decode()
    data = {"date": session.date.isoformat(), "version": "1"}
    assert first_client.post(edit, {**data, "place": "Cherbourg"}).status_code == 302
    refused = second_client.post(edit, {**data, "place": "Saint-Lô"})
    assert refused.status_code == 409
    page = text(refused)
    assert "Modification concurrente : votre enregistrement est refusé" in page
    assert '<th scope="row">Lieu</th><td>Valognes</td><td>Cherbourg</td>' in page
    assert "Saint-Lô" in page  # what she typed is kept in the form
    session.refresh_from_db()
    assert (session.place, session.version) == ("Cherbourg", 2)


def test_moving_a_session_onto_another_ones_day_is_refused_in_french(client_for, plan):
    ScheduledSessionFactory(plan=plan, date=datetime.date(2026, 6, 16))
    moved = ScheduledSessionFactory(plan=plan, date=datetime.date(2026, 6, 23))
    response = client_for("editor").post(
        url("session_edit", moved), {"date": "2026-06-16", "version": "1"}
    )
    assert response.status_code == 200
    assert "Ce plan a déjà une séance ce jour-là." in text(response)
    moved.refresh_from_db()
    assert moved.date == datetime.date(2026, 6, 23)


def test_an_administrator_still_prepares_a_closed_plans_session(client_for):
    caen = Plan.objects.get(slug="caen-la-mer-ess-2013-2015")
    session = ScheduledSessionFactory(plan=caen, date=datetime.date(2015, 12, 1))
    data = {"date": "2015-12-01", "place": "Caen", "version": "1"}
    assert client_for("editor").post(url("session_edit", session), data).status_code == 403
    assert client_for("admin_user").post(url("session_edit", session), data).status_code == 302
    session.refresh_from_db()
    assert session.place == "Caen"


# -- members and attendance -------------------------------------------------------------------


def test_the_team_invites_an_account_and_a_structure_then_removes_one(client_for, pilot):
    session = ScheduledSessionFactory()
    structure = Structure.objects.order_by("pk").first()
    client = client_for("editor")
    page = text(client.get(url("session_members", session)))
    assert "Paul Pilote (Pilote)" in page
    response = client.post(
        url("session_members", session), {"user": pilot.pk, "structure": structure.pk}
    )
    assert response.status_code == 302
    members = session.members.order_by("pk")
    assert [(m.user, m.structure) for m in members] == [(pilot, None), (None, structure)]
    # Invited, they are no longer offered.
    page = text(client.get(url("session_members", session)))
    assert "Paul Pilote (Pilote)" not in page
    response = client.post(url("session_members", session), {"retirer": members[0].pk}, follow=True)
    assert "« Paul Pilote » n'est plus invité à cette séance." in text(response)
    assert [m.structure for m in session.members.all()] == [structure]


def test_inviting_nobody_says_what_to_choose(client_for):
    session = ScheduledSessionFactory()
    response = client_for("editor").post(
        url("session_members", session), {"user": "", "structure": ""}
    )
    assert response.status_code == 200
    assert "Choisissez un compte ou une structure à inviter." in text(response)


def test_removing_a_member_of_another_session_is_not_found(client_for):
    session, elsewhere = ScheduledSessionFactory(), MemberFactory()
    response = client_for("editor").post(url("session_members", session), {"retirer": elsewhere.pk})
    assert response.status_code == 404
    assert Member.objects.filter(pk=elsewhere.pk).exists()


def attendance_data(form_page, **changes):
    """What the attendance page's form sends, hidden fields included, with CHANGES."""
    form = form_page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(changes)
    return data


def test_the_attendance_of_every_member_is_recorded_in_one_form(client_for):
    session = ScheduledSessionFactory()
    present, represented, excused = (MemberFactory(session=session) for _ in range(3))
    client = client_for("editor")
    page = client.get(url("session_attendance", session))
    data = attendance_data(
        page,
        **{
            f"m{present.pk}-attendance": "present",
            f"m{represented.pk}-attendance": "represente",
            f"m{represented.pk}-represented_by": "Anne Marie",
            f"m{excused.pk}-attendance": "excuse",
        },
    )
    response = client.post(url("session_attendance", session), data)
    assert response.status_code == 302
    assert dict(session.members.values_list("pk", "attendance")) == {
        present.pk: "present",
        represented.pk: "represente",
        excused.pk: "excuse",
    }
    assert session.members.get(pk=represented.pk).represented_by == "Anne Marie"


def test_a_represented_member_needs_who_represents_it(client_for):
    member = MemberFactory()
    client = client_for("editor")
    page = client.get(url("session_attendance", member.session))
    data = attendance_data(page, **{f"m{member.pk}-attendance": "represente"})
    response = client.post(url("session_attendance", member.session), data)
    assert response.status_code == 200
    assert "Indiquez qui représente ce membre." in text(response)
    member.refresh_from_db()
    assert member.attendance == "invite"


def test_attendance_recorded_by_two_at_once_keeps_the_first(editor, admin_user):
    member = MemberFactory(user=UserFactory(username="lea", first_name="Léa", last_name="Morel"))
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(admin_user)
    page = url("session_attendance", member.session)
    first_form, second_form = first.get(page), second.get(page)
    key = f"m{member.pk}-attendance"
    assert first.post(page, attendance_data(first_form, **{key: "present"})).status_code == 302
    refused = second.post(page, attendance_data(second_form, **{key: "absent"}))
    assert refused.status_code == 409
    assert '<th scope="row">Léa Morel</th><td>Invité</td><td>Présent</td>' in text(refused)
    member.refresh_from_db()
    assert member.attendance == "present"


def test_a_member_invited_meanwhile_is_left_as_is(client_for):
    first = MemberFactory()
    client = client_for("editor")
    page = client.get(url("session_attendance", first.session))
    newcomer = MemberFactory(session=first.session)
    data = attendance_data(page, **{f"m{first.pk}-attendance": "excuse"})
    assert client.post(url("session_attendance", first.session), data).status_code == 302
    assert dict(first.session.members.values_list("pk", "attendance")) == {
        first.pk: "excuse",
        newcomer.pk: "invite",
    }


# -- the header and the plan's page -----------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "shown"), [("viewer", True), ("editor", True), ("pilot", False)]
)
def test_the_header_and_the_plan_page_lead_the_comites_readers_to_the_sessions(
    client_for, plan, persona, shown
):
    page = client_for(persona).get(plan.get_absolute_url()).content.decode()
    home = reverse("committee:home")
    assert (f'href="{home}">Comité</a>' in page) is shown
    assert (f'href="{sessions_url()}">Comité de suivi</a>' in page) is shown


def test_the_header_link_opens_the_sessions_of_the_current_plan(client_for):
    response = client_for("viewer").get(reverse("committee:home"))
    assert response.status_code == 302
    assert response.url == sessions_url()
    # On the sessions' pages, the header's « Comité » is the current page.
    page = client_for("viewer").get(sessions_url()).content.decode()
    assert f'aria-current="page" href="{reverse("committee:home")}">Comité</a>' in page
