"""The yearly follow-up campaign: named pilots enter their points, the ESS team reviews them,
everyone sees who has reported."""

import datetime
import html
import re

import pytest
from django.conf import settings
from django.urls import reverse

from actions import campaigns
from actions.forms import year_due
from actions.models import Campaign, Direction, ProgressUpdate, Review, ReviewComment
from essplan import roles
from tests.conftest import COTENTIN, make_user
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(plan):
    return Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
        message="Merci de faire le point avant le comité.",
    )


def text_of(response):
    """The page's text: tags dropped, one kind of space."""
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text).replace("\xa0", " "))


def point_url(action, year=2025):
    return action.url("actions:progress_edit", year=year)


def entry(**changes):
    return {
        "status": "en_cours",
        "progress": "40",
        "date": "2025-11-20",
        "achievements": "Deux Cafés des ASSOS.",
        **changes,
    }


def test_without_an_open_campaign_a_pilot_is_told_why_and_nothing_is_written(
    client_for, action, pilot
):
    client = client_for("pilot")
    response = client.post(point_url(action), entry(submit="1"))
    assert response.status_code == 403
    assert "Aucune campagne de suivi 2025 n'est ouverte pour ce plan" in text_of(response)
    campaign = Campaign.objects.create(
        plan=action.plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
        closed_on=datetime.date(2026, 1, 10),
    )
    response = client.post(point_url(action), entry(submit="1"))
    assert response.status_code == 403
    assert "La campagne de suivi 2025 est close depuis le 10/01/2026" in text_of(response)
    assert not action.updates.exists()
    # The ESS team may still correct after the campaign.
    assert client_for("editor").post(point_url(action), entry()).status_code == 302
    assert action.updates.get(year=2025).review == Review.VALIDATED
    assert campaign.closed_on


def test_the_whole_cycle_draft_submit_return_correct_validate(
    client_for, action, pilot, editor, campaign
):
    pilot_client = client_for("pilot")
    mine = reverse("actions:my_actions")
    assert "À saisir" in text_of(pilot_client.get(mine))

    response = pilot_client.post(point_url(action), entry(draft="1"), follow=True)
    assert "Le brouillon du point 2025 de l'action 1.4.7 est enregistré" in text_of(response)
    point = action.updates.get(year=2025)
    assert (point.review, point.author) == (Review.DRAFT, pilot)
    assert "Brouillon" in text_of(pilot_client.get(mine))

    response = pilot_client.post(
        point_url(action), entry(submit="1", version=point.version), follow=True
    )
    assert "est soumis à l'équipe ESS" in text_of(response)
    point.refresh_from_db()
    assert point.review == Review.SUBMITTED
    # Submitted, it is no longer the pilot's to change.
    refused = pilot_client.get(point_url(action))
    assert refused.status_code == 403
    assert "Ce point est soumis : il attend l'équipe ESS" in text_of(refused)

    team = client_for("editor")
    review = reverse(
        "actions:point_review", kwargs={"slug": COTENTIN, "code": "1.4.7", "year": 2025}
    )
    # Sending back needs a comment.
    response = team.post(
        review, {"version": point.version, "decision": "a_revoir", "text": ""}, follow=True
    )
    assert "Dites au pilote ce qu'il doit revoir." in text_of(response)
    point.refresh_from_db()
    assert point.review == Review.SUBMITTED
    team.post(
        review,
        {
            "version": point.version,
            "decision": "a_revoir",
            "text": "Précisez le nombre de participants.",
        },
    )
    point.refresh_from_db()
    assert point.review == Review.TO_REVISE
    page = text_of(client_for("pilot").get(point_url(action)))
    assert "Précisez le nombre de participants." in page
    assert "À revoir" in page

    pilot_client = client_for("pilot")
    pilot_client.post(
        point_url(action),
        entry(submit="1", version=point.version, achievements="Deux cafés, 35 participants."),
    )
    point.refresh_from_db()
    assert point.review == Review.SUBMITTED
    team = client_for("editor")
    response = team.post(
        review, {"version": point.version, "decision": "valide", "text": ""}, follow=True
    )
    assert "Le point 2025 de l'action 1.4.7 est validé." in text_of(response)
    point.refresh_from_db()
    assert point.review == Review.VALIDATED
    # The dated thread: submitted, sent back (with its comment), submitted, validated.
    assert list(point.comments.values_list("review", flat=True)) == [
        "soumis",
        "a_revoir",
        "soumis",
        "valide",
    ]
    assert point.comments.get(review="a_revoir").author == editor
    assert "Validé" in text_of(client_for("pilot").get(mine))


