"""Every URL pattern × every persona, built from the URL resolver.

A URL without a row in EXPECTED fails test_every_url_has_an_expected_row, so a
new page cannot ship without saying who may see it.
"""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from actions.drafting import draft_next_plan
from actions.models import (
    Action,
    AgendaItem,
    Attachment,
    BudgetLine,
    Campaign,
    Decision,
    DiscussionRequest,
    Event,
    Member,
    Plan,
    ProgressUpdate,
    ReminderSent,
    Review,
    ReviewComment,
    Session,
)
from essplan import accounts, roles
from essplan.models import Invitation
from jobs.models import Job
from reports.models import AnnualReport
from structures.models import ListingRequest, Structure
from tests.conftest import COTENTIN, PERSONAS, make_user
from tests.factories import (
    AgendaItemFactory,
    BudgetLineFactory,
    DecisionFactory,
    EventFactory,
    HeldSessionFactory,
    MemberFactory,
    SessionFactory,
)
from tests.helpers import named_urls

LOGIN = "/connexion/"
ALLOWED = {"viewer": 200, "pilot": 200, "other_pilot": 200, "editor": 200, "admin_user": 200}
ROLE_REQUIRED = {"anonymous": LOGIN, "outsider": 403, **ALLOWED}
EDITORS_ONLY = {
    "anonymous": LOGIN,
    "outsider": 403,
    "viewer": 403,
    "pilot": 403,
    "other_pilot": 403,
    "editor": 200,
    "admin_user": 200,
}
ADMINS_ONLY = {**EDITORS_ONLY, "editor": 403}
# The follow-up of action 1.4.7, which "pilot" pilots and "other_pilot" does not.
FOLLOWUP = {**EDITORS_ONLY, "pilot": 200}
POST_ONLY = {**dict.fromkeys(PERSONAS, 405), "anonymous": LOGIN}
ACTION = {"slug": COTENTIN, "code": "1.4.7"}
LINE = {**ACTION, "pk": "line"}
EVENT = {"slug": COTENTIN, "pk": "event"}
CAMPAIGN = {"slug": COTENTIN, "year": 2025}
# "session" is a session of the Cotentin plan to come, "item" a point of its agenda with a
# document; the comité reads sessions, the pilots do not.
SESSION = {"slug": COTENTIN, "pk": "session"}
ITEM = {**SESSION, "item": "item"}
COMITE = {**EDITORS_ONLY, "viewer": 200}
# Who reads the comité's sessions (and their minutes): not the pilots.
SESSION_READERS = {**ROLE_REQUIRED, "pilot": 403, "other_pilot": 403}
# The comité de suivi's sessions: read by the comité, the ESS team and administrators (not by
# pilots); prepared by the team and administrators.
COMMITTEE_READERS = {**EDITORS_ONLY, "viewer": 200}

