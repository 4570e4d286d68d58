"""The comité's decisions on an action's page: marking one carried out; the « À discuter »
flag raised by the team or a pilot, lowered by the team."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import decisions
from ..access import action_to_flag, decision_to_close
from ..decision_forms import DecisionCloseForm, FlagForm


def _back(action):
    return redirect(f"{action.get_absolute_url()}#decisions")


@require_http_methods(["GET", "POST"])
def decision_close(request, slug, code, pk):
    """« Marquer réalisée »: the note says what was done; a decision someone closed
    meanwhile is refused, saying who and when."""
    decision = decision_to_close(request, slug, code, pk)
    action = decision.action
    if decision.is_done:
        messages.error(request, decisions.AlreadyDone(decision).message)
        return _back(action)
    form = DecisionCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.close(decision, user=request.user, note=form.cleaned_data["note"])
        except decisions.AlreadyDone as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "La décision est déclarée réalisée.")
        return _back(action)
    context = {"action": action, "plan": action.plan, "decision": decision, "form": form}
    return render(request, "actions/decision_close.html", context)


@require_http_methods(["GET", "POST"])
def action_flag(request, slug, code):
    """« Proposer au comité (À discuter) », with the reason."""
    action = action_to_flag(request, slug, code)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.raise_flag(action, user=request.user, reason=form.cleaned_data["reason"])
        except decisions.AlreadyFlagged:
            messages.error(
                request,
                f"L'action {action.code} est déjà « À discuter » : rien n'a été enregistré "
                "de nouveau.",
            )
        else:
            messages.success(
                request,
                f"L'action {action.code} est proposée au comité de suivi (« À discuter »).",
            )
        return _back(action)
    return render(
        request, "actions/action_flag.html", {"action": action, "plan": action.plan, "form": form}
    )


@require_POST
def action_flag_lower(request, slug, code):
    """« Retirer »: the team takes the « À discuter » flag off."""
    action = action_to_flag(request, slug, code, lower=True)
    if decisions.lower_flag(action):
        messages.success(request, f"L'action {action.code} n'est plus « À discuter ».")
    else:
        messages.info(request, f"L'action {action.code} n'était pas « À discuter ».")
    return _back(action)
