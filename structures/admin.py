from django.contrib import admin

from essplan.admin import SafeExportMixin, VersionChecked

from .models import Commune, LegalForm, NafCode, Structure
from .resources import StructureResource


@admin.register(Structure)
class StructureAdmin(VersionChecked, SafeExportMixin, admin.ModelAdmin):
    resource_classes = [StructureResource]
    list_display = ["name", "acronym", "siret", "family", "legal_form", "commune", "employees",
                    "committee_member", "archived"]
    list_filter = ["family", "archived", "committee_member", "is_scop", "is_scic", "esus_approved",
                   "siae_type", "legal_form"]
    search_fields = ["name", "acronym", "siret"]
    list_select_related = ["commune", "legal_form"]
    autocomplete_fields = ["commune", "naf", "legal_form"]
    show_full_result_count = False


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
