"""The yearly campaign: opening it, who has reported, « Mes actions », the bulk entry (the
review of points is in review.py)."""

from collections import defaultdict

from django.contrib import messages
from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from essplan.french import count
from essplan.search import french_order
from essplan.security import as_id
from essplan.views import edit_versioned, filtered, paginate

from .. import campaigns, decisions, pilots, reminders
from ..access import (
    EDIT_PROGRESS,
    MANAGE_CAMPAIGN,
    READ_DECISIONS,
    can_edit,
    can_manage_campaigns,
    can_review,
    get_plan,
    plans,
    writable,
)
from ..filters import CampaignActionFilter
from ..forms import BulkPointFormSet, BulkRow, CampaignForm, bulk_select
from ..jobs import start_reminders
from ..models import (
    REVIEW_LABELS,
    TO_ENTER,
    WAITING,
    Action,
    Campaign,
    ProgressUpdate,
    Review,
)

MANAGE = MANAGE_CAMPAIGN
CAMPAIGN_PAGE = 50
ANCHOR = "#sans-pilote"  # the campaign page's list of the actions without a pilot
MY_ACTIONS_PAGE = 50
PILOT_ORDER = [*french_order("user__last_name", "user__first_name"), "user__username"]


@require_safe
def campaign_list(request, slug):
    plan = get_plan(request, slug)
    context = {
        "plan": plan,
        "campaigns": plan.campaigns.order_by("-year"),
        "can_manage": can_manage_campaigns(request.user) and writable(request.user, plan),
    }
    return render(request, "actions/campaign_list.html", context)


@require_http_methods(["GET", "POST"])
def campaign_edit(request, slug, year=None):
    plan = get_plan(request, slug, perm=MANAGE, year=year)
    campaign = (
        get_object_or_404(plan.campaigns, year=year)
        if year
        else Campaign(plan=plan, created_by=request.user)
    )
    form = CampaignForm(request.POST or None, instance=campaign)
    return edit_versioned(
        request,
        form,
        template="actions/campaign_form.html",
        context={"plan": plan, "campaign": campaign if year else None},
        message=lambda saved: (
            f"La campagne de suivi {saved.year} est enregistrée." if year else opened_message(saved)
        ),
        success_url=lambda saved: saved.get_absolute_url() + ("" if year else ANCHOR),
    )


def opened_message(campaign):
    """The campaign is open, and how many of its actions nobody will be reminded of."""
    message = (
        f"La campagne de suivi {campaign.year} est ouverte : les pilotes en sont "
        "prévenus par courriel au prochain envoi des relances."
    )
    missing = pilots.unpiloted(campaign.plan, campaign.year).count()
    if missing:
        verb, them = ("n'a", "elle") if missing == 1 else ("n'ont", "elles")
        message += (
            f" {count(missing, 'action', 'actions')} sur "
            f"{campaign.plan.actions.count()} {verb} pas de pilote : personne ne sera "
            f"relancé pour {them} ; nommez leurs pilotes ci-dessous."
        )
    return message


@require_safe
def campaign_detail(request, slug, year):
    """Who has reported: every action of the plan with the state of its point of YEAR."""
    plan = get_plan(request, slug)
    campaign = get_object_or_404(plan.campaigns, year=year)
    actions = (
        Action.objects.filter(plan=plan)
        .with_review(year)
        .select_related("pilot_direction")
        .order_by("code_key")
    )
    board = CampaignActionFilter(request.GET, queryset=actions, plan=plan)
    pagination = paginate(request, filtered(board), CAMPAIGN_PAGE)
    name_pilots(pagination["page"], plan)
    can_name = can_edit(request.user) and writable(request.user, plan)
    # A closed plan's campaign is still managed while it runs (access.check_plan).
    can_manage = can_manage_campaigns(request.user) and (
        writable(request.user, plan) or campaign.is_open()
    )
    context = {
        "plan": plan,
        "campaign": campaign,
        "filter": board,
        **pagination,
        "completion": campaigns.completion(plan, year),
        "can_manage": can_manage,
        "can_name": can_name,
        "can_review": can_review(request.user)
        and (writable(request.user, plan) or campaign.is_open()),
        # The team's: the actions nobody is reminded of, to name their pilots.
        "unpiloted": (
            list(pilots.unpiloted(plan, year).only("code", "title"))
            if can_manage or can_name
            else []
        ),
        "candidates": list(pilots.candidates()) if can_name else [],
        "waiting": WAITING,
    }
    return render(request, "actions/campaign_detail.html", context)