def test_a_review_of_a_point_changed_meanwhile_is_refused(client_for, action, pilot, campaign):
    point = ProgressUpdate.objects.create(
        action=action, year=2025, status="en_cours", progress=40, review=Review.SUBMITTED
    )
    opened_version = point.version
    # The pilot's point changes after the ESS team opened the page (a later submission).
    ProgressUpdate.objects.filter(pk=point.pk).update(progress=60)
    response = client_for("editor").post(
        reverse("actions:point_review", kwargs={"slug": COTENTIN, "code": "1.4.7", "year": 2025}),
        {"version": opened_version, "decision": "valide"},
        follow=True,
    )
    assert "Ce point a changé depuis que vous l'avez ouvert" in text_of(response)
    point.refresh_from_db()
    assert point.review == Review.SUBMITTED
    assert not ReviewComment.objects.exists()


def test_review_point_locks_and_checks_its_version(action, editor):
    point = ProgressUpdate.objects.create(action=action, year=2025, review=Review.DRAFT)
    with pytest.raises(campaigns.ReviewConflict):  # a draft is not for the ESS team yet
        campaigns.review_point(
            point.pk, version=point.version, decision=Review.VALIDATED, text="", user=editor
        )
    point.review = Review.SUBMITTED
    point.save()
    point.refresh_from_db()
    campaigns.review_point(
        point.pk, version=point.version, decision=Review.VALIDATED, text="", user=editor
    )
    assert ProgressUpdate.objects.get(pk=point.pk).review == Review.VALIDATED


def test_the_campaign_is_opened_with_french_errors_for_bad_dates(client_for, plan):
    client = client_for("editor")
    url = reverse("actions:campaign_create", kwargs={"slug": COTENTIN})
    response = client.post(
        url, {"year": "2025", "opens_on": "2025-12-01", "due_on": "2025-11-01", "message": "À vous"}
    )
    assert response.status_code == 200
    assert "La date limite doit être postérieure ou égale à l'ouverture." in text_of(response)
    assert not Campaign.objects.exists()
    response = client.post(
        url, {"year": "2025", "opens_on": "2025-11-01", "due_on": "2025-12-15", "message": "À vous"}
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.year, campaign.created_by.username) == (2025, "emile")
    again = client.post(url, {"year": "2025", "opens_on": "2025-11-01", "due_on": "2025-12-15"})
    assert again.status_code in (200, 409)
    assert Campaign.objects.count() == 1


def test_who_has_reported_by_state_direction_and_pilot(
    client_for, plan, action, pilot, other_pilot, campaign, django_assert_max_num_queries
):
    ProgressUpdate.objects.create(
        action=action, year=2025, review=Review.SUBMITTED, status="en_cours", progress=30
    )
    ProgressUpdate.objects.create(
        action=plan.actions.get(code="2.1.1"),
        year=2025,
        review=Review.VALIDATED,
        status="realisee",
        progress=100,
    )
    client = client_for("viewer")
    url = reverse("actions:campaign_detail", kwargs={"slug": COTENTIN, "year": 2025})
    # session, user, permissions (2), plan, campaign, pilots of the plan (filter), count and
    # page of the actions with their state, their pilots, completion, directions (filter)
    with django_assert_max_num_queries(13):
        response = client.get(url)
    text = text_of(response)
    # 45 actions: 1.4.7 submitted, 2.1.1 validated, 43 to enter.
    assert "2 points soumis ou validés sur 45 actions, dont 1 validé" in text
    assert "À saisir : 43" in text
    assert response.context["completion"]["directions"] == [
        {"name": "Direction pilote non précisée", "total": 45, "reported": 2, "validated": 1}
    ]
    waiting = client.get(url, {"waiting": "on"})
    assert waiting.context["page"].paginator.count == 43
    assert "1.4.7" not in [a.code for a in waiting.context["page"]]
    by_pilot = client.get(url, {"pilot": other_pilot.pk})
    assert [a.code for a in by_pilot.context["page"]] == ["1.4.6"]
    assert "Paul Pilote" in text


