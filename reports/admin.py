"""The DAECT back office for mission reports: evaluate, send back, accept, publish."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from expect.core.admin_actions import ObjectActionsMixin, workflow_permission
from expect.core.admin_desk import AssignedFilter, assign_actions
from expect.core.admin_history import ArchiveAdmin
from expect.core.admin_mixins import ReferenceSearchMixin, TimelineMixin
from expect.core.admin_scan import antivirus
from expect.core.admin_tools import action_with_reason, export_csv, export_xlsx, run_transition
from missions.models import Mission

from . import services
from .admin_actions import REPORT_ACTIONS
from .forms import AcceptForm
from .models import EmbassyComment, MissionReport, ReportAnnex

CONTENT_FIELDS = MissionReport.CONTENT_FIELDS


class DeadlineFilter(admin.SimpleListFilter):
    """Where the report stands against its due date (the QuerySet's `due` and `overdue`)."""

    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("due", _("Due (not handed in)")),
            ("overdue", _("Overdue")),
            ("handed_in", _("Handed in")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "due":
            return queryset.due(today)
        if self.value() == "overdue":
            return queryset.overdue(today)
        if self.value() == "handed_in":
            return queryset.exclude(state__in=MissionReport.OPEN_STATES)
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    related = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.related)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AnnexInline(ReadOnlyInline):
    model = ReportAnnex
    fields = ["download", antivirus, "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    related = ("uploaded_by", "report")

    @admin.display(description=_("file"))
    def download(self, obj: ReportAnnex) -> str:
        # Served by the portal's view, which checks permissions: never a public media URL.
        url = reverse("reports:report_annex", args=[obj.report.mission_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class CommentInline(ReadOnlyInline):
    model = EmbassyComment
    fields = ["at", "author", "text"]
    readonly_fields = fields
    related = ("author",)


def _request_revision(report: MissionReport, request: HttpRequest, reason: str):
    return services.report_request_revision(report=report, by=request.user, reason=reason)


def _unpublish(report: MissionReport, request: HttpRequest, reason: str):
    return services.report_unpublish(report=report, by=request.user, reason=reason)


@admin.register(MissionReport)
class MissionReportAdmin(ReferenceSearchMixin, TimelineMixin, ObjectActionsMixin, ArchiveAdmin):
    object_actions = REPORT_ACTIONS
    reference_lookup = "mission__reference"
    reference_model = Mission
    list_display = [
        "mission_reference",
        "collectivity",
        "country",
        "theme",
        "due_on",
        "state",
        "is_late",
        "rating",
        "is_published",
        "assigned_to",
    ]
    list_filter = [
        AssignedFilter,
        "state",
        DeadlineFilter,
        "is_late",
        "is_published",
        "rating",
        ("mission__request__theme", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["mission__collectivity", "mission__request__theme", "assigned_to"]
    # No COUNT(*) over the whole table under the filtered count: the list reads a page.
    show_full_result_count = False
    search_fields = [
        "mission__reference",
        "mission__collectivity__name",
        "mission__collectivity__siren",
        "mission__request__partner_name",
        "summary",
        "results",
    ]
    date_hierarchy = "submitted_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "mission",
                    "state",
                    "due_on",
                    "submitted_at",
                    "submitted_by",
                    "assigned_to",
                ]
            },
        ),
        (_("Content"), {"fields": [*CONTENT_FIELDS, "report_file", antivirus]}),
        (_("Evaluation"), {"fields": ["is_late", "rating", "evaluation", "evaluated_at"]}),
        (_("Library"), {"fields": ["is_published", "publish_file", "published_at"]}),
        (_("Timeline"), {"fields": ["timeline"]}),
    ]
    # Every change goes through the workflow actions, which check and record it.
    readonly_fields = [
        "assigned_to",
        "mission",
        "state",
        "due_on",
        "submitted_at",
        "submitted_by",
        *CONTENT_FIELDS,
        "report_file",
        antivirus,
        "is_late",
        "rating",
        "evaluation",
        "evaluated_at",
        "is_published",
        "publish_file",
        "published_at",
        "timeline",
    ]
    inlines = [AnnexInline, CommentInline]
    export_fields = [
        "mission__reference",
        "mission",
        "mission__collectivity",
        "mission__request__country",
        "mission__request__theme",
        "mission__report_due_on",
        "state",
        "submitted_at",
        "is_late",
        "rating",
        "evaluation",
        "is_published",
        "published_at",
        "assigned_to",
    ]
    actions = [
        *assign_actions(lambda obj, by, to: services.report_assign(report=obj, by=by, to=to)),
        action_with_reason(
            "request_revision",
            _("Request a revision"),
            _request_revision,
            permissions=["evaluate_report"],
        ),
        "accept",
        "publish",
        "publish_with_file",
        action_with_reason(
            "unpublish",
            _("Withdraw from the library"),
            _unpublish,
            required=False,
            permissions=["publish_report"],
        ),
        export_csv,
        export_xlsx,
    ]

    @admin.display(description=_("reference"), ordering="mission__reference")
    def mission_reference(self, obj: MissionReport) -> str:
        return obj.mission.reference

    @admin.display(description=_("collectivity"), ordering="mission__collectivity__name")
    def collectivity(self, obj: MissionReport):
        return obj.mission.collectivity

    @admin.display(description=_("country"), ordering="mission__request__country")
    def country(self, obj: MissionReport) -> str:
        return obj.mission.request.country.name

    @admin.display(description=_("theme"), ordering="mission__request__theme__name")
    def theme(self, obj: MissionReport):
        return obj.mission.request.theme

    @admin.display(description=_("due on"), ordering="mission__report_due_on")
    def due_on(self, obj: MissionReport):
        return obj.due_on

    @admin.display(description=_("report (PDF)"))
    def report_file(self, obj: MissionReport) -> str:
        if not obj.file:
            return "—"
        url = reverse("reports:report_file", args=[obj.mission_id])
        return format_html('<a href="{}">{}</a>', url, obj.file_name or _("Download"))

    has_evaluate_report_permission = workflow_permission("evaluate_report")
    has_publish_report_permission = workflow_permission("publish_report")

    @admin.action(description=_("Accept with a rating"), permissions=["evaluate_report"])
    def accept(self, request: HttpRequest, queryset):
        """Ask for the rating and the evaluation on an intermediate page, then accept."""
        form = AcceptForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            rating, evaluation = form.cleaned_data["rating"], form.cleaned_data["evaluation"]
            run_transition(
                request,
                queryset,
                lambda report: services.report_accept(
                    report=report, by=request.user, rating=rating, evaluation=evaluation
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Accept with a rating"),
            "form": form,
            "queryset": queryset,
            "action_name": "accept",
            "select_across": request.POST.get("select_across", "0"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "reports/admin/accept.html", context)

    @admin.action(
        description=_("Publish in the library (without the file)"), permissions=["publish_report"]
    )
    def publish(self, request: HttpRequest, queryset):
        run_transition(
            request,
            queryset,
            lambda report: services.report_publish(report=report, by=request.user),
        )

    @admin.action(
        description=_("Publish in the library with the report file"),
        permissions=["publish_report"],
    )
    def publish_with_file(self, request: HttpRequest, queryset):
        run_transition(
            request,
            queryset,
            lambda report: services.report_publish(report=report, by=request.user, with_file=True),
        )

    def has_add_permission(self, request):
        return False  # a report is started by the experts on the portal

    def has_delete_permission(self, request, obj=None):
        return False  # a report is part of the mission's record

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Nothing is saved from this page: the actions of the list make every change.
        extra_context = {**(extra_context or {}), "show_save": False}
        extra_context["show_save_and_continue"] = False
        return super().change_view(request, object_id, form_url, extra_context)
