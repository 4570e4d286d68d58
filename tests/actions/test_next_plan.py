"""The next plan drafted from the seed plan: what is carried and what is not, the draft's
editing (remove, move, recode, renumber), its adoption, and the closed plan's rules."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions import drafting
from actions.models import Action, BudgetLine, Event, Objective, Plan, ProgressUpdate, Status
from indicators.models import Indicator, Measurement
from structures.models import Structure
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db
NEW = "cotentin-ess-2026-2028"


def draft(plan, codes=None, slug=NEW):
    return drafting.draft_next_plan(plan, slug=slug, first_year=2026, last_year=2028, codes=codes)


def codes_of(plan):
    return list(
        Action.objects.filter(plan=plan).order_by("code_key").values_list("code", flat=True)
    )


def snapshot():
    """Row counts of every table the drafting writes or must leave alone."""
    return (
        Plan.objects.count(),
        Action.objects.count(),
        Objective.objects.count(),
        Indicator.objects.count(),
        ProgressUpdate.objects.count(),
        BudgetLine.objects.count(),
    )


@pytest.fixture
def followed(plan, pilot):
    """1.1.1 réalisée in 2025 (not carried by default); 1.4.7, piloted by « pilot », with a
    partner structure, points, a budget line and an event; C1 measured 500 in 2024 and 512 in
    2025 (its baseline in the next plan: 512, 2025)."""
    done = plan.actions.get(code="1.1.1")
    ProgressUpdate.objects.create(action=done, year=2025, status=Status.DONE, progress=100)
    action = plan.actions.get(code="1.4.7")
    action.partner_structures.add(Structure.objects.order_by("pk").first())
    action.partners_text = "CRESS Normandie"
    action.save()
    ProgressUpdate.objects.create(action=action, year=2024, status=Status.IN_PROGRESS, progress=40)
    BudgetLine.objects.create(action=action, year=2024, label="Salle", planned=Decimal("300"))
    event = Event.objects.create(plan=plan, date=datetime.date(2024, 5, 2), title="Café des ASSOS")
    event.actions.add(action)
    c1 = plan.indicators.get(code="C1")
    Measurement.objects.create(indicator=c1, year=2024, value=Decimal("500"))
    Measurement.objects.create(indicator=c1, year=2025, value=Decimal("512"))
    return plan


def test_the_draft_carries_the_actions_not_realised_and_nothing_of_the_follow_up(followed, pilot):
    before = (ProgressUpdate.objects.count(), BudgetLine.objects.count(), Event.objects.count())
    new = draft(followed)
    assert new.state == Plan.State.DRAFT and new.previous == followed
    assert (new.title, new.first_year, new.last_year) == (
        "Plan d'actions ESS 2026-2028",
        2026,
        2028,
    )
    carried = codes_of(new)
    assert len(carried) == 44 and "1.1.1" not in carried  # 45 less the one réalisée
    copy = new.actions.get(code="1.4.7")
    original = followed.actions.get(code="1.4.7")
    assert copy.predecessor == original and copy.title == original.title
    assert list(copy.pilots.all()) == [pilot]
    assert copy.partners_text == "CRESS Normandie"
    assert list(copy.partner_structures.all()) == list(original.partner_structures.all())
    assert (
        ProgressUpdate.objects.count(),
        BudgetLine.objects.count(),
        Event.objects.count(),
    ) == before
    assert not ProgressUpdate.objects.filter(action__plan=new).exists()
    # Every indicator of the seed plan is plan-wide: all carried, C1 from its last value.
    assert new.indicators.count() == followed.indicators.count() == 21
    c1 = new.indicators.get(code="C1")
    assert (c1.baseline_value, c1.baseline_year, c1.baseline_note) == (Decimal("512"), 2025, "")
    c2 = new.indicators.get(code="C2")  # never measured: keeps the deliberation's baseline
    assert (c2.baseline_value, c2.baseline_year) == (Decimal("6847"), 2022)
    assert not Measurement.objects.filter(indicator__plan=new).exists()


def test_the_draft_carries_exactly_the_actions_chosen_with_their_objectives(plan):
    new = draft(plan, codes=["1.4.7", "3.6.1", "1.4.2"])
    assert codes_of(new) == ["1.4.2", "1.4.7", "3.6.1"]
    assert list(
        Objective.objects.filter(axis__plan=new).values_list("code", flat=True).order_by("code_key")
    ) == ["1.4", "3.6"]
    assert list(new.axes.values_list("number", flat=True)) == [1, 3]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"first_year": 2025, "last_year": 2027},
            "La période 2025-2027 chevauche celle du plan « Plan d'actions ESS 2023-2025 » (2023-2025) "
            ": le nouveau plan doit commencer en 2026 ou après.",
        ),
        (
            {"first_year": 2028, "last_year": 2026},
            "La dernière année (2026) précède la première (2028).",
        ),
        (
            {"slug": COTENTIN},
            f"L'identifiant « {COTENTIN} » est déjà celui du plan « Plan d'actions "
            "ESS 2023-2025 ».",
        ),
        ({"slug": "Plan 2026"}, "Identifiant d'URL invalide : « Plan 2026 »."),
        (
            {"codes": ["1.4.7", "9.9.9"]},
            "Codes inconnus dans le plan « Plan d'actions ESS 2023-2025 » : 9.9.9.",
        ),
        ({"codes": []}, "Choisissez au moins une action à reconduire."),
    ],
)
def test_bad_input_is_refused_in_french_and_writes_nothing(plan, kwargs, message):
    arguments = {"slug": NEW, "first_year": 2026, "last_year": 2028, "codes": None, **kwargs}
    before = snapshot()
    with pytest.raises(drafting.DraftRefused) as refused:
        drafting.draft_next_plan(plan, **arguments)
    assert str(refused.value).startswith(message)
    assert snapshot() == before


def test_drafting_from_a_draft_is_refused(plan):
    new = draft(plan, codes=["1.4.7"])
    with pytest.raises(drafting.DraftRefused, match="est un brouillon : préparez le plan suivant"):
        drafting.draft_next_plan(new, slug="suivant", first_year=2029, last_year=2031)


def test_the_command_drafts_and_refuses_in_french(plan):
    call_command(
        "draft_next_plan",
        "--from",
        COTENTIN,
        "--slug",
        NEW,
        "--years",
        "2026-2028",
        "--actions",
        "1.4.7, 2.1.1",
    )
    assert codes_of(Plan.objects.get(slug=NEW)) == ["1.4.7", "2.1.1"]
    with pytest.raises(CommandError, match="Période illisible : « 2026 »"):
        call_command("draft_next_plan", "--from", COTENTIN, "--slug", "x", "--years", "2026")
    with pytest.raises(CommandError, match="est un brouillon"):
        call_command("draft_next_plan", "--from", NEW, "--slug", "x", "--years", "2029-2031")


@pytest.fixture
def small_draft(plan):
    """A draft carrying 1.2.1, 1.2.2, 1.2.3 (objective 1.2) and 1.4.1, 1.4.2 (objective 1.4)."""
    return draft(plan, codes=["1.2.1", "1.2.2", "1.2.3", "1.4.1", "1.4.2"])


def test_removing_leaves_a_hole_that_renumbering_closes(small_draft):
    removed = small_draft.actions.get(code="1.2.2")
    drafting.remove_node(small_draft, "action", removed.pk)
    assert codes_of(small_draft) == ["1.2.1", "1.2.3", "1.4.1", "1.4.2"]
    # Objectives 1.2 and 1.4 become 1.1 and 1.2 (the axis had no 1.1 carried), their actions
    # follow; 1.2.3 fills the hole of 1.2.2.
    first, second = Objective.objects.filter(axis__plan=small_draft).order_by("code_key")
    title = {code: small_draft.actions.get(code=code).title for code in codes_of(small_draft)}
    assert drafting.renumbering_preview(small_draft) == [
        ("objective", first.title, "1.2", "1.1"),
        ("action", title["1.2.1"], "1.2.1", "1.1.1"),
        ("action", title["1.2.3"], "1.2.3", "1.1.2"),
        ("objective", second.title, "1.4", "1.2"),
        ("action", title["1.4.1"], "1.4.1", "1.2.1"),
        ("action", title["1.4.2"], "1.4.2", "1.2.2"),
    ]
    drafting.renumber(small_draft)
    assert codes_of(small_draft) == ["1.1.1", "1.1.2", "1.2.1", "1.2.2"]
    assert small_draft.actions.get(code="1.1.2").title == title["1.2.3"]
    assert drafting.renumbering_preview(small_draft) == []


def test_moving_an_action_gives_it_the_next_code_of_its_new_objective(small_draft):
    action = small_draft.actions.get(code="1.2.1")
    target = Objective.objects.get(axis__plan=small_draft, code="1.4")
    drafting.edit_node(small_draft, "action", action.pk, title="Nouveau titre", parent_pk=target.pk)
    action.refresh_from_db()
    assert (action.code, action.objective, action.title) == ("1.4.3", target, "Nouveau titre")


def test_recoding_an_objective_moves_its_actions(small_draft):
    objective = Objective.objects.get(axis__plan=small_draft, code="1.4")
    drafting.edit_node(small_draft, "objective", objective.pk, title=objective.title, code="1.7")
    assert codes_of(small_draft) == ["1.2.1", "1.2.2", "1.2.3", "1.7.1", "1.7.2"]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("1.2.3", "Le code 1.2.3 serait porté par deux actions du brouillon"),
        ("1.3.1", "Le code « 1.3.1 » ne commence pas par celui de son parent (1.2)."),
        ("1.2.x", "Code invalide pour un action : « 1.2.x »."),
    ],
)
def test_a_code_that_collides_or_breaks_the_tree_is_refused(small_draft, code, message):
    action = small_draft.actions.get(code="1.2.1")
    with pytest.raises(
        drafting.DraftRefused, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        drafting.edit_node(small_draft, "action", action.pk, title="Changé", code=code)
    action.refresh_from_db()
    assert (action.code, action.title) == (
        "1.2.1",
        Action.objects.get(pk=action.predecessor_id).title,
    )


def test_swapping_two_codes_through_a_third_collides_with_nothing(small_draft):
    first = small_draft.actions.get(code="1.2.1")
    drafting.edit_node(small_draft, "action", first.pk, title=first.title, code="1.2.9")
    drafting.renumber(small_draft)  # objectives 1.2 and 1.4 become 1.1 and 1.2
    assert codes_of(small_draft) == ["1.1.1", "1.1.2", "1.1.3", "1.2.1", "1.2.2"]
    assert small_draft.actions.get(code="1.1.3") == first  # moved last, kept in its new order


def adopt(plan, **changes):
    return drafting.adopt(
        plan,
        **{
            "reference": "DEL2026_101",
            "adopted_on": datetime.date(2026, 2, 12),
            "votes_for": 150,
            "votes_against": 2,
            "abstentions": 10,
            "envelope": Decimal("90000"),
            **changes,
        },
    )


def test_adopting_closes_the_previous_plan_and_twice_is_refused(plan, small_draft):
    adopt(small_draft)
    small_draft.refresh_from_db()
    plan.refresh_from_db()
    assert (small_draft.state, plan.state) == (Plan.State.ADOPTED, Plan.State.CLOSED)
    assert small_draft.vote_text == "150 pour, 2 contre, 10 abstentions"
    with pytest.raises(drafting.DraftRefused, match="est déjà adopté \\(DEL2026_101\\)"):
        adopt(small_draft, reference="DEL2026_999")
    small_draft.refresh_from_db()
    assert small_draft.deliberation_reference == "DEL2026_101"
    with pytest.raises(drafting.DraftRefused, match="n'est plus un brouillon"):
        drafting.renumber(small_draft)


def test_an_empty_draft_is_not_adopted(plan, small_draft):
    for objective in Objective.objects.filter(axis__plan=small_draft):
        drafting.remove_node(small_draft, "objective", objective.pk)
    with pytest.raises(drafting.DraftRefused, match="aucune action"):
        adopt(small_draft)
    plan.refresh_from_db()
    assert plan.state == Plan.State.ADOPTED


def test_the_comite_sees_the_draft_only_once_adopted(client_for, plan, small_draft):
    viewer = client_for("viewer")
    assert viewer.get(reverse("actions:plan_detail", kwargs={"slug": NEW})).status_code == 404
    assert (
        viewer.get(
            reverse("actions:action_detail", kwargs={"slug": NEW, "code": "1.2.1"})
        ).status_code
        == 404
    )
    assert "2026-2028" not in viewer.get(reverse("actions:plan_list")).content.decode()
    assert "2026-2028" not in viewer.get(reverse("reports:home")).content.decode()
    adopt(small_draft)
    listing = unescape(viewer.get(reverse("actions:plan_list")).content.decode())
    assert "Plan d'actions ESS 2026-2028" in listing and "Plan d'actions ESS 2023-2025" in listing
    assert "Clos" in listing
    page = viewer.get(reverse("actions:action_detail", kwargs={"slug": NEW, "code": "1.2.1"}))
    assert "Reconduction de" in page.content.decode()
    old = viewer.get(reverse("actions:action_detail", kwargs={"slug": COTENTIN, "code": "1.2.1"}))
    assert "Reconduite dans" in old.content.decode() and NEW in old.content.decode()


def test_a_closed_plan_is_read_only_but_for_administrators(client_for, plan, small_draft):
    adopt(small_draft)
    edit = reverse("actions:action_edit", kwargs={"slug": COTENTIN, "code": "1.4.7"})
    point = reverse(
        "actions:progress_edit", kwargs={"slug": COTENTIN, "code": "1.4.7", "year": 2025}
    )
    indicator = reverse(
        "indicators:measurement_edit", kwargs={"slug": COTENTIN, "code": "C1", "year": 2025}
    )
    editor = client_for("editor")
    for url in (edit, point, indicator):
        response = editor.get(url)
        assert response.status_code == 403
        assert "Ce plan est clos" in response.content.decode()
    assert editor.post(point, {"status": "realisee", "progress": 100}).status_code == 403
    assert not ProgressUpdate.objects.filter(action__plan=plan).exists()
    page = editor.get(reverse("actions:action_detail", kwargs={"slug": COTENTIN, "code": "1.4.7"}))
    assert page.status_code == 200 and "Modifier la fiche" not in page.content.decode()
    admin = client_for("admin_user")
    assert admin.get(edit).status_code == 200 and admin.get(point).status_code == 200


def test_the_browser_pages_draft_edit_and_adopt(client_for, plan):
    admin = client_for("admin_user")
    create = reverse("actions:draft_create", kwargs={"slug": COTENTIN})
    form = admin.get(create).content.decode()
    assert form.count('name="actions"') == 45 and form.count("checked") == 45
    response = admin.post(
        create,
        {
            "slug": NEW,
            "title": "Plan d'actions ESS 2026-2028",
            "first_year": 2026,
            "last_year": 2028,
            "actions": ["1.2.1", "1.2.2", "1.2.3"],
        },
    )
    assert response.status_code == 302
    new = Plan.objects.get(slug=NEW)
    refused = admin.post(
        create,
        {
            "slug": NEW,
            "title": "Encore",
            "first_year": 2026,
            "last_year": 2028,
            "actions": ["1.2.1"],
        },
    )
    assert refused.status_code == 400
    assert "est déjà celui du plan" in unescape(refused.content.decode())
    removed = new.actions.get(code="1.2.2")
    remove = reverse(
        "actions:draft_remove", kwargs={"slug": NEW, "kind": "action", "pk": removed.pk}
    )
    assert "Retirer du brouillon l'action 1.2.2" in unescape(admin.get(remove).content.decode())
    admin.post(remove)
    detail = admin.get(reverse("actions:draft_detail", kwargs={"slug": NEW})).content.decode()
    assert "1.2.3 → <strong>1.1.2</strong>" in detail
    admin.post(reverse("actions:draft_renumber", kwargs={"slug": NEW}))
    assert codes_of(new) == ["1.1.1", "1.1.2"]
    adopt_url = reverse("actions:plan_adopt", kwargs={"slug": NEW})
    assert admin.post(adopt_url, {"reference": "DEL2026_101"}).status_code == 400
    response = admin.post(
        adopt_url,
        {
            "reference": "DEL2026_101",
            "adopted_on": "2026-02-12",
            "votes_for": "150",
            "votes_against": "0",
            "abstentions": "3",
            "envelope": "90 000",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == Plan.State.CLOSED


def test_the_draft_page_runs_a_fixed_number_of_queries(
    client_for, plan, django_assert_max_num_queries
):
    draft(plan)
    admin = client_for("admin_user")
    with django_assert_max_num_queries(14):
        assert admin.get(reverse("actions:draft_detail", kwargs={"slug": NEW})).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_adoptions_at_once_write_one_after_the_other():
    """Adoption locks the draft's row first: while this test holds it, an adoption on
    another connection waits (and gives up after 300 ms here) instead of writing."""
    from django.db import OperationalError, connection, transaction

    from tests.helpers import at_once

    small_draft = draft(Plan.objects.get(slug=COTENTIN), codes=["1.4.7"])

    def adopt_elsewhere():
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        try:
            adopt(small_draft)
        except OperationalError:
            return "waited"
        return "adopted without waiting"

    with transaction.atomic():
        list(Plan.objects.select_for_update().filter(pk=small_draft.pk))
        assert at_once(adopt_elsewhere) == ["waited"]
    small_draft.refresh_from_db()
    assert small_draft.state == Plan.State.DRAFT


def opened_form(client, url):
    """The draft element's form as the browser would send it back, hidden fields included."""
    page = client.get(url).content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="(shown_\w+)" value="([^"]*)"', page))
    assert set(fields) == {"shown_title", "shown_code", "shown_parent"}, page
    return {name: unescape(value) for name, value in fields.items()}


