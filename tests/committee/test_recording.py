"""The relevé de décisions: the team records summaries and decisions, marks the session as
held, which tells each carrier and the pilots of the action once; concurrent editors never
overwrite each other; the comité reads; the pilots do not."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import AgendaItem, Decision, Plan, Session
from committee import recording
from committee.record_forms import BOTH_CARRIERS, TEXT_REQUIRED
from essplan import roles
from essplan.models import Notification
from tests.conftest import COTENTIN, make_user
from tests.factories import AgendaItemFactory, DecisionFactory, SessionFactory
from tests.test_notifications import parts, subject

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 6, 2)


@pytest.fixture
def session(plan):
    return SessionFactory(plan=plan, date=DAY)


@pytest.fixture
def item(session, action):
    return AgendaItemFactory(session=session, action=action, title="Action 1.4.7 en retard")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def url(name, session, **kwargs):
    return reverse(f"committee:{name}", kwargs={"slug": COTENTIN, "pk": session.pk, **kwargs})


def add_url(session, item=None):
    base = url("decision_add", session)
    return f"{base}?point={item.pk}" if item else base


def page_text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_team_records_a_summary_and_a_decision_of_an_item(
    client_for, session, item, action, pilot
):
    client = client_for("editor")
    page = client.get(url("session_record", session))
    # The item's form has its action preselected.
    assert re.search(rf'<option value="{action.pk}" selected>1\.4\.7 · ', page.content.decode())
    opened = recording.summary_fingerprint(item)
    response = client.post(
        url("item_summary", session, item=item.pk),
        {
            f"s{item.pk}-summary": "Retard dû au\r\nchangement de salle. ",
            f"s{item.pk}-opened": opened,
        },
    )
    assert response.status_code == 302
    assert response.url.endswith(f"#point-{item.pk}")
    item.refresh_from_db()
    assert item.summary == "Retard dû au\nchangement de salle."
    response = client.post(
        add_url(session, item),
        {
            f"d{item.pk}-text": "Relancer les partenaires du café des associations.",
            f"d{item.pk}-action": action.pk,
            f"d{item.pk}-carrier": pilot.pk,
            f"d{item.pk}-due_on": "2025-09-30",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.session, decision.item, decision.action, decision.carrier) == (
        session,
        item,
        action,
        pilot,
    )
    assert (decision.text, decision.carrier_name, decision.due_on) == (
        "Relancer les partenaires du café des associations.",
        "",
        datetime.date(2025, 9, 30),
    )
    shown = page_text(client.get(url("session_record", session)))
    assert "Relancer les partenaires du café des associations." in shown
    assert "Porteur : Paul Pilote · Échéance : 30/09/2025" in shown


def test_a_decision_of_no_item_carried_by_a_named_direction(client_for, session, item):
    client = client_for("editor")
    response = client.post(
        add_url(session),
        {"d-text": "Présenter le bilan au conseil.", "d-carrier_name": "Direction de l'économie"},
    )
    assert response.status_code == 302 and response.url.endswith("#autres-decisions")
    decision = Decision.objects.get()
    assert (decision.item, decision.action, decision.carrier, decision.carrier_name) == (
        None,
        None,
        None,
        "Direction de l'économie",
    )


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"d-text": "  "}, "text", TEXT_REQUIRED),
        (
            {"d-text": "Décider", "d-due_on": "2025-06-01"},
            "due_on",
            "L&#x27;échéance ne peut pas précéder la séance du 02/06/2025.",
        ),
        (
            {"d-text": "Décider", "d-carrier_name": "Direction de l'économie", "d-carrier": "me"},
            "carrier_name",
            BOTH_CARRIERS.replace("'", "&#x27;"),
        ),
        (
            {"d-text": "Décider", "d-action": "other plan"},
            "action",
            "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles.",
        ),
    ],
)
def test_a_wrong_decision_is_refused_in_french_and_nothing_is_recorded(
    client_for, editor, session, posted, field, message
):
    other_plan_action = Plan.objects.exclude(slug=COTENTIN).first().actions.first()
    posted = {
        key: {"me": editor.pk, "other plan": other_plan_action.pk}.get(value, value)
        for key, value in posted.items()
    }
    response = client_for("editor").post(add_url(session), posted)
    assert response.status_code == 200
    assert not Decision.objects.exists()
    content = response.content.decode()
    assert re.search(rf'id="id_d-{field}_error">{re.escape(message)}</div>', content), content
    assert "La décision n'est pas enregistrée" in content


def test_closing_tells_each_carrier_and_pilot_once_after_the_commit(
    client_for, session, item, action, pilot, editor, smtp_server, committed
):
    direction = DecisionFactory(
        session=session, text="Étudier un local commun.", carrier_name="Direction de l'économie"
    )
    with_action = DecisionFactory(
        session=session,
        item=item,
        action=action,
        carrier=editor,
        text="Relancer les partenaires.",
        due_on=datetime.date(2025, 9, 30),
    )
    # The pilot carries it too: told once about it.
    carried_by_pilot = DecisionFactory(session=session, action=action, carrier=pilot)
    with committed():
        response = client_for("editor").post(url("session_close", session))
        assert smtp_server == []  # nothing before the commit
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state == Session.State.HELD
    sent = sorted((m["To"], subject(m)) for m in smtp_server)
    prefix = "[essplan] Décision du comité de suivi du 02/06/2025 · 1.4.7 "
    assert [to for to, _ in sent] == sorted([editor.email, pilot.email, pilot.email])
    assert all(title.startswith(prefix) for _, title in sent)
    assert sorted(Notification.objects.values_list("object_id", "address", "kind")) == sorted(
        [
            (with_action.pk, editor.email, Notification.Kind.DECISION_RECORDED),
            (with_action.pk, pilot.email, Notification.Kind.DECISION_RECORDED),
            (carried_by_pilot.pk, pilot.email, Notification.Kind.DECISION_RECORDED),
        ]
    )
    assert not Notification.objects.filter(object_id=direction.pk).exists()
    [to_editor] = [m for m in smtp_server if m["To"] == editor.email]
    text, html = parts(to_editor)
    assert "Relancer les partenaires." in text and "Relancer les partenaires." in html
    assert "Échéance : 30/09/2025" in text
    link = "http://127.0.0.1:8000" + reverse(
        "actions:action_detail", kwargs={"slug": COTENTIN, "code": "1.4.7"}
    )
    assert f"Voir l'action : {link}" in text and f'href="{link}"' in html


def test_closing_twice_tells_nobody_a_second_time(
    client_for, session, action, pilot, smtp_server, committed
):
    DecisionFactory(session=session, action=action)
    client = client_for("editor")
    with committed():
        client.post(url("session_close", session))
    assert [m["To"] for m in smtp_server] == [pilot.email]
    with committed():
        response = client.post(url("session_close", session), follow=True)
    assert "était déjà marquée comme tenue" in page_text(response)
    assert len(smtp_server) == 1 and Notification.objects.count() == 1
    assert recording.close_session(session.pk) is False


def test_a_session_to_come_cannot_be_marked_held(client_for, plan):
    later = SessionFactory(plan=plan, date=timezone.localdate() + datetime.timedelta(days=3))
    response = client_for("editor").post(url("session_close", later), follow=True)
    assert "n&#x27;a pas encore eu lieu" in response.content.decode()
    later.refresh_from_db()
    assert later.state == Session.State.PREPARED


def test_after_closing_decisions_are_corrected_not_deleted_nor_added(
    client_for, session, item, action, editor
):
    decision = DecisionFactory(session=session, item=item, action=action, carrier=editor)
    Session.objects.filter(pk=session.pk).update(state=Session.State.HELD)
    client = client_for("editor")
    page = page_text(client.get(url("session_record", session)))
    assert "Supprimer" not in page and "Ajouter une décision" not in page
    assert "Marquer la séance comme tenue" not in page
    response = client.post(
        url("decision_edit", session, decision=decision.pk),
        {
            "text": "Relancer les partenaires avant l'été.",
            "due_on": "2025-07-01",
            "carrier_name": "forgé",
            "action": "",
            "opened": recording.decision_fingerprint(decision),
        },
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.text, decision.due_on, decision.action, decision.carrier_name) == (
        "Relancer les partenaires avant l'été.",
        datetime.date(2025, 7, 1),
        action,
        "",
    )
    response = client.post(url("decision_delete", session, decision=decision.pk), follow=True)
    assert recording.HELD_NO_DELETE.replace("'", "&#x27;") in response.content.decode()
    response = client.post(add_url(session, item), {f"d{item.pk}-text": "Tardive"})
    assert response.status_code == 302
    assert list(Decision.objects.values_list("pk", flat=True)) == [decision.pk]


def test_a_decision_is_deleted_before_the_session_is_held(client_for, session):
    decision = DecisionFactory(session=session)
    client_for("editor").post(url("decision_delete", session, decision=decision.pk))
    assert not Decision.objects.exists()


def test_two_editors_writing_one_summary_the_second_is_refused_with_her_text_kept(
    client_for, session, item
):
    opened = recording.summary_fingerprint(item)
    recording.save_summary(item.pk, opened=opened, summary="Synthèse d'Émile.")
    client = client_for("admin_user")
    field = f"s{item.pk}-summary"
    response = client.post(
        url("item_summary", session, item=item.pk),
        {field: "Synthèse d'Alice.", f"s{item.pk}-opened": opened},
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "Quelqu&#x27;un a enregistré la synthèse de ce point" in content
    assert "Synthèse d&#x27;Émile." in content  # what is stored, shown
    assert re.search(rf'name="{field}"[^>]*>\s*Synthèse d&#x27;Alice\.</textarea>', content)
    item.refresh_from_db()
    assert item.summary == "Synthèse d'Émile."
    # Saved again from the refused page (its fingerprint is the stored text's): accepted.
    new = re.search(rf'name="s{item.pk}-opened" value="(\w+)"', content).group(1)
    client.post(
        url("item_summary", session, item=item.pk),
        {field: "Synthèse d'Émile et d'Alice.", f"s{item.pk}-opened": new},
    )
    item.refresh_from_db()
    assert item.summary == "Synthèse d'Émile et d'Alice."


def test_two_editors_correcting_one_decision_the_second_is_refused(client_for, session):
    decision = DecisionFactory(session=session, text="Première version.")
    opened = recording.decision_fingerprint(decision)
    recording.change_decision(decision.pk, opened=opened, text="Corrigée par Émile.", due_on=None)
    response = client_for("admin_user").post(
        url("decision_edit", session, decision=decision.pk),
        {"text": "Corrigée par Alice.", "opened": opened},
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "Quelqu&#x27;un a modifié cette décision" in content
    assert "Corrigée par Émile." in content
    assert re.search(r'name="text"[^>]*>\s*Corrigée par Alice\.</textarea>', content)
    decision.refresh_from_db()
    assert decision.text == "Corrigée par Émile."


def test_the_comite_reads_the_record_without_its_forms(client_for, session, item, viewer):
    item.summary = "Les partenaires sont mobilisés."
    item.save()
    DecisionFactory(session=session, item=item, text="Poursuivre.")
    response = client_for("viewer").get(url("session_record", session))
    content = page_text(response)
    assert response.status_code == 200
    assert "Les partenaires sont mobilisés." in content and "Poursuivre." in content
    assert "<form" not in content.split('id="point-')[1]
    assert "Marquer la séance comme tenue" not in content and "Corriger" not in content


@pytest.mark.parametrize("name", ["item_summary", "decision_add", "session_close"])
def test_the_comite_and_pilots_cannot_write(client_for, session, item, name):
    kwargs = {"item": item.pk} if name == "item_summary" else {}
    for who in ["viewer", "pilot"]:
        response = client_for(who).post(
            url(name, session, **kwargs),
            {f"s{item.pk}-summary": "forgé", f"s{item.pk}-opened": "x", "d-text": "forgée"},
        )
        assert response.status_code == 403
    item.refresh_from_db()
    session.refresh_from_db()
    assert (item.summary, Decision.objects.count(), session.state) == ("", 0, "preparation")


def test_items_and_decisions_of_another_session_are_not_found(client_for, session, item, plan):
    other = SessionFactory(plan=plan, date=DAY + datetime.timedelta(days=1))
    foreign_item = AgendaItemFactory(session=other)
    foreign = DecisionFactory(session=other)
    client = client_for("editor")
    client.raise_request_exception = False
    responses = [
        client.post(add_url(session, foreign_item), {f"d{foreign_item.pk}-text": "forgée"}),
        client.post(url("item_summary", session, item=foreign_item.pk), {}),
        client.post(url("decision_edit", session, decision=foreign.pk), {"text": "forgée"}),
        client.post(url("decision_delete", session, decision=foreign.pk)),
        client.get(url("decision_edit", session, decision=foreign.pk)),
    ]
    assert [r.status_code for r in responses] == [404] * 5
    refused = AgendaItemFactory(session=session, state=AgendaItem.State.REFUSED)
    assert client.post(add_url(session, refused), {}).status_code == 404
    assert Decision.objects.count() == 1 and Decision.objects.get() == foreign


@pytest.mark.parametrize(
    "value",
    ["\x00", "a\x00b", "x" * 10_000, "' OR 1=1 --", "²", "1²", "99999999999999999999", "-1"],
)
def test_hostile_input_is_refused_without_a_server_error(client_for, session, item, value):
    client = client_for("editor")
    client.raise_request_exception = False
    prefix = f"d{item.pk}"
    decision = client.post(
        add_url(session, item),
        {
            f"{prefix}-text": value,
            f"{prefix}-action": value,
            f"{prefix}-carrier": value,
            f"{prefix}-carrier_name": value,
            f"{prefix}-due_on": value,
        },
    )
    summary = client.post(
        url("item_summary", session, item=item.pk),
        {f"s{item.pk}-summary": value * 3, f"s{item.pk}-opened": value},
    )
    point = client.post(f"{url('decision_add', session)}?point={value}", {"d-text": "x"})
    assert decision.status_code == 200
    assert summary.status_code in (200, 409)
    assert point.status_code in (400, 404)  # a NUL byte: the French 400 page
    assert not Decision.objects.exists()
    item.refresh_from_db()
    assert item.summary == ""


def grow(session, action, editor, items, decisions):
    for n in range(items):
        AgendaItemFactory(session=session, action=action if n % 2 else None)
    items = list(session.items.all())
    for n in range(decisions):
        item = items[n % len(items)] if n % 3 else None
        DecisionFactory(session=session, item=item, action=action, carrier=editor)


@pytest.mark.parametrize("persona", ["editor", "viewer"])
def test_the_record_page_reads_a_constant_number_of_queries(
    client_for, session, action, editor, viewer, persona, django_assert_num_queries
):
    client = client_for(persona)
    grow(session, action, editor, items=1, decisions=1)
    client.get(url("session_record", session))  # warms the caches (permissions, plan)
    # 5 queries: the login session, the data versions (the user and her permissions are
    # cached by them), the session with its plan, the kept items with their actions, the
    # decisions with their actions and carriers; the team's forms read the plan's actions
    # and the carriers once for all the forms (+2).
    expected = {"editor": 7, "viewer": 5}[persona]
    with django_assert_num_queries(expected):
        assert client.get(url("session_record", session)).status_code == 200
    grow(session, action, editor, items=5, decisions=8)
    with django_assert_num_queries(expected):
        assert client.get(url("session_record", session)).status_code == 200


def test_carriers_are_the_active_team_pilots_and_comite_in_french_order(client_for, session):
    people = {
        "faure": ("Faure", roles.EDITOR),
        "etienne": ("Étienne", roles.PILOT),
        "dupont": ("Dupont", roles.VIEWER),
        "sans_role": ("Aubert", None),
        "parti": ("Bernard", roles.EDITOR),
    }
    for username, (last_name, role) in people.items():
        user = make_user(username, role)
        user.last_name = last_name
        user.is_active = username != "parti"
        user.save()
    content = client_for("editor").get(url("session_record", session)).content.decode()
    select = re.search(r'<select name="d-carrier".*?</select>', content, re.S).group(0)
    names = re.findall(r"<option value=\"\d+\">([^<]+)</option>", select)
    # emile: the editor who reads the page, named by his login (no last name: first).
    assert names == ["emile", "Dupont", "Étienne", "Faure"]
