from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from essplan.datacache import CachedCountPaginator
from essplan.exports import FORMATS, export_response
from essplan.forms import ImportForm
from essplan.imports import check_upload, import_staged
from essplan.roles import require
from essplan.versioning import save_or_conflict

from .filters import StructureFilter
from .forms import StructureForm
from .map import commune_map
from .models import Structure
from .resources import StructureResource

VIEW = "structures.view_structure"
EDIT = "structures.change_structure"
ADD = "structures.add_structure"
PAGE_SIZE = 30
STAGING = "structures"



@require_safe
def structure_list(request):
    require(request.user, VIEW)
    structures = (Structure.objects.active().select_related("commune", "legal_form")
                  .defer("search_document", "commune__svg_path"))
    filterset = StructureFilter(request.GET, queryset=structures)
    queryset = filterset.qs if filterset.is_valid() else structures.none()
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise Http404("Format d'export inconnu.")
        return export_response(StructureResource(), queryset.select_related("naf"), fmt,
                               "structures")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": CachedCountPaginator(queryset.order_by(*queryset.query.order_by or ["name"], "pk"),
                                     PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "export_formats": FORMATS,
        "can_edit": request.user.has_perm(EDIT),
    }
    return render(request, "structures/structure_list.html", context)


@require_safe
def structure_detail(request, pk):
    require(request.user, VIEW)
    structure = get_object_or_404(
        Structure.objects.select_related("commune", "legal_form", "naf"), pk=pk
    )
    context = {
        "structure": structure,
        "partner_actions": structure.partner_actions.select_related("plan"),
        "events": structure.events.order_by("-date"),
        "can_edit": request.user.has_perm(EDIT),
    }
    return render(request, "structures/structure_detail.html", context)


@require_http_methods(["GET", "POST"])
def structure_edit(request, pk=None):
    require(request.user, EDIT if pk else ADD)
    structure = get_object_or_404(Structure, pk=pk) if pk else Structure()
    form = StructureForm(request.POST or None, instance=structure)
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = save_or_conflict(form, family=form.cleaned_data["family"],
                                    siren=form.cleaned_data["siren"])
        if conflict is None:
            structure = form.instance
            messages.success(request, f"La structure « {structure.name} » est enregistrée.")
            return redirect(structure)
    context = {"form": form, "structure": structure if pk else None, "conflict": conflict}
    return render(request, "structures/structure_form.html", context, status=409 if conflict else 200)


@require_POST
def structure_archive(request, pk):
    require(request.user, EDIT)
    structure = get_object_or_404(Structure, pk=pk)
    structure.archived = not structure.archived
    structure.save(update_fields=["archived", "updated_at"])
    state = "archivée" if structure.archived else "rétablie dans l'annuaire"
    messages.success(request, f"La structure « {structure.name} » est {state}.")
    return redirect(structure)


@require_safe
def structure_map(request):
    require(request.user, VIEW)
    measure = "employees" if request.GET.get("mesure") == "emplois" else "structures"
    context = {"map": commune_map(measure=measure), "measure": measure}
    return render(request, "structures/structure_map.html", context)


@require_http_methods(["GET", "POST"])
def structure_import(request):
    require(request.user, ADD)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        context.update(check_upload(form, StructureResource(), namespace=STAGING,
                                    user=request.user))
    return render(request, "structures/structure_import.html", context)


@require_POST
def structure_import_confirm(request):
    require(request.user, ADD)
    report = import_staged(request.POST.get("token"), StructureResource(), namespace=STAGING,
                           user=request.user)
    if report is None:
        messages.error(request, "Cet import a expiré ou a déjà été fait : chargez le fichier à nouveau.")
        return redirect("structure_import")
    if not report.ok:
        return render(request, "structures/structure_import.html",
                      {"form": ImportForm(), "report": report, "file_name": ""})
    messages.success(request, f"Import terminé : {report.new} structure(s) créée(s), "
                              f"{report.updated} mise(s) à jour.")
    return redirect("structure_list")
