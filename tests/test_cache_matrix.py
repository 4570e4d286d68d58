"""The cache matrix (issue #28): every cached page or figure, read warm by the role that reads
it, then one write made the way a user makes it, then read again: the change shows at once.

What is cached today (grep cached_value, @cached, cached_body, {% cache, count_key,
PublicCacheMiddleware), the key it is kept under besides its name (every essplan.datacache
value also carries the day), what it prints, and the writes of PAIRS that change it:

| cached (where)                        | key today          | prints                 | writes     |
|---------------------------------------|--------------------|------------------------|------------|
| action page body, {% cache %}         | data, action, day, | fiche, partners,       | 1 3 4 5 7  |
|   templates/actions/action_detail.html|   reader's flags;  |   pilots' names,       | 12 13 14   |
|   (followers read it uncached)        |   24 h             |   points, authors,     |            |
|                                       |                    |   thread, budget lines |            |
| action_budget (actions/budget.py)     | data, action       | the action's totals    | 14         |
| plan, action lookups (actions/access) | data, slug, code   | plan, fiche, status    | 3 11       |
| action list body, cached_body         | data, plan, query  | statuses, progress     | 3          |
|   (actions/views/actions.py)          |                    |                        |            |
| indicators table, {% cache %}         | data, plan, day    | latest values          | 3 14       |
|   templates/indicators/indicator_list |                    |                        |            |
| computation_results (indicators/      | data, plan, keys   | computed indicators    | 3 14       |
|   computations.py)                    |                    |   (dashboard, public)  |            |
| dashboard body (reports/dashboard.py) | data + auth, plan, | figures, campaign,     | 1 3 4 5 8  |
|                                       |   year, can_edit   |   waiting list and     | 9 12 13 14 |
|                                       |                    |   its pilots' names,   |            |
|                                       |                    |   latest points'       |            |
|                                       |                    |   authors, directory   |            |
|   progress_figures, campaign_figures, | data, plan, year   | the same figures; the  |            |
|   budget_figures (@cached)            |                    |   waiting list's pilots|            |
| dashboard plan choices (reports/views)| data, can_manage   | readable plans         | 11         |
| staff directory body, cached_body and | data, query        | names, communes, count | 7 8        |
|   its count (count_key "structures")  |                    |   (not the public flag)|            |
| pending listing requests' count       | data               | "N demandes" (editors) | -          |
|   (structures/views.py)               |                    |                        |            |
| directory_figures, commune_map        | data (measure,     | totals, communes'      | 6 8        |
|   (structures/figures.py, map.py)     |   public)          |   counts, no names     |            |
| staff map, {% cache %}                | data, measure      | totals, communes       | 8          |
|   templates/structures/structure_map  |                    |   (no structure name)  |            |
| user, permissions                     | auth, user         | who is logged in and   | 1 2        |
|   (essplan/backends.py)               |                    |   what she may do      |            |
| public answers, whole                 | data, path, the    | /public/ pages and API | 3 4 5 6 7  |
|   (publicsite/cache.py)               |   parameters read, |   (validated points    | 8 11       |
|                                       |   day              |   only, no pilot)      |            |

Writes: 1 pilot renamed (admin site; the ORM in the issue's two probes), 2 pilot deactivated
(admin site), 3 point submitted (pilot), 4 validated, 5 sent back (ESS team), 6 structure
published or withdrawn, 7 renamed, 8 archived (ESS team), 9 campaign opened, 10 closed (ESS
team), 11 next plan adopted (administrator), 12 pilot named, 13 un-named (ESS team), 14
budget line added (ESS team). Pages that are not cached but print what a write changes
(Mes actions, the campaign page, the pilots' table, the plan list, a structure's staff page,
the action page of its own pilot) are in the matrix too: a new layer may cache them.

Left out, as nothing there could show a stale copy: pages a write does not change (the staff
directory does not print the public flag, the maps no structure's name, the dashboard does
not say a campaign is closed, a validation does not change the staff lists' statuses). The
public pages must not change before a point is validated: those pairs assert they do not.

Every write runs its on-commit callbacks: a layer that moves versions at commit passes these
tests as well as one that moves them at each statement. That a write in one scope leaves
another scope's cached values alone is a question of cost, not of correctness: not here.
"""

