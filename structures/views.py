from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from essplan.datacache import DIRECTORY, REQUESTS, cached_value
from essplan.exports import FORMATS, applied_filters, requested_export
from essplan.search import french_order
from essplan.versioning import save_form
from essplan.views import (
    cached_body,
    edit_versioned,
    filtered,
    import_check,
    import_confirm,
    paginate,
)

from . import listing
from .access import (
    ADD,
    EDIT,
    can_decide_listings,
    can_edit,
    get_structure,
    listing_requests,
    structures,
)
from .figures import directory_figures
from .filters import StructureFilter
from .forms import StructureForm
from .map import commune_map
from .models import ListingRequest, Structure
from .resources import StructureResource

PAGE_SIZE = 30
STAGING = "structures"
IMPORT_TEMPLATE = "structures/structure_import.html"
LIST_BODY = "structures/includes/structure_list_body.html"


@require_safe
def structure_list(request):
    active = (
        structures(request)
        .active()
        .select_related("commune", "legal_form")
        .defer("search_document", "commune__svg_path")
    )

    def selected():
        filterset = StructureFilter(request.GET, queryset=active)
        return filterset, filtered(filterset)

    if request.GET.get("format"):
        filterset, queryset = selected()
        return requested_export(
            request,
            StructureResource,
            queryset.select_related("naf"),
            "structures",
            subject="Annuaire des structures de l'ESS",
            filters=applied_filters(filterset),
        )

    def body():
        filterset, queryset = selected()
        ordered = queryset.order_by(*queryset.query.order_by or french_order("name"), "pk")
        return {
            "filter": filterset,
            "export_formats": FORMATS,
            **paginate(request, ordered, PAGE_SIZE, count_key="structures", scopes=(DIRECTORY,)),
        }

    return render(
        request,
        "structures/structure_list.html",
        {
            "can_edit": can_edit(request.user),
            "pending_requests": pending_request_count(request.user),
            "body": cached_body(
                request, "structure-list", (), LIST_BODY, body, scopes=(DIRECTORY,)
            ),
        },
    )


@require_safe
def structure_detail(request, pk):
    structure = get_structure(
        request, pk, queryset=Structure.objects.select_related("commune", "legal_form", "naf")
    )
    context = {
        "structure": structure,
        "can_edit": can_edit(request.user),
    }
    return render(request, "structures/structure_detail.html", context)


@require_http_methods(["GET", "POST"])
def structure_edit(request, pk=None):
    if pk:
        structure = get_structure(request, pk, perm=EDIT)
    else:
        structures(request, perm=ADD)
        structure = Structure()
    return edit_versioned(
        request,
        StructureForm(request.POST or None, instance=structure, user=request.user),
        saver=lambda form: save_form(form=form, **form.publication()),
        template="structures/structure_form.html",
        context={"structure": structure if pk else None},
        message=lambda saved: f"La structure « {saved.name} » est enregistrée.",
        success_url=lambda saved: saved.get_absolute_url(),
    )


@require_POST
def structure_archive(request, pk):
    structure = get_structure(request, pk, perm=EDIT)
    structure.archived = not structure.archived
    structure.save(update_fields=["archived", "updated_at"])
    state = "archivée" if structure.archived else "rétablie dans l'annuaire"
    messages.success(request, f"La structure « {structure.name} » est {state}.")
    return redirect(structure)


@require_safe
def structure_map(request):
    structures(request)
    measure = "employees" if request.GET.get("mesure") == "emplois" else "structures"
    context = {
        "map": commune_map(measure=measure),
        "measure": measure,
        "directory": directory_figures(),
    }
    return render(request, "structures/structure_map.html", context)


@require_http_methods(["GET", "POST"])
def structure_import(request):
    structures(request, perm=ADD)
    return import_check(
        request, StructureResource(), namespace=STAGING, template=IMPORT_TEMPLATE, context={}
    )


@require_POST
def structure_import_confirm(request):
    structures(request, perm=ADD)
    return import_confirm(
        request,
        StructureResource(),
        namespace=STAGING,
        template=IMPORT_TEMPLATE,
        context={"file_name": ""},
        retry_url=reverse("structures:structure_import"),
        done_url=reverse("structures:structure_list"),
        created=("structure créée", "structures créées"),
    )


def pending_request_count(user):
    """How many requests wait for a decision, for those who decide them (else None)."""
    if not can_decide_listings(user):
        return None
    return cached_value(
        "listing-requests-pending",
        (),
        ListingRequest.objects.filter(state=ListingRequest.State.PENDING).count,
        scopes=(REQUESTS,),
    )


DECIDED_LISTED = 20


@require_safe
def listing_request_list(request):
    """The requests waiting for a decision, each with the directory's structure of its SIRET,
    then the latest decided ones."""
    requests = listing_requests(request).select_related("commune", "legal_form")
    pending = list(requests.filter(state=ListingRequest.State.PENDING).order_by("created_at"))
    matches = (
        Structure.objects.filter(siret__in=[item.siret for item in pending])
        .select_related("commune")
        .only(
            "pk",
            "name",
            "acronym",
            "siret",
            "archived",
            "public_since",
            "commune__name",
            *listing.PROPOSED,
        )
    )
    by_siret = {structure.siret: structure for structure in matches}
    for item in pending:
        item.match = by_siret.get(item.siret)
        item.proposals = listing.proposals(item, item.match) if item.match else []
    decided = (
        requests.exclude(state=ListingRequest.State.PENDING)
        .select_related("decided_by", "structure")
        .order_by("-decided_at")[:DECIDED_LISTED]
    )
    return render(
        request, "structures/listing_requests.html", {"pending": pending, "decided": decided}
    )


@require_POST
def listing_request_decide(request, pk, accept):
    listing_requests(request)
    # The proposed values of an existing structure's fiche the team ticked (« champs »).
    taken = [field for field in listing.PROPOSED if field in request.POST.getlist("champs")]
    try:
        if accept:
            item = listing.accept(pk, request.user, taken=taken)
        else:
            item = listing.refuse(pk, request.user)
    except ListingRequest.DoesNotExist:
        raise Http404 from None
    except listing.AlreadyDecided as error:
        messages.warning(
            request,
            f"La demande de « {error.listing.name} » a déjà été "
            f"{error.listing.get_state_display()} par quelqu'un d'autre.",
        )
    else:
        messages.success(request, decision_message(item, taken))
    return redirect("structures:listing_request_list")


def decision_message(item, taken):
    """What the team is told once it decided ITEM, TAKEN being the proposed values it took."""
    if item.state == ListingRequest.State.REFUSED:
        return f"La demande de « {item.name} » est refusée."
    structure = item.structure
    if structure.public_since:
        return f"La demande est acceptée : « {structure.name} » paraît dans l'annuaire public."
    labels = ", ".join(str(Structure._meta.get_field(field).verbose_name) for field in taken)
    return (
        f"La demande est acceptée{f' (repris : {labels})' if labels else ''}. "
        f"« {structure.name} » n'est pas publiée pour autant : une structure déjà dans "
        "l'annuaire ne l'est que par sa fiche (« Publiée dans l'annuaire public »), une fois "
        "son accord vérifié."
    )
