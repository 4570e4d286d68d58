"""Writing the comité de suivi's sessions: the default invitees, one session a day per plan,
members invited once, the attendance recorded without overwriting another's."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from actions.models import Member, Plan, Session
from committee import services
from committee.services import Presence
from essplan import roles
from essplan.versioning import ConcurrentEdit
from structures.models import Structure
from tests.conftest import make_user
from tests.factories import MemberFactory, ScheduledSessionFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 16)
SAME_DAY = "Ce plan a déjà une séance ce jour-là."


def test_a_new_session_invites_the_active_comite_accounts_and_the_comite_structures(
    plan, editor, pilot
):
    camille = make_user("camille", roles.VIEWER)
    retired = make_user("roger", roles.VIEWER)
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    make_user("aline", roles.ADMIN)
    seated = list(Structure.objects.filter(committee_member=True).order_by("pk"))
    assert len(seated) == 9  # the demo directory's comité members
    archived = seated[0]
    Structure.objects.filter(pk=archived.pk).update(archived=True)
    newcomer = Structure.objects.filter(committee_member=False).order_by("pk").first()
    Structure.objects.filter(pk=newcomer.pk).update(committee_member=True)

    session = services.create_session(
        plan=plan, by=editor, data={"date": DAY, "place": "Valognes", "version": None}
    )

    assert (session.plan, session.created_by, session.place, session.date) == (
        plan,
        editor,
        "Valognes",
        DAY,
    )
    members = session.members.all()
    assert [m.user for m in members if m.user] == [camille]
    invited = {m.structure_id for m in members if m.structure_id}
    assert len(invited) == 9
    assert archived.pk not in invited
    assert newcomer.pk in invited
    assert {m.attendance for m in members} == {Member.Attendance.INVITED}


def test_a_second_session_of_a_plan_on_one_day_is_refused_in_french(plan, editor, viewer):
    services.create_session(plan=plan, by=editor, data={"date": DAY})
    members = Member.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.create_session(plan=plan, by=editor, data={"date": DAY, "place": "Ailleurs"})
    assert refused.value.message_dict == {"date": [SAME_DAY]}
    assert Session.objects.filter(plan=plan).count() == 1
    assert Member.objects.count() == members
    # Another plan meets the same day.
    caen = Plan.objects.get(slug="caen-la-mer-ess-2013-2015")
    assert services.create_session(plan=caen, by=editor, data={"date": DAY}).date == DAY


def test_moving_a_session_onto_a_day_taken_meanwhile_is_refused_in_french(plan):
    from committee.forms import SessionForm

    moved = ScheduledSessionFactory(plan=plan, date=DAY + datetime.timedelta(days=7))
    form = SessionForm({"date": DAY.isoformat(), "version": "1"}, instance=moved)
    assert form.is_valid()  # the day is free when the form is checked…
    ScheduledSessionFactory(plan=plan, date=DAY)  # …and taken before it is saved
    with pytest.raises(ValidationError) as refused:
        services.update_session(form=form)
    assert refused.value.message_dict == {"date": [SAME_DAY]}
    moved.refresh_from_db()
    assert (moved.date, moved.version) == (DAY + datetime.timedelta(days=7), 1)


def test_a_member_is_invited_once(viewer):
    session = ScheduledSessionFactory()
    structure = Structure.objects.order_by("pk").first()
    assert services.invite(session=session, users=[viewer], structures=[structure]) == 2
    assert services.invite(session=session, users=[viewer], structures=[structure]) == 0
    assert session.members.count() == 2


def test_removing_a_member(viewer):
    member = MemberFactory(user=viewer)
    other = MemberFactory(session=member.session)
    assert services.remove(session=member.session, member_id=other.pk).user == other.user
    assert services.remove(session=member.session, member_id=other.pk) is None
    # A member of another session is not this session's to remove.
    elsewhere = MemberFactory()
    assert services.remove(session=member.session, member_id=elsewhere.pk) is None
    assert set(Member.objects.filter(pk__in=[member.pk, other.pk, elsewhere.pk])) == {
        member,
        elsewhere,
    }


def invited(member):
    return (member.attendance, member.represented_by)


def test_recording_the_attendance_of_every_member():
    session = ScheduledSessionFactory()
    present, excused, represented, absent = (MemberFactory(session=session) for _ in range(4))
    rows = {
        present.pk: Presence(seen=invited(present), attendance="present", represented_by="X"),
        excused.pk: Presence(seen=invited(excused), attendance="excuse"),
        represented.pk: Presence(
            seen=invited(represented), attendance="represente", represented_by="Anne Marie"
        ),
        absent.pk: Presence(seen=invited(absent), attendance="invite"),
    }
    assert services.record_attendance(session=session, rows=rows) == 3
    stored = dict(session.members.values_list("pk", "attendance"))
    assert stored == {
        present.pk: "present",
        excused.pk: "excuse",
        represented.pk: "represente",
        absent.pk: "invite",
    }
    # « Représenté par » is kept for a represented member only.
    assert dict(session.members.values_list("pk", "represented_by")) == {
        present.pk: "",
        excused.pk: "",
        represented.pk: "Anne Marie",
        absent.pk: "",
    }


def test_attendance_recorded_meanwhile_by_someone_else_refuses_the_whole_form(viewer):
    session = ScheduledSessionFactory()
    first = MemberFactory(session=session, user=viewer)
    second = MemberFactory(session=session)
    opened = {m.pk: invited(m) for m in (first, second)}
    Member.objects.filter(pk=first.pk).update(attendance="represente", represented_by="Léa")
    with pytest.raises(ConcurrentEdit) as conflict:
        services.record_attendance(
            session=session,
            rows={
                first.pk: Presence(seen=opened[first.pk], attendance="absent"),
                second.pk: Presence(seen=opened[second.pk], attendance="present"),
            },
        )
    assert conflict.value.changes == [("camille", "Invité", "Représenté par Léa")]
    assert dict(session.members.values_list("pk", "attendance")) == {
        first.pk: "represente",
        second.pk: "invite",
    }


def test_attendance_of_a_member_of_another_session_is_not_recorded():
    session, elsewhere = ScheduledSessionFactory(), MemberFactory()
    row = Presence(seen=invited(elsewhere), attendance="present")
    assert services.record_attendance(session=session, rows={elsewhere.pk: row}) == 0
    elsewhere.refresh_from_db()
    assert elsewhere.attendance == "invite"
