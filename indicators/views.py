from django.http import Http404
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from essplan import history
from essplan.exports import FORMATS, requested_export
from essplan.views import edit_versioned, import_check, import_confirm

from .access import EDIT, ENTER, can_edit, can_enter, get_indicator, plan_indicators
from .charts import trend_chart
from .computations import computed_values, fictitious_count, missing_value, rows_for
from .forms import IndicatorForm, MeasurementForm
from .models import Indicator, Measurement, attainment
from .resources import MeasurementResource
from .services import save_indicator

STAGING = "indicators"
IMPORT_TEMPLATE = "indicators/measurement_import.html"


def indicator_rows(plan):
    indicators = sorted(
        plan.indicators.prefetch_related("targets", "measurements"),
        key=lambda indicator: indicator.sort_key,
    )
    return rows_for(plan, indicators)


@require_safe
def indicator_list(request, slug):
    plan = plan_indicators(request, slug)
    measurements = Measurement.objects.filter(indicator__plan=plan).select_related("indicator")
    if export := requested_export(
        request,
        lambda: MeasurementResource(plan),
        measurements,
        f"indicateurs-{plan.slug}",
        subject=f"Valeurs des indicateurs du plan « {plan.title} »",
    ):
        return export
    # Lazy: computed only when the page's cached table must be rendered again.
    context = {
        "plan": plan,
        "rows": SimpleLazyObject(lambda: indicator_rows(plan)),
        "can_edit": can_edit(request.user),
        "export_formats": FORMATS,
    }
    return render(request, "indicators/indicator_list.html", context)


@require_safe
def indicator_detail(request, slug, code):
    indicator = get_indicator(request, slug, code)
    plan = indicator.plan
    targets = {target.year: target.value for target in indicator.targets.all()}
    measurements = {m.year: m for m in indicator.measurements.select_related("author")}
    if indicator.is_computed:
        values = computed_values(plan, [indicator])[indicator.pk]
    else:
        values = {year: measurement.value for year, measurement in measurements.items()}
    years = list(plan.years)
    if indicator.baseline_year and indicator.baseline_year < plan.first_year:
        years.insert(0, indicator.baseline_year)
    baseline = (
        (indicator.baseline_year, indicator.baseline_value)
        if indicator.baseline_value is not None
        else None
    )
    chart_values = dict(values)
    if baseline and baseline[0] not in chart_values:
        chart_values[baseline[0]] = baseline[1]
    table = [
        {
            "year": year,
            "value": values.get(year),
            "target": targets.get(year),
            "measurement": measurements.get(year),
            "attainment": attainment(
                indicator.direction, values, {year: targets[year]} if year in targets else {}, year
            )[0],
            "in_plan": year in plan.years,
            "missing": missing_value(indicator, year),
        }
        for year in years
    ]
    context = {
        "indicator": indicator,
        "plan": plan,
        "table": table,
        "actions": indicator.actions.select_related("plan").order_by("code_key"),
        "chart": trend_chart(
            title=indicator.name,
            years=years,
            values=chart_values,
            targets=targets,
            baseline=baseline,
            baseline_assumed=bool(indicator.baseline_note),
            unit=indicator.unit_suffix,
            nonce=get_nonce(request),
        ),
        "can_edit": can_edit(request.user),
        "can_enter": can_enter(request.user),
        "fictitious": fictitious_count([indicator]) if values else 0,
    }
    return render(request, "indicators/indicator_detail.html", context)


@require_http_methods(["GET", "POST"])
def indicator_edit(request, slug, code=None):
    if code:
        indicator = get_indicator(request, slug, code, perm=EDIT)
        plan = indicator.plan
    else:
        plan = plan_indicators(request, slug, perm="indicators.add_indicator")
        indicator = Indicator(plan=plan)
    return edit_versioned(
        request,
        IndicatorForm(request.POST or None, instance=indicator, plan=plan),
        template="indicators/indicator_form.html",
        context={"plan": plan, "indicator": indicator if code else None},
        message=lambda saved: f"L'indicateur {saved.code} est enregistré.",
        success_url=lambda saved: saved.get_absolute_url(),
        saver=save_indicator,
    )


@require_http_methods(["GET", "POST"])
def measurement_edit(request, slug, code, year):
    indicator = get_indicator(request, slug, code, perm=ENTER)
    if year not in indicator.plan.years and year != indicator.baseline_year:
        raise Http404("Année hors du plan.")
    if indicator.is_computed:
        raise Http404("Les valeurs de cet indicateur sont calculées, pas saisies.")
    measurement = Measurement.objects.filter(indicator=indicator, year=year).first()
    form = MeasurementForm(
        request.POST or None, instance=measurement or Measurement(indicator=indicator, year=year)
    )
    return edit_versioned(
        request,
        form,
        template="indicators/measurement_form.html",
        context={
            "indicator": indicator,
            "plan": indicator.plan,
            "year": year,
            "creating": measurement is None,
        },
        message=lambda saved: f"La valeur {year} de l'indicateur {indicator.code} est enregistrée.",
        success_url=lambda saved: indicator.get_absolute_url(),
        author=request.user,
    )


@require_http_methods(["GET", "POST"])
def measurement_import(request, slug):
    plan = plan_indicators(request, slug, perm=ENTER)
    return import_check(
        request,
        MeasurementResource(plan),
        namespace=STAGING,
        template=IMPORT_TEMPLATE,
        context={"plan": plan},
    )


@require_POST
def measurement_import_confirm(request, slug):
    plan = plan_indicators(request, slug, perm=ENTER)
    return import_confirm(
        request,
        MeasurementResource(plan),
        namespace=STAGING,
        template=IMPORT_TEMPLATE,
        context={"plan": plan},
        retry_url=reverse("indicators:measurement_import", kwargs={"slug": slug}),
        done_url=reverse("indicators:indicator_list", kwargs={"slug": slug}),
        created=("valeur créée", "valeurs créées"),
    )


@require_safe
def indicator_history(request, slug, code):
    indicator = get_indicator(request, slug, code, perm=EDIT)
    # The history of the indicator and of its values (which reference it).
    context = {
        "indicator": indicator,
        "plan": indicator.plan,
        "entries": history.for_object(indicator),
    }
    return render(request, "indicators/indicator_history.html", context)
