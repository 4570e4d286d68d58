"""The public site (/public/): the plans an administrator published and the structures that
consented, for anyone, without logging in.

Its pages touch neither the session nor the user (no cookie set, no CSRF token), and carry
Cache-Control: public, max-age=0, s-maxage=PUBLIC_MAX_AGE: a shared proxy may keep them for
that long, a browser asks again each time. A withdrawal is therefore seen at once, within
that delay behind a proxy.
"""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from actions.models import Action, Plan, ProgressUpdate, Review
from actions.models.plan import PUBLIC_POINT_FIELDS
from essplan.views import cached_body, filtered, paginate
from reports.models import AnnualReport
from structures.models import Structure
from structures.services import DEMO_SOURCE

from .api import public_cache, public_plan, published_plans
from .filters import PublicStructureFilter

PAGE_SIZE = 50


def public_page(view):
    """Readable by anyone, cacheable by a shared proxy, GET and HEAD only."""
    return login_not_required(public_cache(require_safe(view)))


def published_reports(plan):
    return AnnualReport.objects.filter(plan=plan, published=True).order_by("-year", "kind")


@public_page
def home(request):
    return render(request, "public/home.html", {
        "plans": published_plans(),
        "structure_count": Structure.objects.public().count()})


@public_page
def plan_detail(request, slug):
    """The plan's tree is rendered once per version of the data (the page carries no user)."""
    plan = public_plan(slug)

    def tree():
        full = Plan.objects.with_tree(validated_only=True).get(pk=plan.pk)
        return {"plan": full, "axes": full.axes.all(), "reports": published_reports(full)}

    return render(request, "public/plan_detail.html", {
        "plan": plan, "body": cached_body(request, "public-plan", plan.pk,
                                          "public/includes/plan_body.html", tree)})


@public_page
def action_detail(request, slug, code):
    plan = public_plan(slug)
    points = ProgressUpdate.objects.filter(review=Review.VALIDATED).order_by("-year")
    action = get_object_or_404(
        Action.objects.with_status(validated_only=True).select_related("objective__axis")
        .prefetch_related(Prefetch("updates", queryset=points, to_attr="public_points")),
        plan=plan, code=code)
    for point in action.public_points:  # only the fields the plan made public
        point.public_texts = [(label, getattr(point, name)) for name, label in PUBLIC_POINT_FIELDS
                              if name in plan.public_point_fields and getattr(point, name)]
    return render(request, "public/action_detail.html", {"plan": plan, "action": action})


@public_page
def report_download(request, slug, pk):
    report = get_object_or_404(published_reports(public_plan(slug)), pk=pk)
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.filename,
                        content_type="application/pdf")


@public_page
def structure_list(request):
    """The list is rendered once per version of the data and query string."""

    def listing():
        board = PublicStructureFilter(request.GET, queryset=Structure.objects.public()
                                      .select_related("commune")
                                      .order_by(*Structure._meta.ordering))
        return {"filter": board, **paginate(request, filtered(board), PAGE_SIZE),
                "reset_url": request.path,
                "fictitious": Structure.objects.public().filter(source=DEMO_SOURCE).count()}

    return render(request, "public/structure_list.html", {
        "body": cached_body(request, "public-directory", None,
                            "public/includes/structure_list_body.html", listing)})


@public_page
def structure_detail(request, pk):
    structure = (Structure.objects.public().select_related("commune", "naf")
                 .filter(pk=pk).first())
    if structure is None:
        raise Http404
    return render(request, "public/structure_detail.html", {
        "structure": structure, "fictitious": structure.source == DEMO_SOURCE})
