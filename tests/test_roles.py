"""The roles are declared once (essplan.roles.GRANTS) and synced after every migrate."""

import pytest
from django.contrib.auth.models import Group, Permission

from essplan import roles

pytestmark = pytest.mark.django_db


def codenames(role):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
    }


def test_the_migrated_database_holds_the_three_roles_as_declared():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        roles.ADMIN,
        roles.EDITOR,
        roles.VIEWER,
    }
    viewer = codenames(roles.VIEWER)
    assert {
        "actions.view_plan",
        "actions.view_progressupdate",
        "structures.view_structure",
        "indicators.view_measurement",
        "reports.view_annualreport",
    } <= viewer
    # The comité reads, and writes one thing only: an item proposed for a session's agenda.
    assert {n for n in viewer if not n.split(".")[1].startswith("view_")} == {
        "actions.propose_agendaitem"
    }
    pilot = codenames(roles.PILOT)
    assert {"actions.view_decision", "actions.add_discussionrequest"} <= pilot
    assert not pilot & {"actions.view_session", "actions.propose_agendaitem"}
    editor = codenames(roles.EDITOR)
    assert {
        "actions.change_action",
        "actions.add_event",
        "structures.change_structure",
        "indicators.change_measurement",
    } <= editor
    assert not editor & {
        "actions.change_plan",
        "actions.delete_action",
        "auth.change_user",
        "reports.add_annualreport",
    }
    admin = codenames(roles.ADMIN)
    assert {"auth.change_user", "actions.change_plan", "reports.add_annualreport"} <= admin


def test_sync_gives_back_what_was_removed_and_takes_back_what_was_added():
    editor = Group.objects.get(name=roles.EDITOR)
    editor.permissions.remove(Permission.objects.get(codename="change_action"))
    editor.permissions.add(Permission.objects.get(codename="delete_plan"))
    roles.sync()
    assert "actions.change_action" in codenames(roles.EDITOR)
    assert "actions.delete_plan" not in codenames(roles.EDITOR)
