from django.contrib import messages
from django.http import Http404
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actions import history
from actions.models import Plan
from essplan.exports import FORMATS, export_response
from essplan.forms import ImportForm
from essplan.imports import check_upload, import_staged
from essplan.roles import require
from essplan.versioning import save_or_conflict

from .charts import trend_chart
from .computations import computed_values, rows_for
from .forms import IndicatorForm, MeasurementForm
from .models import Indicator, Measurement, on_track
from .resources import MeasurementResource
from .services import save_indicator

VIEW = "indicators.view_indicator"
EDIT = "indicators.change_indicator"
ENTER = "indicators.change_measurement"
STAGING = "indicators"



def get_plan(request, slug, perm=VIEW):
    require(request.user, perm)
    return get_object_or_404(Plan, slug=slug)


def get_indicator(request, slug, code, perm=VIEW):
    require(request.user, perm)
    return get_object_or_404(Indicator.objects.select_related("plan"), plan__slug=slug, code=code)


def indicator_rows(plan):
    indicators = sorted(plan.indicators.with_latest().prefetch_related("targets"),
                        key=lambda indicator: indicator.sort_key)
    return rows_for(plan, indicators)


@require_safe
def indicator_list(request, slug):
    plan = get_plan(request, slug)
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS:
            raise Http404("Format d'export inconnu.")
        measurements = Measurement.objects.filter(indicator__plan=plan).select_related("indicator")
        return export_response(MeasurementResource(plan), measurements, fmt,
                               f"indicateurs-{plan.slug}")
    # Lazy: computed only when the page's cached table must be rendered again.
    context = {"plan": plan, "rows": SimpleLazyObject(lambda: indicator_rows(plan)),
               "can_edit": request.user.has_perm(EDIT), "export_formats": FORMATS}
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
    baseline = ((indicator.baseline_year, indicator.baseline_value)
                if indicator.baseline_value is not None else None)
    chart_values = dict(values)
    if baseline and baseline[0] not in chart_values:
        chart_values[baseline[0]] = baseline[1]
    table = [{"year": year, "value": values.get(year), "target": targets.get(year),
              "measurement": measurements.get(year),
              "on_track": on_track(indicator.direction, values.get(year), targets.get(year)),
              "in_plan": year in plan.years}
             for year in years]
    context = {
        "indicator": indicator, "plan": plan, "table": table,
        "actions": indicator.actions.select_related("plan").order_by("code_key"),
        "chart": trend_chart(title=indicator.name, years=years, values=chart_values,
                             targets=targets, baseline=baseline, unit=indicator.unit_suffix,
                             nonce=get_nonce(request)),
        "can_edit": request.user.has_perm(EDIT), "can_enter": request.user.has_perm(ENTER),
    }
    return render(request, "indicators/indicator_detail.html", context)


@require_http_methods(["GET", "POST"])
def indicator_edit(request, slug, code=None):
    plan = get_plan(request, slug, EDIT)
    indicator = get_object_or_404(Indicator, plan=plan, code=code) if code else Indicator(plan=plan)
    form = IndicatorForm(request.POST or None, instance=indicator, plan=plan)
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = save_or_conflict(form, saver=save_indicator)
        if conflict is None:
            messages.success(request, f"L'indicateur {form.instance.code} est enregistré.")
            return redirect(form.instance)
    context = {"plan": plan, "form": form, "indicator": indicator if code else None,
               "conflict": conflict}
    return render(request, "indicators/indicator_form.html", context, status=409 if conflict else 200)


@require_http_methods(["GET", "POST"])
def measurement_edit(request, slug, code, year):
    indicator = get_indicator(request, slug, code, ENTER)
    if year not in indicator.plan.years and year != indicator.baseline_year:
        raise Http404("Année hors du plan.")
    if indicator.is_computed:
        raise Http404("Les valeurs de cet indicateur sont calculées, pas saisies.")
    measurement = (Measurement.objects.filter(indicator=indicator, year=year).first()
                   or Measurement(indicator=indicator, year=year))
    form = MeasurementForm(request.POST or None, instance=measurement)
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = save_or_conflict(form, author=request.user)
        if conflict is None:
            messages.success(request, f"La valeur {year} de l'indicateur {indicator.code} est enregistrée.")
            return redirect(indicator)
    context = {"indicator": indicator, "plan": indicator.plan, "form": form, "year": year,
               "creating": measurement.pk is None, "conflict": conflict}
    return render(request, "indicators/measurement_form.html", context,
                  status=409 if conflict else 200)


@require_http_methods(["GET", "POST"])
def measurement_import(request, slug):
    plan = get_plan(request, slug, ENTER)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"plan": plan, "form": form}
    if request.method == "POST" and form.is_valid():
        context.update(check_upload(form, MeasurementResource(plan), namespace=STAGING,
                                    user=request.user))
    return render(request, "indicators/measurement_import.html", context)


@require_POST
def measurement_import_confirm(request, slug):
    plan = get_plan(request, slug, ENTER)
    report = import_staged(request.POST.get("token"), MeasurementResource(plan), namespace=STAGING,
                           user=request.user)
    if report is None:
        messages.error(request, "Cet import a expiré ou a déjà été fait : chargez le fichier à nouveau.")
        return redirect("measurement_import", slug=plan.slug)
    if not report.ok:
        return render(request, "indicators/measurement_import.html",
                      {"plan": plan, "form": ImportForm(), "report": report})
    messages.success(request, f"Import terminé : {report.new} valeur(s) créée(s), "
                              f"{report.updated} mise(s) à jour.")
    return redirect("indicator_list", slug=plan.slug)


@require_safe
def indicator_history(request, slug, code):
    indicator = get_indicator(request, slug, code, EDIT)
    # The history of the indicator and of its values (which reference it).
    context = {"indicator": indicator, "plan": indicator.plan,
               "entries": history.for_object(indicator)}
    return render(request, "indicators/indicator_history.html", context)