# url name -> (kwargs, {persona: expected status, or the path a 302 leads to}).
# "line" and "event" stand for the budget line and the event of the fixture below.
EXPECTED = {
    "reports:home": ({}, ROLE_REQUIRED),
    "reports:search": ({}, ROLE_REQUIRED),
    "actions:plan_list": ({}, ROLE_REQUIRED),
    "actions:plan_detail": ({"slug": COTENTIN}, ROLE_REQUIRED),
    "actions:action_detail": (ACTION, ROLE_REQUIRED),
    "actions:action_list": ({"slug": COTENTIN}, ROLE_REQUIRED),
    "actions:plan_budget": ({"slug": COTENTIN}, ROLE_REQUIRED),
    "actions:event_list": ({"slug": COTENTIN}, ROLE_REQUIRED),
    "actions:my_actions": ({}, ROLE_REQUIRED),
    # A personal link without its token; the 2025 campaign, due 15/12/2025, is long past its
    # PERSONAL_LINK_GRACE_DAYS: « Ce lien a expiré » (tests/test_personal_links.py).
    "actions:personal_link": ({**CAMPAIGN, "code": "1.4.7"}, dict.fromkeys(PERSONAS, 410)),
    "actions:campaign_list": ({"slug": COTENTIN}, ROLE_REQUIRED),
    "actions:campaign_detail": (CAMPAIGN, ROLE_REQUIRED),
    "actions:campaign_create": ({"slug": COTENTIN}, EDITORS_ONLY),
    "actions:campaign_edit": (CAMPAIGN, EDITORS_ONLY),
    "actions:bulk_entry": (CAMPAIGN, EDITORS_ONLY),
    "actions:pilot_table": ({"slug": COTENTIN}, EDITORS_ONLY),
    "actions:pilot_import": ({"slug": COTENTIN}, EDITORS_ONLY),
    "actions:pilot_import_confirm": ({"slug": COTENTIN}, POST_ONLY),
    "actions:campaign_remind": ({**CAMPAIGN, "code": "1.4.7"}, POST_ONLY),
    "actions:campaign_remind_all": (CAMPAIGN, POST_ONLY),
    # The review page: the ESS team reads and decides, the pilots of the action re-read
    # what they sent; the queue is the team's.
    "actions:point_review": ({**ACTION, "year": 2024}, FOLLOWUP),
    "actions:point_reply": ({**ACTION, "year": 2024}, POST_ONLY),
    "actions:review_queue": (CAMPAIGN, EDITORS_ONLY),
    "actions:campaign_name_pilot": (CAMPAIGN, POST_ONLY),
    "actions:campaign_sending": (CAMPAIGN, EDITORS_ONLY),
    "actions:campaign_send_due": (CAMPAIGN, POST_ONLY),
    "actions:notifications_send": (CAMPAIGN, POST_ONLY),
    "actions:attachment_delete": ({**ACTION, "year": 2024, "pk": "attachment"}, POST_ONLY),
    "actions:attachment_download": ({**ACTION, "year": 2024, "pk": "attachment"}, ROLE_REQUIRED),
    "actions:action_edit": (ACTION, EDITORS_ONLY),
    "actions:action_history": (ACTION, EDITORS_ONLY),
    "actions:action_partners": (ACTION, EDITORS_ONLY),
    "actions:action_pilots": (ACTION, EDITORS_ONLY),
    "actions:progress_edit": ({**ACTION, "year": 2025}, FOLLOWUP),
    "actions:decision_close": ({**ACTION, "pk": "taken_decision"}, FOLLOWUP),
    "actions:action_flag": (ACTION, FOLLOWUP),
    "actions:action_flag_lower": (ACTION, POST_ONLY),
    # While the 2025 campaign is open; "line" was entered by the ESS team, not by the pilot.
    "actions:budget_line_create": (ACTION, FOLLOWUP),
    "actions:budget_line_edit": (LINE, EDITORS_ONLY),
    # A GET asks for confirmation; the POST it sends deletes.
    "actions:budget_line_delete": (LINE, EDITORS_ONLY),
    "actions:event_create": ({"slug": COTENTIN}, EDITORS_ONLY),
    "actions:event_edit": (EVENT, EDITORS_ONLY),
    "actions:event_delete": (EVENT, EDITORS_ONLY),
    # The next plan: drafted, edited and adopted by administrators only.
    "actions:draft_create": ({"slug": COTENTIN}, ADMINS_ONLY),
    "actions:draft_detail": ({"slug": "draft"}, ADMINS_ONLY),
    "actions:draft_node": ({"slug": "draft", "kind": "action", "pk": "draft_action"}, ADMINS_ONLY),
    "actions:draft_remove": (
        {"slug": "draft", "kind": "action", "pk": "draft_action"},
        ADMINS_ONLY,
    ),
    "actions:draft_add": ({"slug": "draft", "kind": "action"}, POST_ONLY),
    "actions:draft_renumber": ({"slug": "draft"}, POST_ONLY),
    "actions:plan_adopt": ({"slug": "draft"}, ADMINS_ONLY),
    "actions:plan_publication": ({"slug": COTENTIN}, POST_ONLY),
    # The header's « Comité »: the sessions of the current plan.
    "committee:home": (
        {},
        {
            **COMMITTEE_READERS,
            **dict.fromkeys(["viewer", "editor", "admin_user"], "/plans/" + COTENTIN + "/comite/"),
        },
    ),
    "committee:sessions": ({"slug": COTENTIN}, COMMITTEE_READERS),
    "committee:session": (SESSION, COMMITTEE_READERS),
    "committee:session_create": ({"slug": COTENTIN}, EDITORS_ONLY),
    "committee:session_edit": (SESSION, EDITORS_ONLY),
    "committee:session_members": (SESSION, EDITORS_ONLY),
    "committee:session_attendance": (SESSION, EDITORS_ONLY),
    "indicators:indicator_list": ({"slug": COTENTIN}, ROLE_REQUIRED),
    "indicators:indicator_detail": ({"slug": COTENTIN, "code": "C1"}, ROLE_REQUIRED),
    "indicators:indicator_create": ({"slug": COTENTIN}, EDITORS_ONLY),
    "indicators:indicator_edit": ({"slug": COTENTIN, "code": "C1"}, EDITORS_ONLY),
    "indicators:measurement_edit": ({"slug": COTENTIN, "code": "C1", "year": 2024}, EDITORS_ONLY),
    "indicators:measurement_import": ({"slug": COTENTIN}, EDITORS_ONLY),
    "indicators:indicator_history": ({"slug": COTENTIN, "code": "C1"}, EDITORS_ONLY),
    "indicators:measurement_import_confirm": ({"slug": COTENTIN}, POST_ONLY),
    "structures:structure_list": ({}, ROLE_REQUIRED),
    "structures:structure_map": ({}, ROLE_REQUIRED),
    "structures:structure_detail": ({"pk": "structure"}, ROLE_REQUIRED),
    "structures:structure_create": ({}, EDITORS_ONLY),
    "structures:structure_edit": ({"pk": "structure"}, EDITORS_ONLY),
    "structures:structure_import": ({}, EDITORS_ONLY),
    "structures:structure_archive": ({"pk": "structure"}, POST_ONLY),
    "structures:structure_import_confirm": ({}, POST_ONLY),
    # Requests to appear on the public directory: decided by the ESS team.
    "structures:listing_request_list": ({}, EDITORS_ONLY),
    "structures:listing_request_accept": ({"pk": "listing"}, POST_ONLY),
    "structures:listing_request_refuse": ({"pk": "listing"}, POST_ONLY),
    "reports:report_list": ({}, ROLE_REQUIRED),
    # "report" is a published report: every role may download it.
    "reports:report_download": ({"pk": "report"}, ROLE_REQUIRED),
    "reports:report_generate": ({}, POST_ONLY),
    # A job's page: the person who asked for it (here the administrator) and administrators.
    "jobs:job_detail": (
        {"pk": "job"},
        {
            **ADMINS_ONLY,
            "outsider": 404,
            "viewer": 404,
            "pilot": 404,
            "other_pilot": 404,
            "editor": 404,
        },
    ),
    "jobs:job_state": (
        {"pk": "job"},
        {
            **ADMINS_ONLY,
            "outsider": 404,
            "viewer": 404,
            "pilot": 404,
            "other_pilot": 404,
            "editor": 404,
        },
    ),
    "jobs:job_cancel": ({"pk": "job"}, POST_ONLY),
    "reports:report_publish": ({"pk": "report"}, POST_ONLY),
    # The minutes of a held session: generated and published by the team, read by the comité.
    "reports:minutes": (SESSION, SESSION_READERS),
    "reports:minutes_generate": (SESSION, POST_ONLY),
    "login": ({}, {**dict.fromkeys(PERSONAS, 302), "anonymous": 200}),
    # « Mot de passe oublié ? » is open to all; a made-up link shows « Ce lien ne sert plus ».
    "password_reset": ({}, dict.fromkeys(PERSONAS, 200)),
    "password_reset_done": ({}, dict.fromkeys(PERSONAS, 200)),
    "password_reset_confirm": ({"uidb64": "MQ", "token": "abc-def"}, dict.fromkeys(PERSONAS, 200)),
    "password_reset_complete": ({}, dict.fromkeys(PERSONAS, 200)),
    "invite": ({}, ADMINS_ONLY),
    # « Équipe et pilotes »: administrators only; a GET of « Désactiver » asks for confirmation.
    "people": ({}, ADMINS_ONLY),
    "person_deactivate": ({"pk": "candidate"}, ADMINS_ONLY),
    "person_resend": ({"pk": "candidate"}, POST_ONLY),
    "person_reactivate": ({"pk": "candidate"}, POST_ONLY),
    # Logging out is POST only: a GET is refused to everyone logged in.
    "logout": ({}, dict(POST_ONLY)),
    # The Django admin is for administrators (staff) only; its other URLs are
    # guarded by the admin site itself, which tests/test_admin.py exercises.
    "admin:index": ({}, {**dict.fromkeys(PERSONAS, "/admin/login/"), "admin_user": 200}),
    # The public site: the published plan and a consenting structure, for anyone.
    "public:home": ({}, dict.fromkeys(PERSONAS, 200)),
    "public:plan_detail": ({"slug": COTENTIN}, dict.fromkeys(PERSONAS, 200)),
    "public:action_detail": (ACTION, dict.fromkeys(PERSONAS, 200)),
    "public:structure_list": ({}, dict.fromkeys(PERSONAS, 200)),
    "public:structure_detail": ({"pk": "structure"}, dict.fromkeys(PERSONAS, 200)),
    "public:structure_map": ({}, dict.fromkeys(PERSONAS, 200)),
    "public:listing_request": ({}, dict.fromkeys(PERSONAS, 200)),
    "public:listing_request_sent": ({}, dict.fromkeys(PERSONAS, 200)),
    "public:open_data": ({}, dict.fromkeys(PERSONAS, 200)),
    "public:structures_csv": ({}, dict.fromkeys(PERSONAS, 200)),
    "public:actions_csv": ({"slug": COTENTIN}, dict.fromkeys(PERSONAS, 200)),
    "public:measurements_csv": ({"slug": COTENTIN}, dict.fromkeys(PERSONAS, 200)),
    "public-api:openapi-json": ({}, dict.fromkeys(PERSONAS, 200)),
    "public-api:structures": ({}, dict.fromkeys(PERSONAS, 200)),
    "public-api:structure": ({"structure_id": "structure"}, dict.fromkeys(PERSONAS, 200)),
    "public-api:plans": ({}, dict.fromkeys(PERSONAS, 200)),
    "public-api:actions": ({"slug": COTENTIN}, dict.fromkeys(PERSONAS, 200)),
    "public-api:measurements": ({"slug": COTENTIN}, dict.fromkeys(PERSONAS, 200)),
    # A session's agenda: the comité and the team read it, the team prepares and sends it; a
    # comité member (and an administrator) proposes an item before the session.
    "committee:agenda": (SESSION, COMITE),
    "committee:agenda_add": (SESSION, POST_ONLY),
    "committee:agenda_send": (SESSION, POST_ONLY),
    "committee:agenda_item_remove": (ITEM, POST_ONLY),
    "committee:agenda_item_move": (ITEM, POST_ONLY),
    "committee:agenda_item_document": (ITEM, POST_ONLY),
    "committee:agenda_item_download": (ITEM, COMITE),
    "committee:item_keep": (ITEM, POST_ONLY),
    "committee:item_refuse": (ITEM, POST_ONLY),
    "committee:item_propose": (SESSION, {**COMITE, "editor": 403}),
    # The API's root has no page of its own (no interactive documentation is served).
    "public-api:api-root": ({}, dict.fromkeys(PERSONAS, 404)),
    # The comité's relevé de décisions: recorded by the ESS team, read by the comité, not
    # by the pilots (they read the decisions of their actions on the actions' pages).
    "committee:session_record": (SESSION, {**EDITORS_ONLY, "viewer": 200}),
    "committee:item_summary": ({**SESSION, "item": "item"}, POST_ONLY),
    "committee:decision_add": (SESSION, POST_ONLY),
    "committee:decision_edit": ({**SESSION, "decision": "decision"}, EDITORS_ONLY),
    "committee:decision_delete": ({**SESSION, "decision": "decision"}, POST_ONLY),
    "committee:session_close": (SESSION, POST_ONLY),
}