def name_pilots(actions, plan):
    """Give each of ACTIONS, a page of PLAN's, "pilot_names": its pilots' names (full name,
    else user name, as User.get_full_name() and get_username() give them) in French order,
    read in one query of the names alone; and PLAN, which its links name."""
    names = defaultdict(list)
    nominations = (
        Action.pilots.through.objects.filter(action__in=[a.pk for a in actions])
        .order_by(*PILOT_ORDER)
        .values_list("action_id", "user__first_name", "user__last_name", "user__username")
    )
    for action_id, first_name, last_name, username in nominations:
        names[action_id].append(f"{first_name} {last_name}".strip() or username)
    for action in actions:
        action.plan = plan
        action.pilot_names = names[action.pk]


@require_POST
def campaign_remind(request, slug, year, code):
    """« Relancer »: one reminder to the pilots of one action, now."""
    plan = get_plan(request, slug, perm=MANAGE, year=year)
    campaign = get_object_or_404(plan.campaigns, year=year)
    action = get_object_or_404(Action, plan=plan, code=code)
    outcome = reminders.remind_action(campaign, action)
    if outcome.sent:
        messages.success(request, f"Relance envoyée à {outcome.sent_to} pour l'action {code}.")
    if outcome.unreachable:
        messages.warning(
            request, f"Sans adresse électronique, donc non relancé : {outcome.unreachable}."
        )
    if outcome.failed:
        messages.error(
            request, "Le serveur de courriel n'a pas accepté la relance : réessayez plus tard."
        )
    if not (outcome.sent or outcome.unreachable or outcome.failed):
        messages.warning(request, f"L'action {code} n'a pas de pilote nommé : personne à relancer.")
    return redirect(campaign.get_absolute_url())


@require_POST
def campaign_remind_all(request, slug, year):
    """« Relancer tous les pilotes en attente »: a job, whose page shows the e-mails sent."""
    plan = get_plan(request, slug, perm=MANAGE, year=year)
    campaign = get_object_or_404(plan.campaigns, year=year)
    if not campaign.is_open():
        messages.error(
            request, "La campagne n'est pas ouverte aux pilotes : personne n'est relancé."
        )
        return redirect(campaign.get_absolute_url())
    job = start_reminders(campaign, request.user)
    return redirect(job)


@require_safe
def my_actions(request):
    """The signed-in user's actions, the state of each in the open campaign of its plan (its
    earliest, should two be open). A page of them (a pilot of a whole axis has dozens), read
    with their campaign and state in one query, each row's links and labels made here."""
    campaigns_open = Campaign.objects.open().filter(plan=OuterRef("plan")).order_by("year")
    points = ProgressUpdate.objects.filter(action=OuterRef("pk"), year=OuterRef("campaign_year"))
    pagination = paginate(
        request,
        Action.objects.filter(pilots=request.user, plan__in=plans(request))
        .select_related("plan")
        .annotate(
            campaign_year=Subquery(campaigns_open.values("year")[:1]),
            campaign_due_on=Subquery(campaigns_open.values("due_on")[:1]),
        )
        .annotate(review=Subquery(points.order_by().values("review")[:1]))
        .order_by("plan", "code_key"),
        MY_ACTIONS_PAGE,
    )
    rows = []
    for action in pagination["page"]:
        campaign = (
            {"year": action.campaign_year, "due_on": action.campaign_due_on}
            if action.campaign_year
            else None
        )
        editable = campaign is not None and action.review in campaigns.PILOT_EDITABLE
        rows.append(
            {
                "action": action,
                "url": action.get_absolute_url(),
                "campaign": campaign,
                "review": action.review,
                "state": action.review or TO_ENTER,
                "label": REVIEW_LABELS[action.review or TO_ENTER],
                "entry_url": (
                    action.url("actions:progress_edit", year=campaign["year"]) if editable else None
                ),
                "entry_label": ("Corriger" if action.review == Review.TO_REVISE else "Saisir"),
                "point_url": (
                    action.url("actions:point_review", year=campaign["year"])
                    if campaign and action.review
                    else None
                ),
            }
        )
    context = {
        "rows": rows,
        "decisions": (
            decisions.of_pilot(request.user, plans(request))
            if request.user.has_perm(READ_DECISIONS)
            else []
        ),
        **pagination,
    }
    return render(request, "actions/my_actions.html", context)


