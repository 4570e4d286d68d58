"""The report jobs: generating an annual report or a plan's evaluation in a worker."""

from django.urls import reverse

from actions.models import Plan
from jobs.runner import handler, start

from .models import Kind
from .services import generate_report


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
