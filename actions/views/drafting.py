"""The next plan: drafting it from a plan, editing the draft's tree, adopting it. Pages of
the administrators (who manage plans) only."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import campaigns, drafting
from ..access import MANAGE_PLAN, get_plan
from ..forms import AdoptPlanForm, DraftNodeForm, DraftPlanForm
from ..models import Action, Plan, Status

KINDS = {"axe": "axis", "objectif": "objective", "action": "action"}
LABELS = {"axis": "l'axe", "objective": "l'objectif", "action": "l'action"}


def _draft(request, slug):
    plan = get_plan(request, slug, perm=MANAGE_PLAN)
    if plan.state != Plan.State.DRAFT:
        raise Http404("Ce plan n'est pas un brouillon.")
    return plan


def _kind(kind):
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _node(tree, kind, pk):
    """The node PK of the draft's TREE, else 404."""
    try:
        return tree.find(kind, pk)
    except drafting.DraftRefused:
        raise Http404 from None


def _draft_url(plan):
    return reverse("actions:draft_detail", kwargs={"slug": plan.slug})


@require_http_methods(["GET", "POST"])
def draft_create(request, slug):
    """Draft the next plan from the plan SLUG: the actions not « Réalisée » preselected."""
    source = get_plan(request, slug, perm=MANAGE_PLAN)
    tree = list(
        Action.objects.filter(plan=source)
        .with_status(source.last_year)
        .select_related("objective__axis")
        .order_by("code_key")
    )
    first, last = (
        source.last_year + 1,
        source.last_year + (source.last_year - source.first_year) + 1,
    )
    initial = {
        "first_year": first,
        "last_year": last,
        "title": drafting.next_title(source, first, last),
        "slug": drafting.next_slug(source, first, last),
        "actions": [a.code for a in tree if a.current_status != Status.DONE],
    }
    form = DraftPlanForm(request.POST or None, initial=initial, actions=tree)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = drafting.draft_next_plan(
                source,
                slug=data["slug"],
                title=data["title"],
                first_year=data["first_year"],
                last_year=data["last_year"],
                codes=data["actions"],
            )
        except drafting.DraftRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"Le brouillon « {plan.title} » est créé avec "
                f"{len(data['actions'])} actions reconduites. Il n'est "
                "visible que des administrateurs jusqu'à son adoption.",
            )
            return redirect(_draft_url(plan))
    selected = set(form["actions"].value() or [])
    return render(
        request,
        "actions/draft_create.html",
        {"source": source, "form": form, "actions": tree, "selected": selected},
        status=400 if form.errors else 200,
    )


@require_safe
def draft_detail(request, slug):
    """The draft's tree, each element with its changes; the renumbering; the adoption."""
    plan = _draft(request, slug)
    tree = drafting.Tree(plan)
    return render(
        request,
        "actions/draft_detail.html",
        {"plan": plan, "tree": tree, "renumbering": drafting.renumbering_preview(plan)},
    )


@require_POST
def draft_add(request, slug, kind):
    plan = _draft(request, slug)
    kind = _kind(kind)
    title = request.POST.get("title", "").strip()[:300]
    if not title:
        messages.error(request, "Donnez un intitulé à l'élément ajouté.")
        return redirect(_draft_url(plan))
    try:
        parent = int(request.POST.get("parent") or 0) or None
        node = drafting.add_node(plan, kind, title=title, parent_pk=parent)
    except (ValueError, drafting.DraftRefused) as refused:
        messages.error(
            request,
            str(refused)
            if isinstance(refused, drafting.DraftRefused)
            else "Rattachement illisible.",
        )
    else:
        code = node.number if kind == "axis" else node.code
        messages.success(request, f"« {title} » est ajouté sous le code {code}.")
    return redirect(_draft_url(plan))