def test_each_action_names_its_pilots_in_french_order(
    client_for, action, pilot, other_pilot, campaign
):
    ecuyer = make_user("zoe", roles.PILOT)
    ecuyer.first_name, ecuyer.last_name = "Zoé", "Écuyer"
    ecuyer.save(update_fields=["first_name", "last_name"])
    action.pilots.add(ecuyer)
    response = client_for("viewer").get(
        reverse("actions:campaign_detail", kwargs={"slug": COTENTIN, "year": 2025})
    )
    text = text_of(response)
    # É sorts as E, before P; a pilot without a name is named by its user name.
    assert "Zoé Écuyer, Paul Pilote" in text
    assert re.search(r"1\.4\.6 · [^·]+ pia À saisir", text)
    assert f'<option value="{other_pilot.pk}">pia</option>' in response.content.decode()


def test_my_actions_lists_the_users_actions_with_their_campaign_state(
    client_for, plan, action, pilot, campaign, django_assert_max_num_queries
):
    plan.actions.get(code="3.5.1").pilots.add(pilot)
    ProgressUpdate.objects.create(action=action, year=2025, review=Review.TO_REVISE)
    client = client_for("pilot")
    # session, user, data versions, permissions (2), count and page of the actions (with
    # their open campaign and the state of their point), the comité's open decisions on them
    with django_assert_max_num_queries(8):
        response = client.get(reverse("actions:my_actions"))
    rows = response.context["rows"]
    assert [row["action"].code for row in rows] == ["1.4.7", "3.5.1"]
    assert [row["review"] for row in rows] == ["a_revoir", None]
    text = text_of(response)
    assert "2025, avant le 15/12/2025" in text
    # Sent back, the point is corrected; entered or not, it can be read again.
    assert text.count("Saisir le point 2025") == 1
    assert text.count("Corriger le point 2025") == 1
    assert text.count("Voir le point 2025") == 1
    # Submitted, the point waits for the ESS team: shown, not entered again.
    ProgressUpdate.objects.filter(action=action).update(review=Review.SUBMITTED)
    text = text_of(client.get(reverse("actions:my_actions")))
    assert "1.4.7 · " in text and "Soumis" in text
    assert text.count("Saisir le point 2025") == 1 and text.count("Voir") == 1
    # The campaign closed, no point is asked for.
    campaign.closed_on = datetime.date(2026, 1, 10)
    campaign.save(update_fields=["closed_on"])
    text = text_of(client.get(reverse("actions:my_actions")))
    assert text.count("aucune campagne ouverte") == 2
    assert "Saisir le point" not in text and "Voir" not in text
    assert "Vous n'êtes pilote d'aucune action" in text_of(
        client_for("viewer").get(reverse("actions:my_actions"))
    )


def test_pilots_are_found_as_you_type_and_named(client_for, action, django_assert_max_num_queries):
    candidate = make_user("zoe", roles.PILOT)
    candidate.first_name, candidate.last_name = "Zoé", "Lefèvre"
    candidate.save()
    make_user("victor", roles.VIEWER)  # a comité member is not a pilot candidate
    client = client_for("editor")
    url = action.url("actions:action_pilots")
    with django_assert_max_num_queries(8):
        response = client.get(url, {"q": "lefevre"})
    assert [person.username for person in response.context["found"]] == ["zoe"]
    assert list(client.get(url, {"q": "victor"}).context["found"]) == []
    response = client.post(url, {"user": candidate.pk, "q": "lefevre"}, follow=True)
    assert "Zoé Lefèvre est pilote de l'action 1.4.7." in text_of(response)
    assert list(action.pilots.all()) == [candidate]
    # Named twice at once (two editors): one row, no error.
    client.post(url, {"user": candidate.pk})
    assert action.pilots.count() == 1
    assert "Zoé Lefèvre" in text_of(client.get(action.get_absolute_url()))
    client.post(url, {"user": candidate.pk, "remove": "1"})
    assert not action.pilots.exists()


