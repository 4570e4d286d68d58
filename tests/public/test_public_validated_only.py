"""Public means validated: every figure of the public site and of the open data comes from the
points the ESS team validated. A pilot's draft, a submitted point or one sent back changes
nothing a visitor reads, page or file, until the ESS team validates it."""

import re

import pytest
from django.core.cache import caches
from django.urls import reverse

from actions.models import Plan, ProgressUpdate, Review, ReviewComment, Status
from essplan import datacache
from indicators.computations import REGISTRY
from structures.models import Structure
from tests.conftest import COTENTIN
from tests.helpers import named_urls

pytestmark = pytest.mark.django_db
API = "/public/api/v1"
# The public URLs that show no figure and are not read here: a form and its thank-you, the
# API's root (django-ninja's 404 without documentation pages).
WITHOUT_FIGURES = {"public:listing_request", "public:listing_request_sent", "public-api:api-root"}
# New on each rendering: the CSP nonce, a chart's id (indicators.charts) and its CSS rules'.
NONCE = re.compile(rb' nonce="[^"]+"')
CHART_ID = re.compile(rb'(?<=[#"])c[0-9a-f]{8}\b')


@pytest.fixture
def validated(plan, editor):
    """The seeded plan published, with validated points only: the first action done in 2023,
    the second in progress in 2024, the third in progress in 2023 and done in 2024; the
    fourth and fifth without any point."""
    Plan.objects.filter(pk=plan.pk).update(is_public=True)
    actions = list(plan.actions.order_by("code_key")[:5])
    for action, year, status, progress in [
        (actions[0], 2023, Status.DONE, 100),
        (actions[1], 2024, Status.IN_PROGRESS, 40),
        (actions[2], 2023, Status.IN_PROGRESS, 30),
        (actions[2], 2024, Status.DONE, 100),
    ]:
        point = ProgressUpdate.objects.create(
            action=action,
            year=year,
            status=status,
            progress=progress,
            author=editor,
            review=Review.VALIDATED,
            achievements=f"Validé {action.code} {year}",
            difficulties="Difficultés validées",
            next_steps="Suite validée",
        )
        ReviewComment.objects.create(point=point, author=editor, review=Review.VALIDATED)
    return actions


def unvalidated_points(actions, pilot):
    """Drafts, submitted points and points sent back: newer years of actions that have a
    validated point, an older year before a validated one, actions without any point; done
    (« Réalisée », 100 %), in progress, paused, abandoned."""
    first, second, third, fourth, fifth = actions
    for action, year, status, progress, review in [
        (first, 2024, Status.ABANDONED, 100, Review.DRAFT),
        (first, 2025, Status.DONE, 100, Review.SUBMITTED),
        (second, 2025, Status.DONE, 100, Review.SUBMITTED),
        (second, 2023, Status.IN_PROGRESS, 10, Review.TO_REVISE),
        (third, 2025, Status.PAUSED, 90, Review.TO_REVISE),
        (fourth, 2023, Status.IN_PROGRESS, 20, Review.DRAFT),
        (fourth, 2024, Status.DONE, 100, Review.SUBMITTED),
        (fifth, 2025, Status.IN_PROGRESS, 70, Review.TO_REVISE),
    ]:
        point = ProgressUpdate.objects.create(
            action=action,
            year=year,
            status=status,
            progress=progress,
            author=pilot,
            review=review,
            achievements=f"Non validé {action.code} {year}",
            difficulties="Difficultés non validées",
            next_steps="Suite non validée",
        )
        ReviewComment.objects.create(point=point, author=pilot, review=review)


