"""The demonstration's example sessions: one per seeded plan, fictitious and saying so."""

import io

import pytest
from django.core.management import call_command

from actions.models import Decision, Member, Session
from committee.demo import NOTES
from essplan import roles
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_each_seeded_plan_gets_one_fictitious_session_once():
    make_user("camille", roles.VIEWER)
    out = io.StringIO()
    call_command("create_demo_sessions", stdout=out)
    call_command("create_demo_sessions", stdout=out)
    assert out.getvalue().splitlines() == [
        "Séance fictive du comité de suivi : Plan d'actions ESS 2023-2025, 17/06/2025.",
        "Séance fictive du comité de suivi : Programme d'actions ESS 2013-2015, 20/11/2014.",
        "Séances fictives : déjà présentes.",
    ]
    sessions = Session.objects.order_by("date")
    assert [(s.plan.slug, s.is_fictitious, s.state) for s in sessions] == [
        ("caen-la-mer-ess-2013-2015", True, Session.State.HELD),
        ("cotentin-ess-2023-2025", True, Session.State.HELD),
    ]
    assert all(session.notes == NOTES for session in sessions)
    cotentin = sessions[1]
    # The nine demo structures flagged as sitting on the comité (i % 7 == 0 of 60), and the
    # comité's account.
    assert cotentin.members.filter(structure__isnull=False).count() == 9
    assert list(cotentin.members.filter(user__isnull=False).values_list("user__username")) == [
        ("camille",)
    ]
    assert cotentin.members.filter(attendance=Member.Attendance.EXCUSED).count() == 4
    decisions = Decision.objects.filter(session=cotentin).order_by("pk")
    assert [(d.action.code, d.is_done) for d in decisions] == [("1.1.1", True), ("3.5.1", False)]
    assert all(d.text.startswith("Exemple fictif") for d in Decision.objects.all())