@pytest.mark.parametrize(
    "today, campaigns, expected",
    [
        # Without a campaign: the latest year of the plan begun (2023 and 2024 were imported).
        (datetime.date(2025, 11, 3), [], 2025),
        (datetime.date(2026, 1, 10), [], 2025),  # the plan (2023-2025) has ended
        (datetime.date(2024, 6, 1), [], 2024),
        # After a campaign: the next year, once begun.
        (datetime.date(2026, 1, 10), [2023, 2024], 2025),
        (datetime.date(2024, 11, 3), [2023], 2024),
        # Every begun year has its campaign: the current year, within the plan.
        (datetime.date(2024, 3, 1), [2023, 2024], 2024),
        (datetime.date(2022, 9, 1), [], 2023),
        (datetime.date(2027, 1, 10), [2023, 2024, 2025], 2025),
    ],
)
def test_a_new_campaign_asks_by_default_for_the_year_due(plan, today, campaigns, expected):
    for year in campaigns:
        Campaign.objects.create(
            plan=plan,
            year=year,
            opens_on=datetime.date(year, 11, 1),
            due_on=datetime.date(year + 1, 1, 15),
        )
    assert year_due(plan, today) == expected


def test_the_campaign_form_proposes_the_year_due(client_for, plan):
    """The seeded plan runs 2023-2025 and has no campaign: by the clock of the tests (2025
    or later), 2025 is due, not the plan's first year."""
    Campaign.objects.create(
        plan=plan, year=2023, opens_on=datetime.date(2023, 11, 1), due_on=datetime.date(2024, 1, 15)
    )
    response = client_for("editor").get(
        reverse("actions:campaign_create", kwargs={"slug": COTENTIN})
    )
    assert response.context["form"]["year"].value() == 2024
    assert '<option value="2024" selected>2024</option>' in response.content.decode()


def test_the_campaign_filters_name_pilots_in_full_and_offer_the_plans_directions(
    client_for, plan, action, pilot, other_pilot, campaign
):
    used = Direction.objects.create(name="Direction de l'économie")
    Direction.objects.create(name="Direction d'une autre collectivité")
    action.pilot_direction = used
    action.save(update_fields=["pilot_direction"])
    response = client_for("viewer").get(
        reverse("actions:campaign_detail", kwargs={"slug": COTENTIN, "year": 2025})
    )
    form = response.context["filter"].form
    # Paul Pilote has a name; pia has none, so her user name (and an empty last name sorts
    # first).
    assert list(form.fields["pilot"].choices)[1:] == [
        (other_pilot.pk, "pia"),
        (pilot.pk, "Paul Pilote"),
    ]
    assert [str(d) for d in form.fields["pilot_direction"].queryset] == [str(used)]
    page = response.content.decode()
    assert "autre collectivité" not in page


def test_on_a_phone_the_tables_stack_and_the_entry_button_stays_whole(
    client_for, plan, action, pilot, campaign
):
    """Checked in Chromium at 390 px: « Saisir » was cut to « Sa » and « Réalisations » ran
    one word a line. Under 576 px a .table-stack row is a block, each cell under its name."""
    ProgressUpdate.objects.create(
        action=action,
        year=2024,
        review=Review.VALIDATED,
        status="en_cours",
        progress=30,
        achievements="Trois rencontres",
        next_steps="Deux autres",
    )
    client = client_for("pilot")
    mine = client.get(reverse("actions:my_actions")).content.decode()
    assert '<table class="table align-middle table-stack">' in mine
    assert '<td data-label="Campagne">2025, avant le 15/12/2025</td>' in mine
    assert re.search(
        r'<td class="text-nowrap"><a class="btn btn-sm btn-primary" [^>]*>Saisir', mine
    )
    detail = client.get(action.get_absolute_url()).content.decode()
    assert '<table class="table align-top table-stack">' in detail
    assert '<td class="text-prewrap" data-label="Réalisations">Trois rencontres</td>' in detail
    assert (
        '<td data-label="Prochaines étapes"><div class="text-prewrap">Deux autres</div>' in detail
    )
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    phone = css[css.index("@media (max-width: 575.98px)") :]
    assert (
        ".table-stack, .table-stack caption, .table-stack tbody, .table-stack tr, "
        ".table-stack tr > * { display: block;" in phone
    )
    assert ".table-stack td[data-label]::before { content: attr(data-label);" in phone


