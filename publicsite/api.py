"""Open data: the public directory and the published plans as a read-only JSON API
(django-ninja, described by its OpenAPI document at /public/api/v1/openapi.json) and as CSV
files. Each dataset is one pydantic schema: the API's answer, the CSV's columns and the
documentation page (/public/donnees/) all come from it."""

import datetime
from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from ninja import Field, NinjaAPI, Query, Schema
from ninja.pagination import PageNumberPagination, paginate

from actions.models import Action, Plan
from indicators.models import Measurement
from structures.models import Structure
from structures.services import DEMO_SOURCE

from .cache import reads_query

PUBLIC_MAX_AGE = 60
# Every public answer: a shared proxy may keep it PUBLIC_MAX_AGE seconds, a browser asks again.
public_cache = cache_control(public=True, max_age=0, s_maxage=PUBLIC_MAX_AGE)
PAGE_SIZE = 100

api = NinjaAPI(
    title="essplan · données ouvertes de l'ESS en Cotentin",
    version="1",
    urls_namespace="public-api",
    docs_url=None,
    description="Annuaire public des structures de l'économie sociale et solidaire qui ont "
    "accepté d'y figurer, et plans d'actions publiés par la Communauté "
    "d'Agglomération du Cotentin. Lecture seule, sans authentification.",
)


class Page(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000, description="Numéro de la page, à partir de 1")
        page_size: int | None = Field(
            None, ge=1, le=PAGE_SIZE, description=f"Lignes par page, {PAGE_SIZE} au plus"
        )


class StructureRow(Schema):
    id: int = Field(description="Identifiant stable de la structure dans l'annuaire")
    name: str = Field(description="Nom")
    acronym: str = Field(description="Sigle (vide s'il n'y en a pas)")
    family: str = Field(
        description="Famille de l'ESS : association, cooperative, mutuelle, "
        "fondation ou entreprise_ess"
    )
    commune_insee: str = Field(description="Code INSEE de la commune")
    commune: str = Field(description="Commune")
    naf: str = Field(description="Code NAF de l'activité (vide s'il n'est pas connu)")
    activity: str = Field(description="Libellé NAF de l'activité")
    website: str = Field(description="Site web")
    public_contact: str = Field(description="Contact que la structure a choisi de rendre public")
    siret: str = Field(description="SIRET (14 chiffres ; vide s'il n'est pas connu)")
    public_since: datetime.date = Field(description="Date depuis laquelle elle est publiée")
    demonstration: bool = Field(description="Vrai pour une structure de démonstration inventée")

    @staticmethod
    def resolve_commune_insee(obj):
        return obj.commune.insee_code

    @staticmethod
    def resolve_commune(obj):
        return obj.commune.name

    @staticmethod
    def resolve_naf(obj):
        return obj.naf.code if obj.naf else ""

    @staticmethod
    def resolve_activity(obj):
        return obj.naf.label if obj.naf else ""

    @staticmethod
    def resolve_public_since(obj):
        return obj.public_since.date()

    @staticmethod
    def resolve_demonstration(obj):
        return obj.source == DEMO_SOURCE


class StructureFilter(Schema):
    q: str | None = Field(None, max_length=200, description="Nom, sigle ou début de SIRET")
    commune: str | None = Field(None, max_length=5, description="Code INSEE de la commune")
    family: str | None = Field(None, max_length=30, description="Famille de l'ESS")


class PlanRow(Schema):
    slug: str = Field(description="Identifiant stable du plan")
    title: str = Field(description="Intitulé")
    territory: str = Field(description="Territoire")
    first_year: int = Field(description="Première année")
    last_year: int = Field(description="Dernière année")
    state: str = Field(description="État : adopte ou clos")
    deliberation: str = Field(description="Référence de la délibération qui l'a adopté")

    @staticmethod
    def resolve_deliberation(obj):
        return obj.deliberation_reference


class ActionRow(Schema):
    code: str = Field(description="Code de l'action (axe.objectif.action)")
    title: str = Field(description="Intitulé")
    axis: int = Field(description="Numéro de l'axe stratégique")
    objective: str = Field(description="Code de l'objectif opérationnel")
    status: str = Field(
        description="Statut d'après le dernier point validé : sans_point, "
        "a_venir, en_cours, realisee, en_pause ou abandonnee"
    )
    progress: int | None = Field(
        description="Avancement en %, d'après le dernier point validé (vide sans point validé)"
    )
    status_year: int | None = Field(description="Année de ce point (vide sans point validé)")

    @staticmethod
    def resolve_axis(obj):
        return obj.objective.axis.number

    @staticmethod
    def resolve_objective(obj):
        return obj.objective.code

    @staticmethod
    def resolve_status(obj):
        return obj.current_status

    @staticmethod
    def resolve_progress(obj):
        return obj.current_progress


