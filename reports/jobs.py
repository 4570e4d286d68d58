"""The report jobs: generating an annual report, a plan's evaluation or a session's minutes in
a worker."""

from django.urls import reverse

from actions.models import Plan, Session
from jobs.runner import Refused, handler, start

from .models import Kind, minutes_title
from .services import MinutesRefused, generate_minutes, generate_report


def start_report(plan, year, kind, user):
    """Queue the generation of PLAN's report of KIND (and YEAR): its job."""
    what = (
        f"Bilan du plan {plan.first_year}-{plan.last_year}"
        if kind == Kind.EVALUATION
        else f"Rapport annuel {year}"
    )
    return start(
        "report",
        label=f"{what} · {plan.title}",
        user=user,
        arguments={"plan": plan.pk, "year": year, "kind": kind},
    )


@handler("report")
def generate(job, progress):
    arguments = job.arguments
    plan = Plan.objects.get(pk=arguments["plan"])
    report = generate_report(
        plan, arguments["year"], user=job.created_by, kind=arguments["kind"], progress=progress
    )
    return {
        "message": f"{report.title} du « {plan.title} » : généré ({report.page_count} "
        "pages). Il est archivé sur la page Rapports, non publié.",
        "url": reverse("reports:report_list"),
    }


def start_minutes(session, user):
    """Queue the generation of SESSION's minutes: its job."""
    return start(
        "minutes",
        label=f"{minutes_title(session)} · {session.plan.title}",
        user=user,
        arguments={"session": session.pk},
    )


@handler("minutes")
def generate_session_minutes(job, progress):
    session = Session.objects.select_related("plan").get(pk=job.arguments["session"])
    try:
        report = generate_minutes(session, user=job.created_by, progress=progress)
    except MinutesRefused as refusal:
        raise Refused(str(refusal)) from refusal
    return {
        "message": f"{report.title} : généré ({report.page_count} pages). Il est archivé avec "
        "les versions précédentes, non publié.",
        "url": reverse("reports:minutes", kwargs={"slug": session.plan.slug, "pk": session.pk}),
    }