def test_on_a_phone_each_staff_table_row_keeps_its_action_in_view(
    client_for, plan, action, pilot, campaign
):
    """Checked in Chromium at 390 px: « Relancer », « Gérer » and « Modifier » sat beyond the
    screen's edge, the indicators' table was 935 px wide. Each row is now a card (its cells under
    their column's name, the row's button last); the budget grid, all figures, scrolls sideways
    with its first column kept in view."""
    EventFactory(
        plan=plan,
        title="Forum de l'ESS",
        place="Cherbourg-en-Cotentin",
        participants=120,
        actions=[action],
    )
    client = client_for("admin_user")

    def page(name, **kwargs):
        return client.get(reverse(name, kwargs=kwargs)).content.decode()

    slug = plan.slug
    stacked = '<table class="table align-middle table-stack">'
    followed = page("actions:campaign_detail", slug=slug, year=2025)
    assert stacked in followed
    assert re.search(
        r'<td data-label="Pilotes">Paul Pilote</td>\s*<td data-label="État">'
        r'<span class="badge review review-a_saisir">À saisir</span></td>\s*'
        r'<td class="no-print"><form method="post" action="[^"]+/1\.4\.7/[^"]*">'
        r'.*?>Relancer<span class="visually-hidden"> les pilotes de 1\.4\.7',
        followed,
    )
    pilots = page("actions:pilot_table", slug=slug)
    assert stacked in pilots
    assert re.search(
        r'<td data-label="Pilotes">Paul Pilote <span[^>]*>[^<]*</span></td>\s*'
        r'<td><a class="btn btn-sm btn-outline-primary" href="[^"]+">Gérer'
        r'<span class="visually-hidden"> les pilotes de 1\.4\.7',
        pilots,
    )
    events = page("actions:event_list", slug=slug)
    assert stacked in events
    assert '<td data-label="Lieu">Cherbourg-en-Cotentin</td>' in events
    assert '<td class="text-end" data-label="Participants">120</td>' in events
    assert re.search(
        r'<td data-label="Actions liées"><a [^>]+>1\.4\.7</a></td>\s*'
        r'<td class="text-nowrap"><a class="btn btn-sm btn-link" [^>]+>Modifier',
        events,
    )
    listed = page("actions:action_list", slug=slug)
    assert '<table class="table table-hover align-middle table-actions table-stack">' in listed
    assert '<td class="code" data-label="Code">1.4.7</td>' in listed
    directory = page("structures:structure_list")
    assert '<table class="table table-hover align-middle table-stack">' in directory
    assert directory.count('<td data-label="Commune">') == 30  # a full page
    indicators = page("indicators:indicator_list", slug=slug)
    assert stacked in indicators
    assert '<td data-label="Code">C1</td>' in indicators
    assert '<table class="table table-sm amounts budget-summary table-sticky-first"' in page(
        "actions:plan_detail", slug=slug
    )
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    phone = css[css.index("@media (max-width: 575.98px)") :]
    assert ".table-stack tr > .text-end { text-align: start !important; }" in phone
    assert ".table-sticky-first tr > :first-child { position: sticky; left: 0;" in phone


def test_a_pilot_touches_no_action_that_has_another_pilot(
    client_for, plan, campaign, action, pilot, other_pilot
):
    """1.4.7 has its pilot, Paul; Pia pilots 1.4.6 only. The campaign is open, so her own
    action's form opens: what refuses her 1.4.7 is that she is not its pilot."""
    client = client_for("other_pilot")
    own = plan.actions.get(code="1.4.6")
    assert client.get(own.url("actions:progress_edit", year=2025)).status_code == 200
    form = action.url("actions:progress_edit", year=2025)
    assert client.get(form).status_code == 403
    assert (
        client.post(
            form, {"status": "en_cours", "progress": "40", "date": "2025-11-20"}
        ).status_code
        == 403
    )
    assert client.get(action.url("actions:budget_line_create")).status_code == 403
    point = ProgressUpdate.objects.create(
        action=action, year=2025, progress=40, review=Review.TO_REVISE, author=pilot
    )
    assert client.get(action.url("actions:point_review", year=2025)).status_code == 403
    reply = client.post(action.url("actions:point_reply", year=2025), {"text": "Je réponds."})
    assert reply.status_code == 403
    assert not point.comments.exists()
    assert list(action.updates.all()) == [point] and not action.budget_lines.exists()
