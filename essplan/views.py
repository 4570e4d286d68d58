"""View bodies shared by the apps: the versioned edit, the deletion asked for confirmation,
the spreadsheet import in two steps, the paginated list."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django_filters import FilterSet

from .datacache import CachedCountPaginator, cached_value
from .forms import ImportForm
from .french import count
from .import_jobs import (
    GONE,
    is_large,
    job_result,
    staged_rows,
    start_check,
    start_confirmation,
)
from .imports import check_sheet, import_staged, read_upload
from .roles import signed_in
from .versioning import save_or_conflict


def edit_versioned(
    request: HttpRequest,
    form: "ModelForm[Any]",
    *,
    template: str,
    context: dict[str, Any],
    message: Callable[[Any], str],
    success_url: Callable[[Any], str],
    saver: Callable[..., Any] | None = None,
    **extra: Any,
) -> HttpResponse:
    """The body of every edit view, creation or change of a versioned record.

    On a valid POST, FORM is saved under the version check (SAVER, or
    essplan.versioning.save_form, with EXTRA attributes set); once saved, MESSAGE(instance)
    is shown and the user goes to SUCCESS_URL(instance). Someone else's save in between
    gives the form again, the user's input kept, with what changed meanwhile (409).
    """
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = save_or_conflict(form, saver, **extra)
        if conflict is None:
            messages.success(request, message(form.instance))
            return redirect(success_url(form.instance))
    context = {**context, "form": form, "conflict": conflict}
    return render(request, template, context, status=409 if conflict else 200)


def delete_confirmed(
    request: HttpRequest,
    obj: Model,
    *,
    question: str,
    crumbs: list[tuple[str, str]],
    cancel_url: str,
    message: str,
    success_url: str,
) -> HttpResponse:
    """The body of every delete view: a GET asks QUESTION on a page of its own (CRUMBS: the
    breadcrumb's (label, url) pairs, CANCEL_URL: where « Annuler » leads); the POST it sends
    deletes OBJ, shows MESSAGE and goes to SUCCESS_URL."""
    if request.method == "POST":
        obj.delete()
        messages.success(request, message)
        return redirect(success_url)
    return render(
        request,
        "includes/confirm_delete.html",
        {"question": question, "crumbs": crumbs, "cancel_url": cancel_url},
    )


def cached_body(
    request: HttpRequest,
    name: str,
    parts: object,
    template: str,
    context: Callable[[], dict[str, Any]],
    *,
    scopes: Iterable[str],
) -> str:
    """The body of a list page for readers: TEMPLATE rendered with CONTEXT() (called only when
    it must be rendered again), cached with the data of SCOPES (what it prints) under NAME,
    PARTS and the query string.
    A reading then builds neither the filters nor the query: it costs the page's shell."""
    query = sorted(request.GET.lists())
    return mark_safe(
        cached_value(  # noqa: S308 - rendered by a template, escaped there
            name, (parts, query), lambda: render_to_string(template, context()), scopes=scopes
        )
    )


def import_check(
    request: HttpRequest, resource: Any, *, namespace: str, template: str, context: dict[str, Any]
) -> HttpResponse:
    """Step 1 of an import: the upload form, then the file's dry run, row by row (a large
    file's by a job, whose result this page shows at ?travail=<job>)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {**context, "form": form, **job_result(request, namespace)}
    if request.method == "POST" and form.is_valid() and (sheet := read_upload(form)):
        file_name = form.cleaned_data["file"].name
        if is_large(len(sheet.dataset)):
            job = start_check(
                sheet,
                resource,
                namespace=namespace,
                user=signed_in(request),
                file_name=file_name,
                page_url=request.path,
            )
            return redirect(job)
        context.update(
            check_sheet(
                sheet, resource, namespace=namespace, user=signed_in(request), file_name=file_name
            )
        )
    return render(request, template, context)


def import_confirm(
    request: HttpRequest,
    resource: Any,
    *,
    namespace: str,
    template: str,
    context: dict[str, Any],
    retry_url: str,
    done_url: str,
    created: tuple[str, str],
) -> HttpResponse:
    """Step 2: the staged file imported for good, all or nothing, once (a large file by a
    job). CREATED is the French (singular, plural) of what a new row is, e.g. ("structure
    créée", "structures créées")."""
    token = request.POST.get("token", "")
    if is_large(staged_rows(token, namespace=namespace, user=signed_in(request))):
        return redirect(
            start_confirmation(
                token,
                resource,
                namespace=namespace,
                user=signed_in(request),
                page_url=retry_url,
                done_url=done_url,
                created=created,
            )
        )
    outcome = import_staged(token, resource, namespace=namespace, user=signed_in(request))
    if outcome.kind == "gone":
        messages.error(request, GONE)
        return redirect(retry_url)
    if outcome.kind == "done":
        messages.info(request, f"Cet import est déjà fait (« {outcome.file_name} »).")
        return redirect(done_url)
    page = {
        **context,
        "form": ImportForm(),
        "report": outcome.report,
        "file_name": outcome.file_name,
        "token": outcome.token,
    }
    if outcome.kind == "stale":
        messages.warning(
            request,
            "Les données ont changé depuis la vérification du fichier : il "
            "vient d'être vérifié à nouveau. Relisez le résultat avant de "
            "confirmer.",
        )
        return render(request, template, page, status=409)
    if outcome.kind == "invalid":
        return render(request, template, page)
    report = outcome.report
    messages.success(
        request,
        f"Import terminé : {count(report.new, *created)}, "
        f"{count(report.updated, 'mise à jour', 'mises à jour')}.",
    )
    return redirect(done_url)


def filtered(filterset: FilterSet) -> QuerySet[Any]:
    """The rows a FilterSet selects; none when its input is invalid."""
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any],
    size: int,
    *,
    count_key: object = None,
    scopes: Iterable[str] = (),
) -> dict[str, Any]:
    """The page the request asks for, and the query string the page links add a page to.
    With COUNT_KEY (what, besides the query string, selects the rows), the number of rows is
    cached with the data of SCOPES (those of the rows)."""
    query = request.GET.copy()
    query.pop("page", None)
    paginator = (
        Paginator(queryset, size)
        if count_key is None
        else CachedCountPaginator(
            queryset, size, key=(count_key, sorted(query.lists())), scopes=scopes
        )
    )
    return {"page": paginator.get_page(request.GET.get("page")), "query": query.urlencode()}