BULK_PAGE = 50


@require_http_methods(["GET", "POST"])
def bulk_entry(request, slug, year):
    """The ESS team sets the status and percentage of many actions for YEAR at once. Each row
    is saved on its own under its version check: a row someone changed meanwhile is shown in
    conflict, with the user's input kept, and the other rows are saved."""
    plan = get_plan(request, slug, perm=EDIT_PROGRESS, year=year)
    if year not in plan.years:
        raise Http404("Année hors du plan.")
    point = FilteredRelation("updates", condition=Q(updates__year=year))
    pagination = paginate(
        request,
        Action.objects.filter(plan=plan)
        .order_by("code_key")
        .annotate(
            point=point,
            point_version=F("point__version"),
            point_status=F("point__status"),
            point_progress=F("point__progress"),
        ),
        BULK_PAGE,
    )
    actions = {}
    for action in pagination["page"]:
        action.plan = plan  # its link: the plan is this page's, not read again per row
        actions[action.pk] = action
    initial = [bulk_initial(action) for action in actions.values()]
    formset = BulkPointFormSet(request.POST or None, initial=initial)
    select, conflicts = bulk_select(), {}
    if request.method == "GET":  # the page opened: its rows drawn without a form each
        rows = [
            BulkRow(index, year, actions[values["action"]], values, select=select)
            for index, values in enumerate(initial)
        ]
    else:
        stored = {}
        if formset.management_form.is_valid():
            saved = 0
            for form in formset.forms:
                if not form.is_valid() or not form.changed():
                    continue
                action = actions.get(form.cleaned_data["action"])
                if action is None:  # a row of another page or plan: not this page's to save
                    continue
                try:
                    stored[form.prefix] = campaigns.save_row(
                        action=action,
                        year=year,
                        version=form.cleaned_data["version"],
                        status=form.cleaned_data["status"],
                        progress=form.cleaned_data["progress"],
                        user=request.user,
                    )
                except campaigns.RowConflict as conflict:
                    conflicts[form.prefix] = stored[form.prefix] = conflict.stored
                else:
                    saved += 1
            invalid = sum(1 for form in formset.forms if form.errors)
            if saved:
                messages.success(
                    request, f"{count(saved, 'point enregistré', 'points enregistrés')}."
                )
            if not (invalid or conflicts):
                return redirect(request.get_full_path())
            formset = keep_input(formset, stored)
        rows = [
            BulkRow.of(
                index,
                year,
                form,
                actions.get(as_id(form["action"].value())),
                select=select,
                conflict=conflicts.get(form.prefix),
            )
            for index, form in enumerate(formset.forms)
        ]
    context = {
        "plan": plan,
        "year": year,
        "rows": rows,
        "invalid": formset.total_error_count(),
        "management_form": formset.management_form,
        **pagination,
    }
    return render(request, "actions/bulk_entry.html", context, status=409 if conflicts else 200)


def bulk_initial(action):
    """The row of ACTION as the page opens: its point of the year (annotated), if any."""
    status = action.point_status or ""
    return {
        "action": action.pk,
        "version": action.point_version,
        "shown_status": status,
        "shown_progress": action.point_progress,
        "status": status,
        "progress": action.point_progress,
    }


def keep_input(formset, stored):
    """The same rows with the user's input. A row saved, or in conflict, now carries the
    stored point's version and values (STORED: {prefix: point}): saving the page again
    changes nothing a saved row, and applies a conflicting row's input knowingly."""
    data = formset.data.copy()
    for prefix, point in stored.items():
        data[f"{prefix}-version"] = point.version if point else ""
        data[f"{prefix}-shown_status"] = point.status if point else ""
        data[f"{prefix}-shown_progress"] = point.progress if point else ""
    rebuilt = BulkPointFormSet(data, initial=formset.initial)
    for old, new in zip(formset.forms, rebuilt.forms):
        new._errors = old._errors
    return rebuilt
