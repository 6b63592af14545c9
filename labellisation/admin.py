"""The DAECT back office for applications, committees and labels."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from expect.core.admin_tools import action_with_reason, export_csv, export_xlsx, run_transition

from . import services
from .models import (
    ApplicationEvent,
    Attachment,
    CommitteeSession,
    CooperationProject,
    Label,
    LabelApplication,
    ProposedExpert,
)


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "from_state", "to_state", "comment", "is_public"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ProjectInline(admin.TabularInline):
    model = CooperationProject
    extra = 0


class ExpertInline(admin.TabularInline):
    model = ProposedExpert
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["kind", "original_name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LabelApplication)
class LabelApplicationAdmin(admin.ModelAdmin):
    list_display = ["collectivity", "theme", "state", "committee", "submitted_at", "decided_at"]
    list_filter = ["state", "theme", "collectivity__kind", "collectivity__region", "committee"]
    list_select_related = ["collectivity", "theme", "committee"]
    search_fields = ["collectivity__name", "collectivity__siren", "theme__name", "expertise"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "state",
        "collectivity",
        "created_by",
        "created_at",
        "submitted_at",
        "decided_at",
        "committee",
        "accepted_late",
        "decision_reason",
    ]
    inlines = [ExpertInline, ProjectInline, AttachmentInline, EventInline]
    export_fields = [
        "collectivity",
        "collectivity__siren",
        "theme",
        "state",
        "committee",
        "submitted_at",
        "decided_at",
        "decision_reason",
    ]
    actions = [
        "start_review",
        action_with_reason(
            "request_info",
            _("Ask for more information"),
            lambda obj, request, reason: services.application_request_info(
                application=obj, by=request.user, comment=reason
            ),
        ),
        action_with_reason(
            "grant",
            _("Grant the label"),
            lambda obj, request, reason: services.application_grant(
                application=obj, by=request.user, reason=reason
            ),
            required=False,
        ),
        action_with_reason(
            "refuse",
            _("Refuse the application"),
            lambda obj, request, reason: services.application_refuse(
                application=obj, by=request.user, reason=reason
            ),
        ),
        export_csv,
        export_xlsx,
    ]

    @admin.action(description=_("Start the review"))
    def start_review(self, request, queryset):
        run_transition(
            request,
            queryset,
            lambda obj: services.application_start_review(application=obj, by=request.user),
        )

    def has_add_permission(self, request):
        return False  # applications are filed by collectivities on the portal


@admin.register(CommitteeSession)
class CommitteeSessionAdmin(admin.ModelAdmin):
    list_display = ["date", "application_deadline", "place"]
    filter_horizontal = ["members"]
    date_hierarchy = "date"


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = [
        "collectivity",
        "theme",
        "state",
        "granted_on",
        "valid_until",
        "verification_code",
    ]
    list_filter = ["state", "theme", "collectivity__kind", "collectivity__region"]
    list_select_related = ["collectivity", "theme"]
    search_fields = ["collectivity__name", "collectivity__siren", "verification_code"]
    readonly_fields = [
        "collectivity",
        "theme",
        "application",
        "state",
        "granted_on",
        "valid_until",
        "verification_code",
        "state_reason",
    ]
    export_fields = [
        "collectivity",
        "collectivity__siren",
        "theme",
        "state",
        "granted_on",
        "valid_until",
        "verification_code",
    ]
    actions = [
        action_with_reason(
            "suspend",
            _("Suspend the label"),
            lambda obj, request, reason: services.label_suspend(
                label=obj, by=request.user, reason=reason
            ),
        ),
        action_with_reason(
            "reinstate",
            _("Lift the suspension"),
            lambda obj, request, reason: services.label_reinstate(
                label=obj, by=request.user, reason=reason
            ),
            required=False,
        ),
        action_with_reason(
            "revoke",
            _("Revoke the label"),
            lambda obj, request, reason: services.label_revoke(
                label=obj, by=request.user, reason=reason
            ),
        ),
        export_csv,
        export_xlsx,
    ]

    def has_add_permission(self, request):
        return False  # a label is only ever created by granting an application