import datetime
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions import drafting
from actions.models import Campaign, Plan, ProgressUpdate, Review, Status
from essplan import roles
from structures.models import Structure
from tests.factories import COTENTIN, UserFactory

pytestmark = pytest.mark.django_db
CODE = "1.1.1"  # the first action in code order: always in the dashboard's waiting list
NEXT = "cotentin-ess-2026-2028"
NAME = "Ressourcerie du Cotentin"  # the published structure, a partner of CODE
RENAMED = "Recyclerie des Pieux"
ACHIEVED = "Trois cafés des ASSOS, 40 participants."
SENT_BACK = "Précisez le nombre de participants."
BUDGET_LABEL = "Location de la salle des fêtes de Valognes"


def url(name, **kwargs):
    return reverse(name, kwargs=kwargs)


ACTION = url("actions:action_detail", slug=COTENTIN, code=CODE)
CAMPAIGN = url("actions:campaign_detail", slug=COTENTIN, year=2025)
POINT = url("actions:progress_edit", slug=COTENTIN, code=CODE, year=2025)


# Reading a page --------------------------------------------------------------------------

VOLATILE = re.compile(r'( nonce=| name="csrfmiddlewaretoken" value=)"[^"]*"')


def normalized(content):
    """The page as text to search: entities decoded, one kind of space, no nonce, no CSRF
    token (both new on each answer)."""
    text = html.unescape(content.decode()).replace("\xa0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", VOLATILE.sub(r'\1""', text))


@dataclass(frozen=True)
class Reading:
    status: int
    text: str
    queries: int
    location: str


