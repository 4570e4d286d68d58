"""Hostile values in every field of the sessions' forms, posted by the ESS team: the answer is
the form again, a refusal or a redirect, never a server error; nothing invalid is stored."""

import datetime

import pytest
from django.urls import reverse

from actions.models import Member, Session
from tests.conftest import COTENTIN
from tests.factories import MemberFactory, ScheduledSessionFactory
from tests.test_hostile_input import HOSTILE

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 16)
VALID = {
    "date": "2026-06-16",
    "starts_at": "14:30",
    "place": "Valognes",
    "video_link": "https://visio.example.org/comite",
    "proposals_until": "2026-06-01",
    "notes": "",
}
EXTRA = ["javascript:alert(1)", "2026-02-30", "25:61", "<script>alert(1)</script>", "1²"]


def answered(client, url, data):
    client.raise_request_exception = False
    response = client.post(url, data)
    assert response.status_code < 500, (url, data, response.status_code)
    return response


@pytest.mark.parametrize("field", [*VALID, "version"])
def test_hostile_values_in_the_session_forms(client_for, plan, field):
    client = client_for("editor")
    create = reverse("committee:session_create", kwargs={"slug": COTENTIN})
    session = ScheduledSessionFactory(plan=plan, date=datetime.date(2026, 9, 1), place="Cherbourg")
    edit = reverse("committee:session_edit", kwargs={"slug": COTENTIN, "pk": session.pk})
    for value in [*HOSTILE, *EXTRA]:
        data = {**VALID, field: value}
        created = answered(client, create, data)
        answered(client, edit, {**data, "version": value if field == "version" else "1"})
        if created.status_code == 302:
            new = Session.objects.get(plan=plan, date=DAY)
            # Only harmless text is accepted, stored as typed; a creation has no version
            # to check.
            assert field in ("place", "notes", "version")
            if field != "version":
                assert getattr(new, field) == value.strip()
            new.delete()
    # A link is an http(s) address, never a script.
    assert not Session.objects.filter(video_link__startswith="javascript").exists()


@pytest.mark.parametrize("field", ["user", "structure", "retirer"])
def test_hostile_values_in_the_members_form(client_for, field):
    member = MemberFactory()
    url = reverse("committee:session_members", kwargs={"slug": COTENTIN, "pk": member.session_id})
    client = client_for("editor")
    for value in [*HOSTILE, *EXTRA]:
        response = answered(client, url, {field: value})
        assert response.status_code in (200, 404)
    assert list(Member.objects.values_list("pk", flat=True)) == [member.pk]


@pytest.mark.parametrize(
    "suffix", ["attendance", "represented_by", "seen_attendance", "seen_represented_by"]
)
def test_hostile_values_in_the_attendance_form(client_for, suffix):
    member = MemberFactory()
    url = reverse(
        "committee:session_attendance", kwargs={"slug": COTENTIN, "pk": member.session_id}
    )
    client = client_for("editor")
    valid = {
        f"m{member.pk}-attendance": "represente",
        f"m{member.pk}-represented_by": "Anne Marie",
        f"m{member.pk}-seen_attendance": "invite",
        f"m{member.pk}-seen_represented_by": "",
    }
    for value in [*HOSTILE, *EXTRA]:
        response = answered(client, url, {**valid, f"m{member.pk}-{suffix}": value})
        member.refresh_from_db()
        if response.status_code == 302:
            # Only a name of whoever represents the member is free text.
            assert suffix == "represented_by"
            assert member.represented_by == value.strip()
            Member.objects.filter(pk=member.pk).update(attendance="invite", represented_by="")
        else:
            assert (member.attendance, member.represented_by) == ("invite", "")
    # A member of no session of this page, or of none at all, is ignored.
    answered(client, url, {"m99999999999999999999-attendance": "present", **valid})