@require_http_methods(["GET", "POST"])
def draft_node(request, slug, kind, pk):
    """Change the title, code or parent of an axis, objective or action of the draft."""
    plan = _draft(request, slug)
    kind = _kind(kind)
    tree = drafting.Tree(plan)
    node = _node(tree, kind, pk)
    parents = []
    if kind != "axis":
        parent_kind = "axis" if kind == "objective" else "objective"
        parents = [
            (n.obj.pk, f"{n.code} · {n.obj.title}") for n in tree.nodes() if n.kind == parent_kind
        ]
    shown = {
        "title": node.obj.title,
        "code": node.code,
        "parent": tree.parent_of(node).obj.pk if kind != "axis" else None,
    }
    form = DraftNodeForm(
        request.POST or None,
        parents=parents,
        initial={**shown, **{f"shown_{name}": value for name, value in shown.items()}},
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changes = drafting.edit_node(
                plan,
                kind,
                pk,
                title=data["title"],
                code=data["code"],
                parent_pk=data.get("parent"),
                shown={name: data[f"shown_{name}"] for name in shown},
            )
        except drafting.DraftRefused as refused:
            form.add_error(None, str(refused))
        except drafting.DraftConflict as refused:
            conflict = refused.changes
        else:
            moved = (
                f" ; {len(changes)} code{'s' if len(changes) > 1 else ''} changé"
                f"{'s' if len(changes) > 1 else ''}"
                if changes
                else ""
            )
            messages.success(request, f"« {data['title']} » est enregistré{moved}.")
            return redirect(_draft_url(plan))
    return render(
        request,
        "actions/draft_node.html",
        {
            "plan": plan,
            "node": node,
            "form": form,
            "label": LABELS[kind],
            "conflict": conflict,
            "slug_kind": next(key for key, value in KINDS.items() if value == kind),
        },
        status=409 if conflict else 400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def draft_remove(request, slug, kind, pk):
    plan = _draft(request, slug)
    kind = _kind(kind)
    node = _node(drafting.Tree(plan), kind, pk)
    if request.method == "POST":
        try:
            drafting.remove_node(plan, kind, pk)
        except drafting.DraftRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                f"{LABELS[kind].capitalize()} {node.code} · "
                f"« {node.obj.title} » est retiré du brouillon. "
                "Renumérotez pour combler le trou s'il le faut.",
            )
        return redirect(_draft_url(plan))
    below = {
        "axis": " avec ses objectifs et leurs actions",
        "objective": " avec ses actions",
        "action": "",
    }[kind]
    return render(
        request,
        "includes/confirm_delete.html",
        {
            "question": f"Retirer du brouillon {LABELS[kind]} {node.code} · « {node.obj.title} »"
            f"{below} ?",
            "crumbs": [
                ("Plans d'actions", reverse("actions:plan_list")),
                (plan.title, _draft_url(plan)),
            ],
            "cancel_url": _draft_url(plan),
        },
    )


@require_POST
def draft_renumber(request, slug):
    plan = _draft(request, slug)
    try:
        changes = drafting.renumber(plan)
    except drafting.DraftRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"Brouillon renuméroté : {len(changes)} code"
            f"{'s' if len(changes) > 1 else ''} changé"
            f"{'s' if len(changes) > 1 else ''}."
            if changes
            else "Rien à renuméroter : les codes se suivent déjà.",
        )
    return redirect(_draft_url(plan))


@require_http_methods(["GET", "POST"])
def plan_adopt(request, slug):
    """The council adopted the draft: its deliberation, vote and envelope; the plan it was
    drafted from is closed."""
    plan = _draft(request, slug)
    running = campaigns.running(plan.previous) if plan.previous_id else []
    form = AdoptPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            drafting.adopt(
                plan,
                reference=data["reference"],
                adopted_on=data["adopted_on"],
                votes_for=data["votes_for"],
                votes_against=data["votes_against"],
                abstentions=data["abstentions"],
                envelope=data["envelope"],
                envelope_is_estimate=data["envelope_is_estimate"],
            )
        except drafting.DraftRefused as refused:
            form.add_error(None, str(refused))
        else:
            closed = f" Le plan « {plan.previous.title} » est clos." if plan.previous_id else ""
            for item in running:
                campaign = item["campaign"]
                closed += (
                    f" Sa campagne de suivi {campaign.year}, dont la date limite est "
                    "passée, est terminée."
                    if item["over"]
                    else f" Sa campagne de suivi {campaign.year} reste ouverte à ses pilotes "
                    f"jusqu'au {campaign.due_on:%d/%m/%Y}."
                )
            messages.success(
                request,
                f"Le plan « {plan.title} » est adopté : le comité de suivi "
                f"le voit désormais.{closed}",
            )
            return redirect(plan.get_absolute_url())
    return render(
        request,
        "actions/plan_adopt.html",
        {"plan": plan, "form": form, "running": running},
        status=400 if form.errors else 200,
    )