class ActionFilter(Schema):
    status: str | None = Field(None, max_length=20, description="Statut")
    axis: int | None = Field(None, ge=1, le=100, description="Numéro de l'axe")


class MeasurementRow(Schema):
    indicator: str = Field(description="Code de l'indicateur")
    name: str = Field(description="Intitulé de l'indicateur")
    unit: str = Field(description="Unité : nombre, pourcentage, euros, etp ou personnes")
    year: int = Field(description="Année")
    value: Decimal = Field(description="Valeur saisie par l'équipe ESS")
    source: str = Field(description="Source de la valeur")

    @staticmethod
    def resolve_indicator(obj):
        return obj.indicator.code

    @staticmethod
    def resolve_name(obj):
        return obj.indicator.name

    @staticmethod
    def resolve_unit(obj):
        return obj.indicator.unit


class NotFound(Schema):
    detail: str = Field(description="Pourquoi rien n'est trouvé")


class Invalid(Schema):
    detail: str = Field(description="Pourquoi la requête est refusée (un caractère NUL…)")


class InvalidParameters(Schema):
    detail: list[dict] = Field(description="Les paramètres refusés : où (loc), pourquoi (msg)")


# What every operation may answer besides its data: a request refused before any view (400,
# essplan.security) or parameters outside the document (422, django-ninja's validation).
REFUSED = {400: Invalid, 422: InvalidParameters}


def public_structures():
    return (
        Structure.objects.public()
        .select_related("commune", "naf")
        .order_by(*Structure._meta.ordering, "pk")
    )


def structure_rows(filters):
    rows = public_structures()
    if filters.q:
        rows = rows.search(filters.q).order_by(*Structure._meta.ordering, "pk")
    if filters.commune:
        rows = rows.filter(commune__insee_code=filters.commune)
    if filters.family:
        rows = rows.filter(family=filters.family)
    return rows


def published_plans():
    return Plan.objects.public().order_by("-first_year", "title")


def public_plan(slug):
    return get_object_or_404(Plan.objects.public(), slug=slug)


def plan_actions(plan):
    return (
        Action.objects.with_status()
        .filter(plan=plan)
        .select_related("objective__axis")
        .order_by("code_key")
    )


def plan_measurements(plan):
    return (
        Measurement.objects.filter(indicator__plan=plan)
        .select_related("indicator")
        .order_by("indicator__code", "year")
    )


@api.get(
    "/structures", response={200: list[StructureRow], **REFUSED}, summary="Structures publiques"
)
@paginate(Page, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def structures(request, filters: Query[StructureFilter]):
    return structure_rows(filters)


@api.get(
    "/structures/{structure_id}",
    response={200: StructureRow, 404: NotFound, **REFUSED},
    summary="Une structure publique",
)
def structure(request, structure_id: int):
    return get_object_or_404(public_structures(), pk=structure_id)


@api.get("/plans", response={200: list[PlanRow], 400: Invalid}, summary="Plans d'actions publiés")
def plans(request):
    return published_plans()


@api.get(
    "/plans/{slug}/actions",
    response={200: list[ActionRow], 404: NotFound, **REFUSED},
    summary="Actions d'un plan publié",
)
@paginate(Page, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def actions(request, slug: str, filters: Query[ActionFilter]):
    rows = plan_actions(public_plan(slug))
    if filters.status:
        rows = rows.filter(current_status=filters.status)
    if filters.axis:
        rows = rows.filter(objective__axis__number=filters.axis)
    return rows


@api.get(
    "/plans/{slug}/indicateurs",
    response={200: list[MeasurementRow], 404: NotFound, **REFUSED},
    summary="Valeurs des indicateurs d'un plan publié",
)
@paginate(Page, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def measurements(request, slug: str):
    return plan_measurements(public_plan(slug))


# The query parameters each route reads, by URL name: its answers are kept keyed on them
# (publicsite.cache). tests/public/test_public_cache.py checks them against the OpenAPI document.
QUERY_PARAMETERS = {
    "structures": ("q", "commune", "family", "page", "page_size"),
    "actions": ("status", "axis", "page", "page_size"),
    "measurements": ("page", "page_size"),
}


def public_urls():
    """The API's URL patterns, readable without logging in, cacheable like the public pages."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = reads_query(*QUERY_PARAMETERS.get(pattern.name, ()))(
            login_not_required(public_cache(pattern.callback))
        )
    return patterns, app_name, namespace