def public_urls(plan):
    """{URL name: [URL]}: every public page and open-data answer that may show the plan's
    figures (each of its actions, each filter of its actions in the API), and the directory."""
    codes = list(plan.actions.order_by("code_key").values_list("code", flat=True))
    structures = list(Structure.objects.public().values_list("pk", flat=True)[:3])
    axes = list(plan.axes.values_list("number", flat=True))
    slug = {"slug": plan.slug}
    return {
        "public:home": [reverse("public:home")],
        "public:plan_detail": [reverse("public:plan_detail", kwargs=slug)],
        "public:action_detail": [
            reverse("public:action_detail", kwargs={**slug, "code": code}) for code in codes
        ],
        "public:structure_list": [reverse("public:structure_list")],
        "public:structure_map": [reverse("public:structure_map")],
        "public:structure_detail": [
            reverse("public:structure_detail", kwargs={"pk": pk}) for pk in structures
        ],
        "public:open_data": [reverse("public:open_data")],
        "public:structures_csv": [reverse("public:structures_csv")],
        "public:actions_csv": [reverse("public:actions_csv", kwargs=slug)],
        "public:measurements_csv": [reverse("public:measurements_csv", kwargs=slug)],
        "public-api:openapi-json": [f"{API}/openapi.json"],
        "public-api:structures": [f"{API}/structures"],
        "public-api:structure": [f"{API}/structures/{pk}" for pk in structures],
        "public-api:plans": [f"{API}/plans"],
        "public-api:actions": [f"{API}/plans/{plan.slug}/actions?page={page}" for page in (1, 2)]
        + [
            f"{API}/plans/{plan.slug}/actions?status={status}"
            for status in ("sans_point", *Status.values)
        ]
        + [f"{API}/plans/{plan.slug}/actions?axis={axis}" for axis in axes],
        "public-api:measurements": [f"{API}/plans/{plan.slug}/indicateurs"],
    }


def read_all(client, urls):
    """{URL: its answer's content}, rendered anew (no kept answer, no cached figure), less
    what each rendering draws anew."""
    datacache.forget()
    caches["public"].clear()
    answers = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        answers[url] = CHART_ID.sub(b"chart", NONCE.sub(b"", content))
    return answers


def test_every_public_url_with_figures_is_read(plan):
    public = {name for name, _ in named_urls() if name.startswith(("public:", "public-api:"))}
    assert public - WITHOUT_FIGURES == set(public_urls(plan))


def test_unvalidated_points_change_no_public_figure(client, validated, pilot):
    urls = [url for group in public_urls(validated[0].plan).values() for url in group]
    before = read_all(client, urls)
    plan_page = before[reverse("public:plan_detail", kwargs={"slug": COTENTIN})].decode()
    # K5 counts the actions whose status at the end of the year is « Réalisée »: the first
    # from 2023 on, the third from 2024 on.
    assert re.search(
        r"K5 · Actions réalisées</th>\s*<td[^>]*>—</td>\s*"
        r'<td class="text-end">2\s*<span[^>]*>\(2025\)</span>',
        plan_page,
    )
    assert "Actions réalisées — 2023 : 1, 2024 : 2, 2025 : 2" in plan_page
    unvalidated_points(validated, pilot)
    after = read_all(client, urls)
    changed = [url for url in urls if after[url] != before[url]]
    assert not changed
    # Once the ESS team validates the submitted 2025 point of the second action (« Réalisée »),
    # it shows.
    ProgressUpdate.objects.filter(action=validated[1], year=2025).update(review=Review.VALIDATED)
    shown = [
        reverse("public:plan_detail", kwargs={"slug": COTENTIN}),
        reverse("public:actions_csv", kwargs={"slug": COTENTIN}),
        reverse("public:action_detail", kwargs={"slug": COTENTIN, "code": validated[1].code}),
    ]
    validated_later = read_all(client, shown)
    assert all(validated_later[url] != before[url] for url in shown)
    assert "2023 : 1, 2024 : 2, 2025 : 3" in validated_later[shown[0]].decode()


def test_the_staff_count_the_same_validated_points(validated, pilot):
    """K5 and K6 are the same for the staff (dashboard, indicator pages, reports) and the
    public: actions done / in progress at the end of each year, from validated points. By
    hand: 2023 the first done, the third in progress; 2024 the first and third done, the
    second in progress; 2025 as 2024 (no validated 2025 point)."""
    unvalidated_points(validated, pilot)
    plan = validated[0].plan
    assert REGISTRY["actions_done"](plan) == {2023: 1, 2024: 2, 2025: 2}
    assert REGISTRY["actions_in_progress"](plan) == {2023: 1, 2024: 1, 2025: 1}