@pytest.mark.parametrize("meanwhile", ["title", "renumber", "move"])
def test_an_element_changed_by_another_administrator_is_a_conflict_with_the_input_kept(
    client_for, small_draft, meanwhile
):
    action = small_draft.actions.get(code="1.2.3")
    url = reverse("actions:draft_node", kwargs={"slug": NEW, "kind": "action", "pk": action.pk})
    first, second = client_for("admin_user"), client_for("admin_user")
    second_form = opened_form(second, url)  # the second administrator opens the form first
    first_form = opened_form(first, url)
    objective = Objective.objects.get(axis__plan=small_draft, code="1.2")
    other = Objective.objects.get(axis__plan=small_draft, code="1.4")
    if meanwhile == "title":
        saved = first.post(
            url, {**first_form, "title": "Titre d'Alice", "code": "1.2.3", "parent": objective.pk}
        )
        assert saved.status_code == 302
        expected = f"Intitulé</th><td>{action.title}</td><td>Titre d'Alice</td>"
    elif meanwhile == "renumber":
        drafting.remove_node(small_draft, "action", small_draft.actions.get(code="1.2.2").pk)
        first.post(reverse("actions:draft_renumber", kwargs={"slug": NEW}))
        expected = "Code</th><td>1.2.3</td><td>1.1.2</td>"
    else:
        saved = first.post(
            url, {**first_form, "title": action.title, "code": "1.2.3", "parent": other.pk}
        )
        assert saved.status_code == 302
        expected = f"Rattachement</th><td>1.2 · {objective.title}</td><td>1.4 · {other.title}</td>"
    stored = Action.objects.values_list("code", "objective", "title").get(pk=action.pk)
    refused = second.post(
        url, {**second_form, "title": "Titre de Bérénice", "code": "1.2.3", "parent": objective.pk}
    )
    assert refused.status_code == 409
    page = unescape(refused.content.decode())
    assert "Modification concurrente : votre enregistrement est refusé" in page
    assert expected in page
    assert 'value="Titre de Bérénice"' in page  # her input is kept
    assert Action.objects.values_list("code", "objective", "title").get(pk=action.pk) == stored
