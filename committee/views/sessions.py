"""The comité de suivi's sessions: the list of a plan's, one session's page, creating and
changing one, its members and their attendance."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from actions.access import writable
from actions.models import Member, Session
from essplan.french import count
from essplan.roles import signed_in
from essplan.security import as_id
from essplan.versioning import ConcurrentEdit
from essplan.views import edit_versioned

from .. import access, agenda_edit, services
from ..forms import AttendanceForm, InviteForm, SessionForm


@require_safe
def committee_home(request):
    """The header's « Comité »: the sessions of the plan the dashboard shows first."""
    plan = access.current_plan(request)
    if plan is None:
        messages.info(request, "Aucun plan n'est encore consultable.")
        return redirect("actions:plan_list")
    return redirect("committee:sessions", slug=plan.slug)


@require_safe
def session_list(request, slug):
    plan, sessions = access.sessions(request, slug)
    today = timezone.localdate()
    rows = list(sessions.with_counts().order_by("date"))
    upcoming = [s for s in rows if s.state != Session.State.HELD and s.date >= today]
    context = {
        "plan": plan,
        "upcoming": upcoming,
        "past": [s for s in reversed(rows) if s not in upcoming],
        "can_prepare": access.can_prepare(request.user) and writable(request.user, plan),
    }
    return render(request, "committee/session_list.html", context)


@require_http_methods(["GET", "POST"])
def session_create(request, slug):
    plan = access.plan_to_prepare(request, slug)
    form = SessionForm(request.POST or None, instance=Session(plan=plan))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_session(
                plan=plan, by=signed_in(request), data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            invited = session.members.count()
            messages.success(
                request,
                f"La séance est créée ; {count(invited, 'membre invité', 'membres invités')} "
                "par défaut (comptes du comité de suivi, structures membres du comité).",
            )
            return redirect(session)
    return render(
        request, "committee/session_form.html", {"plan": plan, "session": None, "form": form}
    )


@require_safe
def session_detail(request, slug, pk):
    session = access.get_session(request, slug, pk)
    plan = session.plan
    members = list(session.members.select_related("user", "structure"))
    items = list(agenda_edit.kept(session))
    by_item = defaultdict(list)
    for decision in session.decisions.select_related("action__plan", "carrier", "done_by"):
        by_item[decision.item_id].append(decision)
    kept = {item.pk for item in items}
    for item in items:
        item.decision_list = by_item[item.pk]
    context = {
        "plan": plan,
        "session": session,
        "members": members,
        "attendance": attendance_summary(members),
        "items": items,
        # Decisions of no kept item (taken outside the agenda, or on an item since removed).
        "other_decisions": [d for key, rows in by_item.items() if key not in kept for d in rows],
        "can_prepare": access.can_prepare(request.user) and writable(request.user, plan),
    }
    return render(request, "committee/session_detail.html", context)


def attendance_summary(members):
    """[(label, number)] of the attendance states that MEMBERS hold, in the choices' order."""
    counts = defaultdict(int)
    for member in members:
        counts[member.attendance] += 1
    return [(label, counts[value]) for value, label in Member.Attendance.choices if counts[value]]


@require_http_methods(["GET", "POST"])
def session_edit(request, slug, pk):
    session = access.get_session(request, slug, pk, perm=access.PREPARE)
    return edit_versioned(
        request,
        SessionForm(request.POST or None, instance=session),
        template="committee/session_form.html",
        context={"plan": session.plan, "session": session},
        message=lambda saved: f"La séance du {saved.date:%d/%m/%Y} est enregistrée.",
        success_url=lambda saved: saved.get_absolute_url(),
        saver=services.update_session,
    )


@require_http_methods(["GET", "POST"])
def session_members(request, slug, pk):
    """Who is invited: an account or a structure added, a member removed (POST « retirer »)."""
    session = access.get_session(request, slug, pk, perm=access.PREPARE)
    if request.method == "POST" and "retirer" in request.POST:
        member_id = as_id(request.POST["retirer"])
        removed = member_id and services.remove(session=session, member_id=member_id)
        if not removed:
            raise Http404
        messages.success(
            request, f"« {services.member_name(removed)} » n'est plus invité à cette séance."
        )
        return redirect("committee:session_members", slug=slug, pk=pk)
    form = InviteForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        users, structures = form.invitees()
        added = services.invite(session=session, users=users, structures=structures)
        messages.success(request, f"{count(added, 'membre ajouté', 'membres ajoutés')}.")
        return redirect("committee:session_members", slug=slug, pk=pk)
    context = {
        "plan": session.plan,
        "session": session,
        "members": session.members.select_related("user", "structure"),
        "form": form,
    }
    return render(request, "committee/session_members.html", context)


@require_http_methods(["GET", "POST"])
def session_attendance(request, slug, pk):
    """The attendance of every member in one form: présent, excusé, représenté (by whom),
    absent."""
    session = access.get_session(request, slug, pk, perm=access.PREPARE)
    members = list(session.members.select_related("user", "structure"))
    form = AttendanceForm(request.POST or None, members=members)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.record_attendance(session=session, rows=form.presences())
        except ConcurrentEdit as exc:
            conflict = exc.changes
        else:
            messages.success(
                request,
                f"Présences enregistrées ({count(changed, 'membre modifié', 'membres modifiés')}).",
            )
            return redirect(session)
    context = {"plan": session.plan, "session": session, "form": form, "conflict": conflict}
    return render(
        request, "committee/session_attendance.html", context, status=409 if conflict else 200
    )
