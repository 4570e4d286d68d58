from django.contrib import admin
from django.db.models import Count

from essplan.admin import VersionedAdmin, VersionedTabularInline

from .models import (
    Action,
    Axis,
    BudgetLine,
    DeliberationBudgetRow,
    Direction,
    Event,
    Objective,
    Plan,
    ProgressUpdate,
)


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0
    fields = ["number", "title"]


class DeliberationBudgetRowInline(admin.TabularInline):
    """The deliberation's budget table, kept by an administrator from the deliberation."""

    model = DeliberationBudgetRow
    extra = 0
    fields = [
        "position",
        "kind",
        "label",
        "section",
        "measure",
        "action_codes",
        "stated",
        "comment",
    ]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "territory",
        "first_year",
        "last_year",
        "deliberation_reference",
        "state",
        "budget_envelope",
        "action_count",
    ]
    list_filter = ["state", "territory"]
    search_fields = ["title", "territory", "deliberation_reference"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AxisInline, DeliberationBudgetRowInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(action_count=Count("actions"))

    @admin.display(description="actions", ordering="action_count")
    def action_count(self, obj):
        return obj.action_count


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["code", "title"]


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan"]
    list_display_links = ["number", "title"]
    list_filter = ["plan"]
    search_fields = ["title"]
    list_select_related = ["plan"]
    inlines = [ObjectiveInline]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "axis", "plan"]
    list_display_links = ["code", "title"]
    list_filter = ["axis__plan", "axis"]
    search_fields = ["code", "title"]
    list_select_related = ["axis__plan"]
    ordering = ["axis__plan", "code_key"]

    @admin.display(description="plan", ordering="axis__plan__title")
    def plan(self, obj):
        return obj.axis.plan


class ProgressUpdateInline(VersionedTabularInline):
    model = ProgressUpdate
    extra = 0
    fields = ["year", "status", "progress", "date", "achievements"]


class BudgetLineInline(VersionedTabularInline):
    model = BudgetLine
    extra = 0
    fields = ["year", "section", "flow", "chapter", "label", "planned", "committed", "spent"]


@admin.register(Action)
class ActionAdmin(VersionedAdmin):
    inlines = [ProgressUpdateInline, BudgetLineInline]
    list_display = ["code", "title", "objective_code", "pilot_direction", "priority", "plan"]
    list_display_links = ["code", "title"]
    list_filter = ["plan", "objective__axis", "pilot_direction", "priority"]
    search_fields = ["code", "title", "description"]
    list_select_related = ["plan", "objective", "pilot_direction"]
    autocomplete_fields = ["objective"]
    filter_horizontal = ["associated_directions"]
    ordering = ["plan", "code_key"]
    fieldsets = [
        (None, {"fields": ["plan", "objective", "code", "title", "priority"]}),
        (
            "Fiche action",
            {
                "fields": [
                    "expected_impacts",
                    "description",
                    "target_publics",
                    "pilot_direction",
                    "associated_directions",
                    "partners_text",
                    "resources",
                    "location",
                ]
            },
        ),
        ("Calendrier", {"fields": ["planned_years", "start_date", "end_date"]}),
    ]

    @admin.display(description="objectif", ordering="objective__code_key")
    def objective_code(self, obj):
        return obj.objective.code


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "piloted_count"]
    search_fields = ["name", "short_name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(piloted_count=Count("piloted_actions"))

    @admin.display(description="actions pilotées", ordering="piloted_count")
    def piloted_count(self, obj):
        return obj.piloted_count


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(VersionedAdmin):
    list_display = ["action", "year", "status", "progress", "date", "author"]
    list_filter = ["action__plan", "year", "status"]
    search_fields = ["action__code", "action__title", "achievements"]
    list_select_related = ["action", "author"]
    raw_id_fields = ["action"]


@admin.register(BudgetLine)
class BudgetLineAdmin(VersionedAdmin):
    list_display = [
        "action",
        "year",
        "section",
        "flow",
        "chapter",
        "label",
        "planned",
        "committed",
        "spent",
    ]
    list_filter = ["action__plan", "year", "section", "flow", "chapter"]
    search_fields = ["action__code", "label", "co_funder"]
    list_select_related = ["action"]
    raw_id_fields = ["action"]


@admin.register(Event)
class EventAdmin(VersionedAdmin):
    list_display = ["date", "kind", "title", "place", "participants", "plan"]
    list_filter = ["plan", "kind"]
    search_fields = ["title", "place"]
    date_hierarchy = "date"
    list_select_related = ["plan"]
