"""The public site (/public/): the plans an administrator published and the structures that
consented, for anyone, without logging in.

Its pages touch neither the session nor the user (no cookie set, no CSRF token), and carry
Cache-Control: public, max-age=0, s-maxage=PUBLIC_MAX_AGE: a shared proxy may keep them for
that long, a browser asks again each time. A withdrawal is therefore seen at once, within
that delay behind a proxy. The application keeps each answer whole until the data changes
(publicsite.cache): the views below run once per version of the data.
"""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import Http404
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from actions.models import Action, Plan, ProgressUpdate
from actions.models.plan import PUBLIC_POINT_FIELDS
from essplan.nonce import with_nonce
from essplan.throttle import client_key
from essplan.views import filtered, paginate
from indicators.key import key_indicator_rows
from structures.forms import ListingRequestForm
from structures.listing import AlreadyPending, TooManyRequests, receive
from structures.map import commune_map
from structures.models import Structure
from structures.models.listing import PENDING_SIRET
from structures.services import DEMO_SOURCE

from .api import public_cache, public_plan, published_plans
from .cache import PARAMETERS, reads_query
from .filters import PublicStructureFilter

PAGE_SIZE = 50


def public_page(view):
    """Readable by anyone, cacheable by a shared proxy, GET and HEAD only; kept whole
    (publicsite.cache) per the query parameters it declared it reads: none unless it says."""
    if not hasattr(view, PARAMETERS):
        view = reads_query()(view)
    return login_not_required(public_cache(require_safe(view)))


def fictitious_count():
    """How many public structures are invented demonstration ones."""
    return Structure.objects.public().filter(source=DEMO_SOURCE).count()


@public_page
def home(request):
    return render(
        request,
        "public/home.html",
        {"plans": published_plans(), "structure_count": Structure.objects.public().count()},
    )


@public_page
def plan_detail(request, slug):
    """The plan's key indicators (their charts' style elements carry the page's CSP nonce) and
    its tree of actions, both from the points the ESS team validated."""
    plan = get_object_or_404(Plan.objects.public().with_tree(), slug=slug)
    body = render_to_string(
        "public/includes/plan_body.html",
        {"plan": plan, "axes": plan.axes.all(), "indicators": key_indicator_rows(plan)},
    )
    return render(
        request,
        "public/plan_detail.html",
        {"plan": plan, "body": with_nonce(body, get_nonce(request))},
    )


@public_page
def action_detail(request, slug, code):
    plan = public_plan(slug)
    points = ProgressUpdate.objects.validated().order_by("-year")
    action = get_object_or_404(
        Action.objects.with_status()
        .select_related("objective__axis")
        .prefetch_related(Prefetch("updates", queryset=points, to_attr="public_points")),
        plan=plan,
        code=code,
    )
    for point in action.public_points:  # only the fields the plan made public
        point.public_texts = [
            (label, getattr(point, name))
            for name, label in PUBLIC_POINT_FIELDS
            if name in plan.public_point_fields and getattr(point, name)
        ]
    return render(request, "public/action_detail.html", {"plan": plan, "action": action})


@public_page
@reads_query(*PublicStructureFilter.base_filters, "page")
def structure_list(request):
    board = PublicStructureFilter(
        request.GET,
        queryset=Structure.objects.public()
        .select_related("commune")
        .order_by(*Structure._meta.ordering),
    )
    return render(
        request,
        "public/structure_list.html",
        {
            "filter": board,
            **paginate(request, filtered(board), PAGE_SIZE),
            "reset_url": request.path,
            "fictitious": fictitious_count(),
        },
    )


@public_page
def structure_map(request):
    """The communes shaded by their number of public structures."""
    return render(
        request,
        "public/structure_map.html",
        {"map": commune_map(public=True), "fictitious": fictitious_count()},
    )


@public_page
def structure_detail(request, pk):
    structure = Structure.objects.public().select_related("commune", "naf").filter(pk=pk).first()
    if structure is None:
        raise Http404
    return render(
        request,
        "public/structure_detail.html",
        {"structure": structure, "fictitious": structure.source == DEMO_SOURCE},
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def listing_request(request):
    """A structure asks to appear on the directory; a robot that filled the honeypot is
    thanked and nothing is saved."""
    form = ListingRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_robot():
        return redirect("public:listing_request_sent")
    if request.method == "POST" and form.is_valid():
        try:
            receive(form, client_key(request))
        except TooManyRequests:
            form.add_error(
                None,
                "Trop de demandes sont parties de votre connexion depuis une "
                "heure : réessayez plus tard, ou écrivez à l'équipe ESS de "
                "l'agglomération.",
            )
            status = 429
        except AlreadyPending:
            form.add_error("siret", PENDING_SIRET)
        else:
            return redirect("public:listing_request_sent")
    return render(request, "public/listing_request.html", {"form": form}, status=status)


@public_page
def listing_request_sent(request):
    return render(request, "public/listing_request_sent.html")
