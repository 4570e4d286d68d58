from django.contrib import admin

from essplan.admin import SafeExportMixin, VersionChecked

from .models import Commune, LegalForm, ListingRequest, NafCode, Structure
from .resources import StructureResource


@admin.register(Structure)
class StructureAdmin(VersionChecked, SafeExportMixin, admin.ModelAdmin):
    resource_classes = [StructureResource]
    list_display = [
        "name",
        "acronym",
        "siret",
        "family",
        "legal_form",
        "commune",
        "employees",
        "committee_member",
        "archived",
    ]
    list_filter = [
        "family",
        "archived",
        "committee_member",
        "is_scop",
        "is_scic",
        "esus_approved",
        "siae_type",
        "legal_form",
    ]
    search_fields = ["name", "acronym", "siret"]
    list_select_related = ["commune", "legal_form"]
    autocomplete_fields = ["commune", "naf", "legal_form"]
    show_full_result_count = False


@admin.register(ListingRequest)
class ListingRequestAdmin(admin.ModelAdmin):
    """Read and deleted here (spam); decided on the directory's « Demandes d'inscription »
    page, which publishes the structure with the decision."""

    list_display = ["name", "siret", "commune", "state", "created_at", "decided_by"]
    list_filter = ["state"]
    search_fields = ["name", "siret"]
    list_select_related = ["commune", "decided_by"]
    exclude = ["client_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "population", "small_town", "priority_district"]
    list_filter = ["small_town", "priority_district"]
    search_fields = ["name", "insee_code"]
    exclude = ["svg_path"]


@admin.register(LegalForm)
class LegalFormAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "family"]
    list_filter = ["family"]
    search_fields = ["code", "label"]


@admin.register(NafCode)
class NafCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "section_label"]
    list_filter = ["section_label"]
    search_fields = ["code", "label"]
