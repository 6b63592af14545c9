from django.contrib import admin

from expect.core.admin_actions import RefuseForgedActions
from expect.core.admin_tools import export_csv, export_xlsx

from .models import Collectivity, Embassy, Language, Region, Sdg, Theme


@admin.register(Collectivity)
class CollectivityAdmin(RefuseForgedActions, admin.ModelAdmin):
    list_display = ["name", "kind", "siren", "rna", "insee_code", "department_code", "region"]
    list_filter = ["kind", "imported", "region"]
    list_select_related = ["region"]
    # Total as it is, so that Django adds no "-pk": the list reads collectivity_name_idx.
    ordering = ["name", "pk"]
    search_fields = ["name", "search_name", "siren", "rna", "insee_code"]
    filter_horizontal = ["languages"]
    readonly_fields = ["imported", "created_at", "updated_at"]
    show_full_result_count = False
    actions = [export_csv, export_xlsx]
    export_fields = [
        "name",
        "kind",
        "legal_form",
        "siren",
        "rna",
        "insee_code",
        "department_code",
        "region",
        "population",
        "email",
        "phone",
    ]

    def get_readonly_fields(self, request, obj=None):
        # Names and identifiers of the official list are corrected by a new import only.
        if obj is not None and obj.imported:
            return [*self.readonly_fields, "name", "kind", "siren", "insee_code"]
        return self.readonly_fields


@admin.register(Embassy)
class EmbassyAdmin(RefuseForgedActions, admin.ModelAdmin):
    list_display = ["name", "city", "email"]
    search_fields = ["name", "city"]
    actions = [export_csv, export_xlsx]
    export_fields = ["name", "countries", "city", "email", "phone", "address"]


@admin.register(Theme)
class ThemeAdmin(RefuseForgedActions, admin.ModelAdmin):
    list_display = ["name", "name_en", "is_active", "position"]
    list_editable = ["is_active", "position"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sdgs", "desk"]
    search_fields = ["name", "name_en"]


@admin.register(Sdg)
class SdgAdmin(RefuseForgedActions, admin.ModelAdmin):
    list_display = ["number", "name", "name_en"]


@admin.register(Region)
class RegionAdmin(RefuseForgedActions, admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name"]


@admin.register(Language)
class LanguageAdmin(RefuseForgedActions, admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["name", "name_en", "code"]
