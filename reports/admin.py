from django.contrib import admin

from .models import AnnualReport


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    """The archive is read-only here: reports are generated from the Rapports page."""

    list_display = [
        "kind",
        "year",
        "plan",
        "session",
        "generated_at",
        "generated_by",
        "page_count",
        "published",
    ]
    list_filter = ["kind", "published", "year", "plan"]
    list_select_related = ["plan", "session", "generated_by"]
    readonly_fields = [
        "kind",
        "plan",
        "session",
        "year",
        "generated_at",
        "generated_by",
        "file",
        "sha256",
        "size",
        "page_count",
        "published",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