def read(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return Reading(
        response.status_code, normalized(content), len(queries), response.get("Location", "")
    )


# Probes: what of a page a pair looks at.


def whole(text):
    return text


def between(start, end):
    """From START to the first END after it ("" without START)."""

    def probe(text):
        if start not in text:
            return ""
        rest = text[text.index(start) :]
        return rest[: rest.index(end) + len(end)] if end in rest else rest

    return probe


# New on each rendering of a chart (indicators.charts): its id, in its CSS rules too.
CHART_ID = re.compile(r'(?<=[#"])c[0-9a-f]{8}\b')


def row(cell):
    """The table row that has a cell, or a link, whose text is exactly CELL (its charts'
    ids left out)."""
    pattern = re.compile(r">\s*" + re.escape(cell) + r"\s*<")

    def probe(text):
        for part in text.split("<tr")[1:]:
            part = part.split("</tr>")[0]
            if pattern.search(part):
                return CHART_ID.sub("chart", part)
        return ""

    return probe


def by_testid(name):
    pattern = re.compile(r'data-testid="' + name + r'">([^<]*)<')

    def probe(text):
        found = pattern.search(text)
        return found[1] if found else ""

    return probe


@dataclass(frozen=True)
class Page:
    persona: str
    path: object  # a path, or a function of the world's ids that gives it
    probe: object = whole
    cached: bool = True  # whether a second reading must come from the caches

    def path_in(self, world):
        return self.path(world.ids) if callable(self.path) else self.path


def staff_structure(which):
    return lambda ids: url("structures:structure_detail", pk=ids[which])


def public_structure(which):
    return lambda ids: url("public:structure_detail", pk=ids[which])


MAIN = between("<main", "</main>")
DASHBOARD = url("reports:home")
INDICATORS = url("indicators:indicator_list", slug=COTENTIN)
PUBLIC_PLAN = url("public:plan_detail", slug=COTENTIN)

PAGES = {
    # The comité's reading of the action page: cached.
    "action_detail:pilots": Page("viewer", ACTION, between("<dt>Pilotes</dt>", "</dd>")),
    "action_detail:points": Page("viewer", ACTION, between('id="avancement"', "</section>")),
    "action_detail:point_2025": Page("viewer", ACTION, row("2025")),
    "action_detail:budget": Page("viewer", ACTION, between('id="budget"', "</section>")),
    "action_detail:partners": Page("viewer", ACTION, between("<dt>Partenaires associés", "</dd>")),
    # Its pilot's reading: not cached, as it carries forms.
    "action_detail_as_pilot:entry": Page(
        "paul", ACTION, between('id="avancement"', "</section>"), cached=False
    ),
    "dashboard:waiting": Page(
        "viewer", DASHBOARD, between("Actions dont le point est attendu", "</ul>")
    ),
    "dashboard:latest_points": Page("viewer", DASHBOARD, between('id="points"', "</section>")),
    "dashboard:tile_done": Page("viewer", DASHBOARD, by_testid("tile-realisee")),
    "dashboard:tile_spent": Page("viewer", DASHBOARD, by_testid("tile-spent")),
    "dashboard:tile_campaign": Page("viewer", DASHBOARD, by_testid("tile-campaign")),
    "dashboard:unvalidated": Page("viewer", DASHBOARD, by_testid("unvalidated")),
    "dashboard:campaign": Page("viewer", DASHBOARD, between('id="campagne"', "</section>")),
    "dashboard:directory": Page("viewer", DASHBOARD, between('id="annuaire"', "</p>")),
    "dashboard:plan_choices": Page("viewer", DASHBOARD, between('id="choix-plan"', "</select>")),
    "action_list:row": Page(
        "viewer", url("actions:action_list", slug=COTENTIN) + f"?q={CODE}", row(CODE)
    ),
    "indicator_list:K5": Page("viewer", INDICATORS, row("K5")),
    "indicator_list:K7": Page("viewer", INDICATORS, row("K7")),
    "plan_list": Page("viewer", url("actions:plan_list"), MAIN, cached=False),
    "my_actions": Page("paul", url("actions:my_actions"), MAIN, cached=False),
    "my_actions:header": Page(
        "paul", url("actions:my_actions"), between("<header", "</header>"), cached=False
    ),
    "my_actions_of_pia": Page("pia", url("actions:my_actions"), MAIN, cached=False),
    "campaign": Page("viewer", CAMPAIGN, MAIN, cached=False),
    "campaign:row": Page("viewer", CAMPAIGN, row(CODE), cached=False),
    "pilot_table:row": Page(
        "editor", url("actions:pilot_table", slug=COTENTIN), row(CODE), cached=False
    ),
    "staff_directory": Page(
        "viewer",
        lambda ids: url("structures:structure_list") + f"?commune={ids['commune']}",
        between('role="status"', "</table>"),
    ),
    "staff_structure": Page("viewer", staff_structure("published"), MAIN, cached=False),
    "staff_structure_unpublished": Page(
        "viewer", staff_structure("unpublished"), MAIN, cached=False
    ),
    "staff_map": Page("viewer", url("structures:structure_map"), between("<p>", "</p>")),
    "public_home": Page("anonymous", url("public:home"), MAIN),
    "public_plan:row": Page("anonymous", PUBLIC_PLAN, row(CODE)),
    "public_plan:K5": Page("anonymous", PUBLIC_PLAN, row("K5 · Actions réalisées")),
    "public_action": Page("anonymous", url("public:action_detail", slug=COTENTIN, code=CODE), MAIN),
    "public_directory": Page("anonymous", url("public:structure_list"), MAIN),
    "public_map": Page("anonymous", url("public:structure_map"), MAIN),
    "public_structure": Page("anonymous", public_structure("published"), MAIN),
    "public_structure_unpublished": Page("anonymous", public_structure("unpublished"), MAIN),
    "public_api_structures": Page("anonymous", "/public/api/v1/structures"),
    "public_api_actions": Page("anonymous", f"/public/api/v1/plans/{COTENTIN}/actions"),
}


# Sending a form as a browser does --------------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page and what a browser sends of each: [(attributes, [(name, value)])]
    (checked boxes, selected options, textareas' text; no button, no disabled field)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.select, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs, []))
            return
        if not self.forms or "disabled" in attrs:
            return
        fields = self.forms[-1][1]
        kind = attrs.get("type", "text")
        if (
            tag == "input"
            and "name" in attrs
            and kind not in {"submit", "button", "reset", "image", "file"}
        ):
            if kind not in {"checkbox", "radio"}:
                fields.append((attrs["name"], attrs.get("value", "")))
            elif "checked" in attrs:
                fields.append((attrs["name"], attrs.get("value", "on")))
        elif tag == "select" and "name" in attrs:
            self.select = {
                "name": attrs["name"],
                "first": None,
                "chosen": False,
                "multiple": "multiple" in attrs,
            }
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                fields.append((self.select["name"], value))
                self.select["chosen"] = True
        elif tag == "textarea" and "name" in attrs:
            self.textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self.select is not None:
            select, self.select = self.select, None
            if not select["chosen"] and not select["multiple"] and select["first"] is not None:
                self.forms[-1][1].append((select["name"], select["first"]))
        elif tag == "textarea" and self.textarea is not None:
            self.forms[-1][1].append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None


def submit(client, path, changes=(), *, drop=(), action=None):
    """Open the form page PATH, change what CHANGES says ({name: value}), untick or empty
    DROP, and send the form (the largest POST form of the page, or the one whose action
    contains ACTION) as a browser would, following the redirection that must answer it
    (the page it leads to shows the confirmation)."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    parser = Forms()
    parser.feed(page.content.decode())
    forms = [
        (attrs, fields)
        for attrs, fields in parser.forms
        if attrs.get("method", "").lower() == "post"
        and (action is None or action in attrs.get("action", ""))
    ]
    attrs, fields = max(forms, key=lambda form: len(form[1]))
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    for name in drop:
        data.pop(name, None)
    data.update({name: [value] for name, value in dict(changes).items()})
    post(client, attrs.get("action") or path, data)


def errors_of(response):
    """The form's error messages, to say why it was refused."""
    return re.findall(
        r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>([^<]*)',
        normalized(response.content),
    )


def post(client, path, data):
    response = client.post(path, data, follow=True)
    assert response.redirect_chain and response.status_code == 200, errors_of(response)


# The world the pairs start from ----------------------------------------------------------


@dataclass
class World:
    people: dict
    ids: dict
    plan: Plan
    clients: dict = field(default_factory=dict)

    def client(self, persona):
        """PERSONA's browser, logged in on its first use ("anonymous": not logged in)."""
        if persona not in self.clients:
            self.clients[persona] = Client()
            if persona != "anonymous":
                self.clients[persona].force_login(self.people[persona])
        return self.clients[persona]


@pytest.fixture
def world(plan):
    """The seeded plan, published with its points' achievements; action 1.1.1 piloted by
    Paul Pilote, with his validated 2024 point and a partner structure, published; the 2025
    campaign open; a second structure, not published; Pia Neuve, a pilot of nothing yet; a
    browser for each persona."""
    Plan.objects.filter(pk=plan.pk).update(is_public=True, public_point_fields=["achievements"])
    people = {
        "viewer": UserFactory(username="camille", role=roles.VIEWER),
        "editor": UserFactory(username="emile", role=roles.EDITOR),
        "admin": UserFactory(username="alice", role=roles.ADMIN, is_staff=True),
        "paul": UserFactory(
            username="paul", role=roles.PILOT, first_name="Paul", last_name="Pilote"
        ),
        "pia": UserFactory(username="pia", role=roles.PILOT, first_name="Pia", last_name="Neuve"),
    }
    action = plan.actions.get(code=CODE)
    action.pilots.add(people["paul"])
    # New structures: the seeded demonstration ones hold invented values the form refuses.
    commune = Structure.objects.order_by("pk").first().commune
    published = Structure.objects.create(
        name=NAME,
        commune=commune,
        family="association",
        employees=4,
        public_since=datetime.datetime(2025, 1, 6, tzinfo=datetime.UTC),
        public_recorded_by=people["editor"],
    )
    unpublished = Structure.objects.create(
        name="Atelier vélo solidaire", commune=commune, family="association", employees=2
    )
    action.partner_structures.add(published)
    ProgressUpdate.objects.create(
        action=action,
        year=2024,
        status=Status.IN_PROGRESS,
        progress=40,
        review=Review.VALIDATED,
        author=people["paul"],
        date=datetime.date(2024, 11, 20),
        achievements="Deux cafés des ASSOS à Valognes.",
    )
    Campaign.objects.create(
        plan=plan,
        year=2025,
        opens_on=datetime.date(2025, 11, 1),
        due_on=datetime.date(2025, 12, 15),
    )
    ids = {
        "published": published.pk,
        "unpublished": unpublished.pk,
        "commune": commune.pk,
        "paul": people["paul"].pk,
        "pia": people["pia"].pk,
    }
    return World(people, ids, plan)


# The writes, each as a user makes it -----------------------------------------------------


def change_paul_on_the_admin_site(world, changes=(), drop=()):
    submit(
        world.client("admin"),
        url("admin:auth_user_change", object_id=world.ids["paul"]),
        changes,
        drop=drop,
    )


def rename_pilot(world):
    change_paul_on_the_admin_site(world, {"first_name": "Paula", "last_name": "Marin"})


def deactivate_pilot(world):
    change_paul_on_the_admin_site(world, drop=["is_active"])


def submit_point(world):
    submit(
        world.client("paul"),
        POINT,
        {
            "status": Status.DONE,
            "progress": "100",
            "date": "2025-11-20",
            "achievements": ACHIEVED,
            "submit": "1",
        },
    )


def review_point(world, decision, text=""):
    """The ESS team decides on the submitted point with the form of its review page."""
    submit(world.client("editor"), f"{POINT}revue/", {"decision": decision, "text": text})


def validate_point(world):
    review_point(world, Review.VALIDATED)


def send_back_point(world):
    review_point(world, Review.TO_REVISE, SENT_BACK)


def edit_structure(world, which, changes=(), drop=()):
    submit(
        world.client("editor"),
        url("structures:structure_edit", pk=world.ids[which]),
        changes,
        drop=drop,
    )


def publish_structure(world):
    edit_structure(world, "unpublished", {"published": "on"})


def withdraw_structure(world):
    edit_structure(world, "published", drop=["published"])


def rename_structure(world):
    edit_structure(world, "published", {"name": RENAMED})


def archive_structure(world):
    post(world.client("editor"), url("structures:structure_archive", pk=world.ids["published"]), {})


def no_campaign(world):
    Campaign.objects.filter(plan=world.plan).delete()


def open_campaign(world):
    submit(
        world.client("editor"),
        url("actions:campaign_create", slug=COTENTIN),
        {"year": "2025", "opens_on": "2025-11-01", "due_on": "2025-12-15"},
    )


def close_campaign(world):
    submit(
        world.client("editor"),
        url("actions:campaign_edit", slug=COTENTIN, year=2025),
        {"closed_on": "2025-12-20"},
    )


def draft_next_plan(world):
    drafting.draft_next_plan(
        world.plan, slug=NEXT, first_year=2026, last_year=2028, codes=[CODE, "1.4.7"]
    )


def adopt_next_plan(world):
    submit(
        world.client("admin"),
        url("actions:plan_adopt", slug=NEXT),
        {
            "reference": "DEL-2025-300",
            "adopted_on": "2025-12-18",
            "votes_for": "120",
            "votes_against": "3",
            "abstentions": "2",
            "envelope": "450 000",
        },
    )


PILOTS = url("actions:action_pilots", slug=COTENTIN, code=CODE)


def name_pia(world):
    post(world.client("editor"), PILOTS, {"user": world.ids["pia"]})


def unname_paul(world):
    post(world.client("editor"), PILOTS, {"user": world.ids["paul"], "remove": "1"})


def add_budget_line(world):
    submit(
        world.client("editor"),
        url("actions:budget_line_create", slug=COTENTIN, code=CODE),
        {
            "year": "2025",
            "label": BUDGET_LABEL,
            "planned": "12 345",
            "spent": "6 789",
            "section": "fonctionnement",
            "flow": "depense",
        },
    )


@dataclass(frozen=True)
class Write:
    make: object
    prepare: object = None  # the state the pages are first read in, if not the world's


WRITES = {
    "pilot_renamed": Write(rename_pilot),
    "pilot_deactivated": Write(deactivate_pilot),
    "point_submitted": Write(submit_point),
    "point_validated": Write(validate_point, prepare=submit_point),
    "point_sent_back": Write(send_back_point, prepare=submit_point),
    "structure_published": Write(publish_structure),
    "structure_withdrawn": Write(withdraw_structure),
    "structure_renamed": Write(rename_structure),
    "structure_archived": Write(archive_structure),
    "campaign_opened": Write(open_campaign, prepare=no_campaign),
    "campaign_closed": Write(close_campaign),
    "plan_adopted": Write(adopt_next_plan, prepare=draft_next_plan),
    "pilot_named": Write(name_pia),
    "pilot_unnamed": Write(unname_paul),
    "budget_line_added": Write(add_budget_line),
}


# The pairs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """What a page's probe shows: a text (or its absence), a regular expression, or an
    answer's status (and where it leads)."""

    text: str = None
    pattern: str = None
    status: int = None
    location: str = ""
    absent: bool = False

    def check(self, reading, probed):
        if self.status is not None:
            return reading.status == self.status and self.location in reading.location
        found = (
            self.text in probed
            if self.text is not None
            else re.search(self.pattern, probed) is not None
        )
        return found != self.absent


def shows(text):
    return Shown(text=text)


def lacks(text):
    return Shown(text=text, absent=True)


def answers(status):
    return Shown(status=status)


UNCHANGED = object()  # after the write, the probe reads what it read before
NOTHING = Shown(pattern="^$")
LOGGED_OUT = Shown(status=302, location=reverse("login"))
WAITING = f"{CODE} ·"
PUBLISHED, NOT_PUBLISHED = "publiée</a> depuis le", "non publiée (sans accord enregistré)"
LISTED = {n: f'<p role="status">{n} structure{"s" if n > 1 else ""}</p>' for n in (0, 1, 2)}
ON_MAP = {n: f"<p>{n} structure{'s' if n > 1 else ''} de l'annuaire" for n in (0, 1, 2)}
AT_HOME = {n: f">{n} structure{'s' if n > 1 else ''} de l'économie" for n in (0, 1, 2)}

PAIRS = [
    # (write, page, what it shows before, what it shows after)
    ("pilot_renamed", "action_detail:pilots", shows("Paul Pilote"), shows("Paula Marin")),
    ("pilot_renamed", "action_detail:points", shows("par Paul Pilote"), shows("par Paula Marin")),
    ("pilot_renamed", "dashboard:waiting", shows("Paul Pilote"), shows("Paula Marin")),
    (
        "pilot_renamed",
        "dashboard:latest_points",
        shows("par Paul Pilote"),
        shows("par Paula Marin"),
    ),
    ("pilot_renamed", "campaign:row", shows("Paul Pilote"), shows("Paula Marin")),
    ("pilot_renamed", "pilot_table:row", shows("Paul Pilote"), shows("Paula Marin")),
    ("pilot_renamed", "my_actions:header", shows("Paul Pilote"), shows("Paula Marin")),
    ("pilot_deactivated", "my_actions", shows(CODE), LOGGED_OUT),
    ("pilot_deactivated", "action_detail_as_pilot:entry", shows("Saisir"), LOGGED_OUT),
    ("pilot_deactivated", "pilot_table:row", shows("Paul Pilote"), lacks("Paul Pilote")),
    ("point_submitted", "action_detail:points", lacks(ACHIEVED), shows(ACHIEVED)),
    # A submitted point moves no figure and no status until the ESS team validates it.
    ("point_submitted", "dashboard:tile_done", shows("0"), UNCHANGED),
    ("point_submitted", "dashboard:unvalidated", NOTHING, shows("1 point d'avancement 2025")),
    ("point_submitted", "dashboard:waiting", shows(WAITING), lacks(WAITING)),
    ("point_submitted", "action_list:row", shows("En cours"), UNCHANGED),
    ("point_submitted", "indicator_list:K5", lacks(">1 <"), UNCHANGED),
    ("point_submitted", "my_actions", shows("À saisir"), shows("Soumis")),
    ("point_submitted", "campaign:row", shows("À saisir"), shows("Soumis")),
    # The public site shows validated points only, its key indicators (K5) included.
    ("point_submitted", "public_plan:row", shows("En cours"), UNCHANGED),
    ("point_submitted", "public_plan:K5", shows("K5"), UNCHANGED),
    ("point_submitted", "public_action", lacks(ACHIEVED), UNCHANGED),
    ("point_submitted", "public_api_actions", lacks("realisee"), UNCHANGED),
    ("point_validated", "action_detail:point_2025", shows("review-soumis"), shows("review-valide")),
    ("point_validated", "dashboard:unvalidated", shows("1 point"), NOTHING),
    ("point_validated", "dashboard:tile_done", shows("0"), shows("1")),
    ("point_validated", "action_list:row", shows("En cours"), shows("Réalisée")),
    ("point_validated", "indicator_list:K5", lacks(">1 <"), shows(">1 <")),
    ("point_validated", "my_actions", shows("Soumis"), shows("Validé")),
    ("point_validated", "campaign:row", shows("Soumis"), shows("Validé")),
    ("point_validated", "public_plan:row", shows("En cours"), shows("Réalisée")),
    ("point_validated", "public_action", lacks(ACHIEVED), shows(ACHIEVED)),
    ("point_validated", "public_api_actions", lacks("realisee"), shows("realisee")),
    ("point_sent_back", "action_detail:points", lacks(SENT_BACK), shows(SENT_BACK)),
    ("point_sent_back", "dashboard:waiting", lacks(WAITING), shows(WAITING)),
    ("point_sent_back", "dashboard:tile_campaign", shows("2 %"), shows("0 %")),
    ("point_sent_back", "my_actions", shows("Soumis"), shows("À revoir")),
    ("point_sent_back", "campaign:row", shows("Soumis"), shows("À revoir")),
    ("point_sent_back", "public_action", lacks(ACHIEVED), UNCHANGED),
    ("structure_published", "public_directory", shows(LISTED[1]), shows(LISTED[2])),
    ("structure_published", "public_map", shows(ON_MAP[1]), shows(ON_MAP[2])),
    ("structure_published", "public_home", shows(AT_HOME[1]), shows(AT_HOME[2])),
    ("structure_published", "public_api_structures", shows('"count": 1'), shows('"count": 2')),
    ("structure_published", "public_structure_unpublished", answers(404), answers(200)),
    ("structure_published", "staff_structure_unpublished", shows(NOT_PUBLISHED), shows(PUBLISHED)),
    ("structure_withdrawn", "public_directory", shows(LISTED[1]), shows(LISTED[0])),
    ("structure_withdrawn", "public_map", shows(ON_MAP[1]), shows(ON_MAP[0])),
    ("structure_withdrawn", "public_home", shows(AT_HOME[1]), shows(AT_HOME[0])),
    ("structure_withdrawn", "public_api_structures", shows('"count": 1'), shows('"count": 0')),
    ("structure_withdrawn", "public_structure", answers(200), answers(404)),
    ("structure_withdrawn", "staff_structure", shows(PUBLISHED), shows(NOT_PUBLISHED)),
    ("structure_renamed", "staff_directory", lacks(RENAMED), shows(RENAMED)),
    ("structure_renamed", "staff_structure", lacks(RENAMED), shows(RENAMED)),
    ("structure_renamed", "action_detail:partners", lacks(RENAMED), shows(RENAMED)),
    ("structure_renamed", "public_directory", lacks(RENAMED), shows(RENAMED)),
    ("structure_renamed", "public_structure", lacks(RENAMED), shows(RENAMED)),
    ("structure_renamed", "public_api_structures", lacks(RENAMED), shows(RENAMED)),
    ("structure_archived", "staff_directory", shows(NAME), lacks(NAME)),
    ("structure_archived", "staff_map", shows("<p>62 structures"), shows("<p>61 structures")),
    (
        "structure_archived",
        "dashboard:directory",
        shows("<p>62 structures"),
        shows("<p>61 structures"),
    ),
    ("structure_archived", "public_directory", shows(LISTED[1]), shows(LISTED[0])),
    ("structure_archived", "public_map", shows(ON_MAP[1]), shows(ON_MAP[0])),
    ("structure_archived", "public_structure", answers(200), answers(404)),
    ("campaign_opened", "dashboard:campaign", NOTHING, shows("Campagne de suivi 2025")),
    ("campaign_opened", "my_actions", shows("aucune campagne ouverte"), shows("À saisir")),
    ("campaign_opened", "campaign", answers(404), answers(200)),
    ("campaign_opened", "action_detail_as_pilot:entry", lacks("Saisir"), shows("Saisir")),
    ("campaign_closed", "my_actions", shows("À saisir"), shows("aucune campagne ouverte")),
    ("campaign_closed", "campaign", lacks("close le"), shows("close le 20/12/2025")),
    ("campaign_closed", "action_detail_as_pilot:entry", shows("Saisir"), lacks("Saisir")),
    ("plan_adopted", "plan_list", lacks("2026-2028"), shows("2026-2028")),
    ("plan_adopted", "dashboard:plan_choices", lacks("2026-2028"), shows("2026-2028")),
    ("plan_adopted", "public_home", shows("2023-2025 · adopté"), shows("2023-2025 · clos")),
    ("pilot_named", "action_detail:pilots", lacks("Pia Neuve"), shows("Pia Neuve")),
    ("pilot_named", "dashboard:waiting", lacks("Pia Neuve"), shows("Pia Neuve")),
    ("pilot_named", "my_actions_of_pia", lacks(CODE), shows(CODE)),
    ("pilot_named", "campaign:row", lacks("Pia Neuve"), shows("Pia Neuve")),
    ("pilot_named", "pilot_table:row", lacks("Pia Neuve"), shows("Pia Neuve")),
    ("pilot_unnamed", "action_detail:pilots", shows("Paul Pilote"), shows("Aucun pilote nommé")),
    ("pilot_unnamed", "dashboard:waiting", shows("Paul Pilote"), lacks("Paul Pilote")),
    ("pilot_unnamed", "my_actions", shows(CODE), lacks(CODE)),
    ("pilot_unnamed", "action_detail_as_pilot:entry", shows("Saisir"), lacks("Saisir")),
    ("budget_line_added", "dashboard:tile_spent", shows("0,00 €"), shows("6 789,00 €")),
    ("budget_line_added", "action_detail:budget", lacks(BUDGET_LABEL), shows(BUDGET_LABEL)),
    ("budget_line_added", "indicator_list:K7", lacks("55 %"), shows("55 %")),
]


@pytest.mark.parametrize(
    ("write", "page", "before", "after"),
    PAIRS,
    ids=[f"{write}->{page}" for write, page, *_ in PAIRS],
)
def test_a_write_shows_at_once_on_a_page_read_warm(
    world, django_capture_on_commit_callbacks, write, page, before, after
):
    write, page = WRITES[write], PAGES[page]
    if write.prepare:
        with django_capture_on_commit_callbacks(execute=True):
            write.prepare(world)
    client, path = world.client(page.persona), page.path_in(world)
    first, second = read(client, path), read(client, path)
    shown = page.probe(first.text)
    assert (second.status, page.probe(second.text)) == (first.status, shown)
    if page.cached and first.status == 200:  # the second reading came from the caches
        assert second.queries < first.queries, (first.queries, second.queries)
    assert before.check(first, shown), shown
    assert after is UNCHANGED or not after.check(first, shown), shown
    with django_capture_on_commit_callbacks(execute=True):
        write.make(world)
    third = read(client, path)
    if after is UNCHANGED:
        assert (third.status, page.probe(third.text)) == (first.status, shown)
    else:
        assert after.check(third, page.probe(third.text)), page.probe(third.text)


def rename_paul(world):
    """Paul renamed as the issue says, by the ORM."""
    paul = User.objects.get(pk=world.ids["paul"])
    paul.first_name, paul.last_name = "Paula", "Marin"
    paul.save(update_fields=["first_name", "last_name"])


def test_a_renamed_pilot_is_renamed_at_once_on_the_comites_action_page(
    world, django_capture_on_commit_callbacks
):
    """Issue #28's first probe: « Rename a pilot: the comité's action page keeps the old name
    for up to 24 h »."""
    comite = world.client("viewer")
    assert "Paul Pilote" in read(comite, ACTION).text
    with django_capture_on_commit_callbacks(execute=True):
        rename_paul(world)
    page = read(comite, ACTION).text
    assert "Paula Marin" in page and "Paul Pilote" not in page


def test_a_renamed_pilot_is_renamed_at_once_in_the_dashboards_waiting_list(
    world, django_capture_on_commit_callbacks
):
    """Issue #28's second probe: « The dashboard's waiting list keeps the old pilot name »."""
    comite = world.client("viewer")
    waiting = PAGES["dashboard:waiting"].probe
    assert "Paul Pilote" in waiting(read(comite, DASHBOARD).text)
    with django_capture_on_commit_callbacks(execute=True):
        rename_paul(world)
    listed = waiting(read(comite, DASHBOARD).text)
    assert "Paula Marin" in listed and "Paul Pilote" not in listed
