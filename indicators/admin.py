from django.contrib import admin

from essplan.admin import SafeExportMixin, VersionChecked, VersionedAdmin

from .models import Indicator, Measurement, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(VersionChecked, SafeExportMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "plan",
        "kind",
        "unit",
        "direction",
        "computation",
        "baseline_value",
        "baseline_year",
    ]
    list_filter = ["plan", "kind", "unit", "direction"]
    search_fields = ["code", "name"]
    list_select_related = ["plan"]
    filter_horizontal = ["objectives", "actions"]
    inlines = [TargetInline]


@admin.register(Measurement)
class MeasurementAdmin(VersionedAdmin):
    list_display = ["indicator", "year", "value", "source", "author"]
    list_filter = ["indicator__plan", "year"]
    search_fields = ["indicator__code", "indicator__name", "source"]
    list_select_related = ["indicator", "author"]
    raw_id_fields = ["indicator"]