def test_every_url_has_an_expected_row():
    missing = {name for name, _ in named_urls() if not name.startswith("admin:")} - set(EXPECTED)
    assert not missing, f"URLs sans ligne dans la matrice des permissions : {sorted(missing)}"


def test_every_url_pattern_is_named():
    def unnamed(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace != "admin":
                    yield from unnamed(entry)
            elif not entry.name:
                yield str(entry.pattern)

    assert list(unnamed(get_resolver())) == []


@pytest.fixture
def objects(action):
    line = BudgetLineFactory(action=action)
    event = EventFactory(plan=action.plan)
    structure = Structure.objects.order_by("pk").first()
    Structure.objects.filter(pk=structure.pk).update(public_since=timezone.now())
    Plan.objects.filter(pk=action.plan_id).update(is_public=True)
    report = AnnualReport(
        plan=action.plan, year=2024, published=True, size=9, page_count=1, sha256="0" * 64
    )
    report.file.save("matrice.pdf", ContentFile(b"%PDF-1.7\n"))
    Campaign.objects.create(
        plan=action.plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
    )
    point = ProgressUpdate.objects.create(
        action=action, year=2024, status="en_cours", progress=50, review=Review.SUBMITTED
    )
    attachment = Attachment(point=point, name="bilan.pdf", size=9, content_type="application/pdf")
    attachment.file.save("bilan.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    attachment.save()
    candidate = accounts.invite(
        first_name="Nina", last_name="Leroy", email="nina@lecotentin.fr", role=roles.PILOT
    )
    draft = draft_next_plan(
        action.plan, slug="brouillon-2026-2028", first_year=2026, last_year=2028, codes=["1.4.7"]
    )
    job = Job.objects.create(
        kind="report", label="Rapport annuel 2024", created_by=make_user("adele", roles.ADMIN)
    )
    listing = ListingRequest.objects.create(
        name="Recyclerie de la Hague",
        siret="73282932000074",
        commune=structure.commune,
        contact_name="Paule Martin",
        email="paule@example.org",
        consent=True,
    )
    session = SessionFactory(plan=action.plan, date=datetime.date(2027, 1, 15))
    MemberFactory(session=session)
    item = AgendaItemFactory(session=session, action=action)
    item.document.save("ordre.pdf", ContentFile(b"%PDF-1.7\n"))
    decision = DecisionFactory(session=session, item=item, action=action)
    taken = DecisionFactory(session=HeldSessionFactory(plan=action.plan), action=action)
    DiscussionRequest.objects.create(action=action, reason="Bloquée depuis l'été")
    return {
        "session": session.pk,
        "item": item.pk,
        "decision": decision.pk,
        "taken_decision": taken.pk,
        "line": line.pk,
        "event": event.pk,
        "structure": structure.pk,
        "report": report.pk,
        "job": job.pk,
        "listing": listing.pk,
        "candidate": candidate.pk,
        "attachment": attachment.pk,
        "draft": draft.slug,
        "draft_action": draft.actions.get().pk,
    }


def url_for(name, objects):
    kwargs, _ = EXPECTED[name]
    return reverse(name, kwargs={key: objects.get(value, value) for key, value in kwargs.items()})


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_permission_matrix(client_for, objects, name, persona):
    _, expected = EXPECTED[name]
    url = url_for(name, objects)
    response = client_for(persona).get(url)
    wanted = expected[persona]
    if isinstance(wanted, str):
        assert response.status_code == 302
        assert response.url.split("?")[0] == wanted
    else:
        assert response.status_code == wanted


@pytest.mark.django_db
def test_no_role_account_sees_a_french_no_access_page(client_for):
    response = client_for("outsider").get(reverse("actions:plan_list"))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Accès refusé" in content
    assert "Aucun rôle" in content
    assert "Plan d'actions ESS 2023-2025" not in content


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["viewer", "editor", "admin_user"])
@pytest.mark.parametrize(
    "name",
    [
        "actions:action_detail",
        "actions:action_list",
        "actions:plan_detail",
        "actions:event_list",
        "actions:campaign_list",
        "actions:campaign_detail",
        "actions:my_actions",
        "actions:draft_detail",
        "committee:home",
        "committee:sessions",
        "committee:session",
    ],
)
def test_read_only_pages_refuse_post(client_for, objects, persona, name):
    assert client_for(persona).post(url_for(name, objects), {"title": "forgé"}).status_code == 405


WRITE_URLS = [
    "actions:action_edit",
    "actions:progress_edit",
    "actions:budget_line_create",
    "actions:budget_line_edit",
    "actions:budget_line_delete",
    "actions:event_create",
    "actions:event_edit",
    "actions:event_delete",
    "structures:structure_create",
    "structures:structure_edit",
    "structures:structure_import",
    "structures:structure_archive",
    "structures:structure_import_confirm",
    "structures:listing_request_accept",
    "structures:listing_request_refuse",
    "actions:action_partners",
    "actions:action_pilots",
    "actions:campaign_create",
    "actions:campaign_edit",
    "actions:campaign_remind",
    "actions:campaign_remind_all",
    "actions:campaign_name_pilot",
    "actions:campaign_send_due",
    "actions:notifications_send",
    "actions:point_review",
    "actions:point_reply",
    "actions:attachment_delete",
    "actions:decision_close",
    "actions:action_flag",
    "actions:action_flag_lower",
    "actions:bulk_entry",
    "actions:pilot_import",
    "actions:pilot_import_confirm",
    "invite",
    *(PEOPLE_WRITES := ["person_resend", "person_deactivate", "person_reactivate"]),
    "indicators:indicator_create",
    "indicators:indicator_edit",
    "indicators:measurement_edit",
    "indicators:measurement_import",
    "indicators:measurement_import_confirm",
    "reports:report_generate",
    "reports:report_publish",
    "committee:item_summary",
    "committee:decision_add",
    "committee:decision_edit",
    "committee:decision_delete",
    "committee:session_close",
    "reports:minutes_generate",
    "committee:agenda_add",
    "committee:agenda_send",
    "committee:agenda_item_remove",
    "committee:agenda_item_move",
    "committee:agenda_item_document",
    "committee:item_keep",
    "committee:item_refuse",
    "committee:session_create",
    "committee:session_edit",
    "committee:session_members",
    "committee:session_attendance",
    *(
        DRAFT_WRITES := [
            "actions:draft_create",
            "actions:draft_add",
            "actions:draft_node",
            "actions:draft_remove",
            "actions:draft_renumber",
            "actions:plan_adopt",
            "actions:plan_publication",
        ]
    ),
]


# What "pilot" may write: the follow-up of the action it pilots (1.4.7), but not the ESS
# team's budget line.
PILOT_WRITES = {
    "actions:progress_edit",
    "actions:budget_line_create",
    "actions:decision_close",
    "actions:action_flag",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "name"),
    [
        *(
            (persona, name)
            for persona in ["outsider", "viewer", "other_pilot"]
            for name in WRITE_URLS
        ),
        *(("pilot", name) for name in WRITE_URLS if name not in PILOT_WRITES),
        ("editor", "invite"),
        *(("editor", name) for name in PEOPLE_WRITES),
        *(("editor", name) for name in DRAFT_WRITES),
    ],
)
def test_forged_posts_without_the_role_get_403_and_change_nothing(
    client_for, objects, persona, name, action
):
    def state():
        return (
            action.version,
            BudgetLine.objects.count(),
            Event.objects.count(),
            list(Campaign.objects.values_list("pk", "version")),
            ReviewComment.objects.count(),
            ReminderSent.objects.count(),
            Attachment.objects.count(),
            list(action.pilots.values_list("pk", flat=True)),
            User.objects.count(),
            action.updates.count(),
            Structure.objects.filter(archived=False).count(),
            sum(Structure.objects.values_list("version", flat=True)),
            list(AnnualReport.objects.values_list("pk", "published")),
            sorted(
                Plan.objects.values_list(
                    "slug",
                    "state",
                    "title",
                    "deliberation_reference",
                    "is_public",
                    "public_point_fields",
                )
            ),
            sorted(Action.objects.values_list("plan__slug", "code", "title")),
            list(ListingRequest.objects.values_list("pk", "state")),
            sorted(User.objects.values_list("pk", "is_active")),
            sorted(Invitation.objects.values_list("pk", "sent_at")),
            sorted(Session.objects.values_list("pk", "state", "date", "place", "version")),
            sorted(Member.objects.values_list("pk", "session", "user", "attendance")),
            sorted(AgendaItem.objects.values_list("pk", "summary")),
            sorted(Decision.objects.values_list("pk", "text", "action", "due_on")),
            sorted(Decision.objects.values_list("pk", "done_at", "done_note", "text")),
            sorted(DiscussionRequest.objects.values_list("pk", "closed_at")),
        )

    client = client_for(persona)
    before = state()
    data = {
        "version": 1,
        "title": "forgé",
        "label": "forgé",
        "planned": "1",
        "year": 2025,
        "name": "forgée",
        "commune": Structure.objects.first().commune_id,
        "token": "0" * 32,
        "structure": Structure.objects.first().pk,
        "code": "Z9",
        "unit": "nombre",
        "direction": "hausse",
        "value": "1",
        "date": "2025-01-01",
        "kind": "autre",
        "status": "realisee",
        "progress": 100,
        "section": "fonctionnement",
        "flow": "depense",
        "priority": "haute",
        "plan": action.plan_id,
        "published": "0",
        "user": objects["candidate"],
        "decision": "valide",
        "opens_on": "2025-01-01",
        "due_on": "2025-02-01",
        "first_name": "Faux",
        "last_name": "Compte",
        "email": "faux@example.org",
        "role": roles.ADMIN,
        "file": SimpleUploadedFile("forge.pdf", b"%PDF-1.4\n%%EOF\n"),
        "text": "forgée",
        "d-text": "forgée",
        "summary": "forgée",
        "place": "forgé",
        "retirer": Member.objects.order_by("pk").first().pk,
        "note": "forgée",
        "reason": "forgée",
    }
    response = client.post(url_for(name, objects), data)
    assert response.status_code == 403
    action.refresh_from_db()
    assert state() == before


