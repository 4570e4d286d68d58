"""The old plan's last campaign survives the next plan's adoption: it runs to its due date
(its pilots submit, the ESS team reviews, reminders go), then it is over and the closed plan
is read only again."""

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from actions import drafting, reminders
from actions.models import Campaign, Plan, ProgressUpdate, Review
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DUE = TODAY + datetime.timedelta(days=20)
POINT = {"status": "en_cours", "progress": "60", "date": "2025-12-31", "submit": "1"}


@pytest.fixture
def campaign(plan):
    return Campaign.objects.create(
        plan=plan, year=2025, due_on=DUE, opens_on=TODAY - datetime.timedelta(days=30)
    )


@pytest.fixture
def next_plan(plan):
    return drafting.draft_next_plan(
        plan, slug="cotentin-ess-2026-2028", first_year=2026, last_year=2028, codes=["1.4.7"]
    )


def adopt(draft):
    drafting.adopt(
        draft,
        reference="DEL2026_101",
        adopted_on=TODAY,
        votes_for=150,
        votes_against=2,
        abstentions=10,
        envelope=Decimal("90000"),
    )


def url(name, **kwargs):
    return reverse(name, kwargs={"slug": COTENTIN, **kwargs})


def test_the_adoption_page_warns_of_the_open_campaign(
    client_for, plan, campaign, next_plan, action, pilot
):
    ProgressUpdate.objects.create(action=action, year=2025, review=Review.SUBMITTED)
    plan.actions.filter(code="1.4.6").get().updates.create(year=2025, review=Review.DRAFT)
    admin = client_for("admin_user")
    page = unescape(
        admin.get(reverse("actions:plan_adopt", kwargs={"slug": next_plan.slug})).content.decode()
    )
    # 45 actions: one submitted, one draft (awaited), 43 without a point (awaited).
    assert (
        f"La campagne 2025 du « {plan.title} » est ouverte : 44 points attendus, 1 soumis non relu."
    ) in page
    assert f"jusqu'à sa date limite du {DUE:%d/%m/%Y}" in page
    response = admin.post(
        reverse("actions:plan_adopt", kwargs={"slug": next_plan.slug}),
        {
            "reference": "DEL2026_101",
            "adopted_on": TODAY.isoformat(),
            "votes_for": "150",
            "votes_against": "0",
            "abstentions": "3",
            "envelope": "90 000",
        },
    )
    assert response.status_code == 302
    told = unescape(admin.get(response.url).content.decode())
    assert f"Sa campagne de suivi 2025 reste ouverte à ses pilotes jusqu'au {DUE:%d/%m/%Y}." in told


def test_without_an_open_campaign_the_adoption_page_warns_of_nothing(client_for, plan, next_plan):
    Campaign.objects.create(
        plan=plan,
        year=2024,
        opens_on=datetime.date(2024, 11, 1),
        due_on=datetime.date(2025, 1, 15),
        closed_on=datetime.date(2025, 2, 1),
    )
    page = client_for("admin_user").get(
        reverse("actions:plan_adopt", kwargs={"slug": next_plan.slug})
    )
    assert "est ouverte" not in page.content.decode()


def test_the_pilot_submits_and_the_team_reviews_after_adoption(
    client_for, plan, campaign, next_plan, action, pilot
):
    adopt(next_plan)
    plan.refresh_from_db()
    assert plan.state == Plan.State.CLOSED
    client = client_for("pilot")
    detail = client.get(action.get_absolute_url()).content.decode()
    assert 'Saisir<span class="visually-hidden"> le point 2025' in detail
    assert (
        url("actions:progress_edit", code="1.4.7", year=2025)
        in client.get(reverse("actions:my_actions")).content.decode()
    )
    response = client.post(url("actions:progress_edit", code="1.4.7", year=2025), POINT)
    assert response.status_code == 302
    point = action.updates.get(year=2025)
    assert (point.review, point.progress) == (Review.SUBMITTED, 60)
    # The rest of the closed plan stays read only: another year, the fiche.
    assert client.get(url("actions:progress_edit", code="1.4.7", year=2024)).status_code == 403
    editor = client_for("editor")
    assert editor.get(url("actions:action_edit", code="1.4.7")).status_code == 403
    assert editor.get(url("actions:progress_edit", code="1.4.7", year=2024)).status_code == 403
    assert editor.get(url("actions:campaign_create")).status_code == 403
    assert editor.get(url("actions:campaign_edit", year=2025)).status_code == 200
    page = editor.get(action.get_absolute_url()).content.decode()
    assert url("actions:point_review", code="1.4.7", year=2025) in page
    assert "Modifier la fiche" not in page
    campaign_page = editor.get(url("actions:campaign_detail", year=2025)).content.decode()
    assert url("actions:campaign_remind_all", year=2025) in campaign_page
    assert url("actions:pilot_table") not in campaign_page  # naming pilots: plan closed
    response = editor.post(
        url("actions:point_review", code="1.4.7", year=2025),
        {"version": point.version, "decision": Review.VALIDATED, "text": ""},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.review == Review.VALIDATED


def test_reminders_go_until_the_due_date_and_stop_after_it(
    client_for, plan, campaign, next_plan, action, pilot, editor
):
    adopt(next_plan)
    due, _ = reminders.due(DUE)
    assert [(reminder.recipient, reminder.stage) for reminder in due] == [
        (pilot, "echeance"),
        (editor, f"resume-{DUE:%G}-{DUE.isocalendar()[1]:02d}"),
    ]
    after = DUE + datetime.timedelta(days=7)
    assert reminders.due(after) == ([], [])
    # On the day after the due date the campaign is over: the pilot is refused with the
    # reason, offered no « Saisir », and the team cannot write any more either.
    day_after = DUE + datetime.timedelta(days=1)
    campaign = Campaign.objects.select_related("plan").get(pk=campaign.pk)
    assert campaign.is_open(DUE) and not campaign.is_open(day_after)
    assert campaign.is_over(day_after) and not campaign.is_over(DUE)
    Campaign.objects.filter(pk=campaign.pk).update(due_on=TODAY - datetime.timedelta(days=1))
    client = client_for("pilot")
    assert client.get(url("actions:progress_edit", code="1.4.7", year=2025)).status_code == 403
    assert "Saisir<span" not in client.get(action.get_absolute_url()).content.decode()
    editor_client = client_for("editor")
    assert editor_client.get(url("actions:campaign_edit", year=2025)).status_code == 403
    assert editor_client.post(url("actions:campaign_remind_all", year=2025)).status_code == 403
    listing = editor_client.get(url("actions:campaign_list")).content.decode()
    assert f"Terminée le {TODAY - datetime.timedelta(days=1):%d/%m/%Y}" in listing
    assert not mail.outbox
