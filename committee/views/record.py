"""The relevé de décisions of a session: the ESS team records, item by item, the summary of
the discussion and the decisions, then marks the session as held (which tells the carriers);
the comité reads the same page without its forms."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actions.models import AgendaItem, Decision, Session

from .. import agenda_edit, recording
from ..access import PREPARE, RECORD, can_prepare, get_session
from ..record_forms import DecisionForm, SummaryForm, choices

ADDED = "Décision enregistrée."
CHANGED = "Décision corrigée."
DELETED = "Décision supprimée."
SUMMARY_SAVED = "Synthèse enregistrée."
CLOSED = (
    "La séance est marquée comme tenue : les porteurs des décisions et les pilotes des "
    "actions concernées en sont prévenus par courriel."
)
ALREADY_CLOSED = "Cette séance était déjà marquée comme tenue : personne n'est prévenu deux fois."


def record_url(session: Session, anchor: str = "") -> str:
    url = reverse("committee:session_record", kwargs={"slug": session.plan.slug, "pk": session.pk})
    return f"{url}#{anchor}" if anchor else url


def decision_form(session, data=None, *, prefix, shared=None, **kwargs):
    held = session.state == Session.State.HELD
    return DecisionForm(data, session=session, held=held, prefix=prefix, **(shared or {}), **kwargs)


def record_page(request, session, *, bound=None, conflict=None, status=200):
    """The page; BOUND: {("summary" | "decision", item pk or None): form} to show instead
    of the blank ones (a form refused, kept with what was typed); CONFLICT: {"item": pk,
    "current": the stored summary}."""
    bound = bound or {}
    editable = can_prepare(request.user)
    held = session.state == Session.State.HELD
    items = list(agenda_edit.kept(session))
    decisions = list(session.decisions.select_related("action", "carrier").order_by("pk"))
    kept = {item.pk for item in items}
    by_item: dict[int, list[Decision]] = {}
    for decision in decisions:
        by_item.setdefault(decision.item_id, []).append(decision)
    shared = {}
    if editable and not held:
        probe = decision_form(session, prefix="probe")
        shared = {
            "action_choices": choices(probe.fields["action"]),
            "carrier_choices": choices(probe.fields["carrier"]),
        }
    rows = []
    for item in items:
        row = {"item": item, "decisions": by_item.get(item.pk, [])}
        if editable:
            row["summary_form"] = bound.get(("summary", item.pk)) or SummaryForm(
                prefix=f"s{item.pk}",
                initial={"summary": item.summary, "opened": recording.summary_fingerprint(item)},
            )
        if editable and not held:
            row["decision_form"] = bound.get(("decision", item.pk)) or decision_form(
                session, prefix=f"d{item.pk}", shared=shared, initial={"action": item.action_id}
            )
        rows.append(row)
    loose_form = None
    if editable and not held:
        loose_form = bound.get(("decision", None)) or decision_form(
            session, prefix="d", shared=shared
        )
    return render(
        request,
        "committee/session_record.html",
        {
            "session": session,
            "plan": session.plan,
            "rows": rows,
            "loose": [decision for decision in decisions if decision.item_id not in kept],
            "loose_form": loose_form,
            "editable": editable,
            "held": held,
            "close_refusal": recording.close_refusal(session) if editable and not held else None,
            "conflict": conflict,
            "conflict_message": recording.SUMMARY_CONFLICT,
        },
        status=status,
    )


@require_safe
def session_record(request, slug, pk):
    """The relevé de décisions: recorded by the team, read by the comité."""
    return record_page(request, get_session(request, slug, pk))


def get_item(session, item_id):
    return get_object_or_404(AgendaItem, pk=item_id, session=session, state=AgendaItem.State.KEPT)


@require_POST
def item_summary(request, slug, pk, item):
    """Save an item's summary, refused (409, the typed text kept) if someone saved it since
    the page was opened."""
    session = get_session(request, slug, pk, perm=PREPARE)
    item = get_item(session, item)
    prefix = f"s{item.pk}"
    form = SummaryForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return record_page(request, session, bound={("summary", item.pk): form})
    typed = form.cleaned_data["summary"]
    try:
        recording.save_summary(item.pk, opened=form.cleaned_data["opened"], summary=typed)
    except recording.Conflict as conflict:
        stored = conflict.current
        kept = SummaryForm(
            prefix=prefix,
            initial={"summary": typed, "opened": recording.summary_fingerprint(stored)},
        )
        return record_page(
            request,
            session,
            bound={("summary", item.pk): kept},
            conflict={"item": item.pk, "current": stored.summary},
            status=409,
        )
    messages.success(request, SUMMARY_SAVED)
    return redirect(record_url(session, f"point-{item.pk}"))


def posted_item(request, session):
    """The kept item a decision is added to (?point=pk), None for a decision of no item."""
    point = request.GET.get("point")
    if point is None:
        return None
    if not (point.isascii() and point.isdigit() and len(point) < 12):
        raise Http404
    return get_item(session, int(point))


def decision_values(form):
    data = dict(form.cleaned_data)
    data.pop("opened", None)
    return data


@require_POST
def decision_add(request, slug, pk):
    session = get_session(request, slug, pk, perm=RECORD)
    item = posted_item(request, session)
    key = item.pk if item else None
    form = decision_form(session, request.POST, prefix=f"d{key}" if item else "d")
    if session.state == Session.State.HELD:
        messages.error(request, recording.HELD_NO_DELETE)
        return redirect(record_url(session))
    if not form.is_valid():
        return record_page(request, session, bound={("decision", key): form})
    try:
        recording.add_decision(session.pk, item=item, **decision_values(form))
    except recording.RecordingRefused as refused:
        messages.error(request, refused.message)
        return redirect(record_url(session))
    messages.success(request, ADDED)
    return redirect(record_url(session, f"point-{item.pk}" if item else "autres-decisions"))


@require_http_methods(["GET", "POST"])
def decision_edit(request, slug, pk, decision):
    """Correct a decision: everything before the session is held, its text and due date
    after. Refused (409, the typed values kept) if someone changed it since it was opened."""
    session = get_session(request, slug, pk, perm=RECORD)
    decision = get_object_or_404(
        Decision.objects.select_related("action", "carrier"), pk=decision, session=session
    )
    initial = {
        "text": decision.text,
        "action": decision.action_id,
        "carrier": decision.carrier_id,
        "carrier_name": decision.carrier_name,
        "due_on": decision.due_on,
        "opened": recording.decision_fingerprint(decision),
    }
    form = decision_form(session, request.POST or None, prefix="", initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            recording.change_decision(
                decision.pk, opened=form.cleaned_data["opened"], **decision_values(form)
            )
        except recording.RecordingRefused as refused:
            messages.error(request, refused.message)
            return redirect(record_url(session))
        except recording.Conflict as stored:
            conflict = stored.current
            typed = {**decision_values(form), "opened": recording.decision_fingerprint(conflict)}
            for name in ("action", "carrier"):
                typed[name] = getattr(typed[name], "pk", None)
            form = decision_form(session, prefix="", initial=typed)
        else:
            messages.success(request, CHANGED)
            anchor = f"decision-{decision.pk}"
            return redirect(record_url(session, anchor))
    return render(
        request,
        "committee/decision_form.html",
        {
            "session": session,
            "plan": session.plan,
            "decision": decision,
            "form": form,
            "stored": conflict,
            "conflict_message": recording.DECISION_CONFLICT,
            "held": session.state == Session.State.HELD,
        },
        status=409 if conflict else 200,
    )


@require_POST
def decision_delete(request, slug, pk, decision):
    session = get_session(request, slug, pk, perm=RECORD)
    decision = get_object_or_404(Decision, pk=decision, session=session)
    try:
        recording.delete_decision(decision.pk)
    except recording.RecordingRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, DELETED)
    return redirect(record_url(session))


@require_POST
def session_close(request, slug, pk):
    """« Séance tenue »: once; a second time changes nothing and tells nobody again."""
    session = get_session(request, slug, pk, perm=PREPARE)
    try:
        closed = recording.close_session(session.pk)
    except recording.RecordingRefused as refused:
        messages.error(request, refused.message)
    else:
        if closed:
            messages.success(request, CLOSED)
        else:
            messages.info(request, ALREADY_CLOSED)
    return redirect(record_url(session))