def test_every_write_url_is_checked_for_forged_posts():
    writable = {
        name
        for name, (_, expected) in EXPECTED.items()
        if any(expected is kind for kind in (EDITORS_ONLY, ADMINS_ONLY, FOLLOWUP, POST_ONLY))
    }
    assert writable == set(WRITE_URLS) | {
        "actions:action_history",
        "indicators:indicator_history",
        "structures:listing_request_list",
        "people",
        "actions:pilot_table",
        "actions:draft_detail",
        "actions:review_queue",
        "actions:campaign_sending",
        # someone else's job is not found: see below
        "jobs:job_cancel",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "viewer", "pilot", "editor"])
def test_cancelling_someone_elses_job_finds_nothing_and_changes_nothing(
    client_for, objects, persona
):
    response = client_for(persona).post(url_for("jobs:job_cancel", objects))
    assert response.status_code == 404
    assert Job.objects.get(pk=objects["job"]).status == "en_attente"


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_with_next(client):
    url = reverse("actions:action_detail", kwargs={"slug": COTENTIN, "code": "2.1.1"})
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={url}"


@pytest.mark.django_db
def test_logout_by_post_ends_the_session(client_for):
    client = client_for("viewer")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("actions:plan_list")).status_code == 302


@pytest.mark.django_db
def test_a_pilot_records_the_follow_up_of_its_own_action(client_for, action, pilot):
    Campaign.objects.create(
        plan=action.plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
    )
    client = client_for("pilot")
    response = client.post(
        action.url("actions:progress_edit", year=2025),
        {"status": "en_cours", "progress": "40", "date": "2025-06-30", "submit": "1"},
    )
    assert response.status_code == 302
    assert action.updates.get(year=2025).author == pilot
    assert (
        client.post(
            action.url("actions:budget_line_create"),
            {
                "year": "2025",
                "section": "fonctionnement",
                "flow": "depense",
                "label": "Affiches",
                "planned": "120",
            },
        ).status_code
        == 302
    )
    line = BudgetLine.objects.get(action=action, label="Affiches")
    assert (
        client.post(
            reverse("actions:budget_line_delete", kwargs={**ACTION, "pk": line.pk})
        ).status_code
        == 302
    )
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    # Its action's page offers it the entry of the campaign's year (only); another action's
    # page does not.
    page = client.get(action.get_absolute_url()).content.decode()
    assert 'Saisir<span class="visually-hidden"> le point 2024' not in page
    # Submitted, the 2025 point waits for the ESS team: the pilot can no longer change it.
    assert 'Modifier<span class="visually-hidden"> le point 2025' not in page
    assert '<span class="badge review review-soumis">Soumis</span>' in page
    action.updates.filter(year=2025).update(review="a_revoir")
    page = client.get(action.get_absolute_url()).content.decode()
    assert 'Corriger<span class="visually-hidden"> le point 2025' in page
    other = action.plan.actions.get(code="1.4.6")
    assert "Saisir<span" not in client.get(other.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_pilot_role_without_being_named_edits_nothing(client_for, action, other_pilot):
    response = client_for("other_pilot").post(
        action.url("actions:progress_edit", year=2025),
        {"status": "en_cours", "progress": "40", "date": "2025-06-30"},
    )
    assert response.status_code == 403
    assert not action.updates.exists()
