"""The DAECT back office for needs, proposals and missions.

Needs and proposals are read here and moved by the actions, which call the services;
only a mission's dates, place and budget are typed in the admin.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from expect.core.admin_actions import ObjectActionsMixin, workflow_permission
from expect.core.admin_desk import AssignedFilter, OverdueFilter, assign_actions
from expect.core.admin_history import ArchiveAdmin, HistoryAdmin
from expect.core.admin_mixins import ReferenceSearchMixin, TimelineMixin
from expect.core.admin_scan import antivirus
from expect.core.admin_tools import action_with_reason, export_csv, export_xlsx, run_transition

from . import services
from .admin_actions import MISSION_ACTIONS, NEED_ACTIONS, PROPOSAL_ACTIONS
from .models import (
    BudgetLine,
    Mission,
    MissionProposal,
    MissionRequest,
    RequestAttachment,
)


class ReadOnlyInline(admin.TabularInline):
    """Rows written by the portal or the services: shown, never typed here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AttachmentInline(ReadOnlyInline):
    model = RequestAttachment
    fields = ["download", antivirus, "size", "uploaded_by", "uploaded_at"]

    @admin.display(description=_("file"))
    def download(self, obj: RequestAttachment) -> str:
        # Served by the portal's view, which checks permissions: never a public media URL.
        url = reverse("missions:request_attachment", args=[obj.request_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


class ProposalInline(ReadOnlyInline):
    model = MissionProposal
    fields = [
        "collectivity",
        "state",
        "response_deadline",
        "proposed_at",
        "answered_at",
        "answer_reason",
    ]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("collectivity")


@admin.register(MissionRequest)
class MissionRequestAdmin(ReferenceSearchMixin, TimelineMixin, ObjectActionsMixin, ArchiveAdmin):
    object_actions = NEED_ACTIONS
    list_display = [
        "reference",
        "partner_name",
        "country",
        "embassy",
        "theme",
        "urgency",
        "state",
        "assigned_to",
        "submitted_at",
    ]
    list_filter = [
        AssignedFilter,
        "state",
        OverdueFilter,
        "theme",
        "urgency",
        ("country", CountryFilter),
        "embassy",
    ]
    list_select_related = ["embassy", "theme", "assigned_to"]
    # No COUNT(*) over the whole table under the filtered count: the list reads a page.
    show_full_result_count = False
    # Selects of every account or embassy would weigh megabytes: searched instead.
    autocomplete_fields = ["embassy", "created_by", "assigned_to"]
    search_fields = ["reference", "partner_name", "partner_place", "description", "embassy__name"]
    date_hierarchy = "submitted_at"
    fieldsets = [
        (None, {"fields": ["reference", "state", "mission_link", "decision_reason"]}),
        (
            _("Partner"),
            {"fields": ["embassy", "country", "partner_name", "partner_kind", "partner_place"]},
        ),
        (
            _("Need"),
            {
                "fields": [
                    "theme",
                    "description",
                    "expected_results",
                    "period_start",
                    "period_end",
                    "duration_days",
                    "working_language",
                    "urgency",
                ]
            },
        ),
        (None, {"fields": ["created_by", "created_at", "submitted_at", "assigned_to"]}),
        (_("Timeline"), {"fields": ["timeline"]}),
    ]
    readonly_fields = ["reference", "mission_link", "timeline"]
    inlines = [AttachmentInline, ProposalInline]
    export_fields = [
        "reference",
        "partner_name",
        "partner_kind",
        "partner_place",
        "country",
        "embassy",
        "theme",
        "urgency",
        "state",
        "period_start",
        "period_end",
        "duration_days",
        "submitted_at",
        "decision_reason",
        "assigned_to",
    ]
    actions = [
        *assign_actions(lambda obj, by, to: services.request_assign(need=obj, by=by, to=to)),
        "qualify",
        action_with_reason(
            "send_back",
            _("Send back for more information"),
            lambda obj, request, reason: services.request_send_back(
                need=obj, by=request.user, reason=reason
            ),
            permissions=["send_back_need"],
        ),
        action_with_reason(
            "decline",
            _("Decline the need"),
            lambda obj, request, reason: services.request_decline(
                need=obj, by=request.user, reason=reason
            ),
            permissions=["decline_need"],
        ),
        export_csv,
        export_xlsx,
    ]

    @admin.display(description=_("mission"))
    def mission_link(self, obj: MissionRequest) -> str:
        mission = getattr(obj, "mission", None)
        if mission is None:
            return "—"
        url = reverse("admin:missions_mission_change", args=[mission.pk])
        return format_html('<a href="{}">{}</a>', url, mission)

    has_qualify_need_permission = workflow_permission("qualify_need")
    has_send_back_need_permission = workflow_permission("send_back_need")
    has_decline_need_permission = workflow_permission("decline_need")
    has_propose_need_permission = workflow_permission("propose_need")

    @admin.action(description=_("Qualify the need"), permissions=["qualify_need"])
    def qualify(self, request, queryset):
        run_transition(
            request, queryset, lambda obj: services.request_qualify(need=obj, by=request.user)
        )

    def has_add_permission(self, request):
        return False  # embassies submit needs on the portal

    def has_change_permission(self, request, obj=None):
        # The need is the embassy's text: DAECT reads it and moves it with the actions.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MissionProposal)
class MissionProposalAdmin(ReferenceSearchMixin, TimelineMixin, ObjectActionsMixin, HistoryAdmin):
    object_actions = PROPOSAL_ACTIONS
    reference_lookup = "request__reference"
    reference_model = MissionRequest
    list_display = [
        "request",
        "collectivity",
        "state",
        "response_deadline",
        "proposed_at",
        "answered_at",
    ]
    list_filter = ["state", "collectivity__kind", "request__theme"]
    list_select_related = ["request__theme", "collectivity"]
    # No COUNT(*) over the whole table under the filtered count: the list reads a page.
    show_full_result_count = False
    autocomplete_fields = ["request", "collectivity", "proposed_by", "answered_by", "experts"]
    search_fields = [
        "request__reference",
        "collectivity__name",
        "collectivity__siren",
        "request__partner_name",
    ]
    fields = [
        "request",
        "collectivity",
        "state",
        "response_deadline",
        "message",
        "proposed_by",
        "proposed_at",
        "answered_by",
        "answered_at",
        "answer_reason",
        "experts",
        "timeline",
    ]
    readonly_fields = ["timeline"]
    export_fields = [
        "request__reference",
        "request",
        "collectivity",
        "collectivity__siren",
        "state",
        "response_deadline",
        "proposed_at",
        "answered_at",
        "answer_reason",
    ]
    actions = ["confirm", export_csv, export_xlsx]

    has_confirm_proposal_permission = workflow_permission("confirm_proposal")

    @admin.action(
        description=_("Confirm: turn the need into a mission"), permissions=["confirm_proposal"]
    )
    def confirm(self, request, queryset):
        run_transition(
            request,
            queryset,
            lambda obj: services.proposal_confirm(proposal=obj, by=request.user),
        )

    def has_add_permission(self, request):
        return False  # proposals are made from the matching page

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


from .admin_feedback import FollowUpInline, PartnerFeedbackInline  # noqa: E402
from .forms_missions import MissionDatesForm  # noqa: E402

# The dates form lives with the other forms: it checks what `services.mission_plan` checks.
MissionForm = MissionDatesForm


class BudgetLineInline(admin.TabularInline):
    """The budget is planned with the dates: under the same right, before the team leaves."""

    model = BudgetLine
    extra = 1
    fields = ["category", "label", "amount"]

    def _may_plan(self, request, obj) -> bool:
        return request.user.has_perm("missions.plan_mission") and (
            obj is None or obj.state in (Mission.State.PLANNED, Mission.State.CONFIRMED)
        )

    def has_add_permission(self, request, obj=None):
        return self._may_plan(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_plan(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_plan(request, obj) and super().has_delete_permission(request, obj)


class ReportDeadlineFilter(admin.SimpleListFilter):
    """Where the mission's report stands against its due date (`Mission.objects.report_due`
    and `report_overdue`, the definitions the dashboards and the digest count with)."""

    title = _("report")
    parameter_name = "report"

    def lookups(self, request, model_admin):
        return [("due", _("Awaited")), ("overdue", _("Overdue"))]

    def queryset(self, request, queryset):
        today = localdate()
        if self.value() == "due":
            return queryset.report_due(today)
        if self.value() == "overdue":
            return queryset.report_overdue(today)
        return queryset


@admin.register(Mission)
class MissionAdmin(ReferenceSearchMixin, TimelineMixin, ObjectActionsMixin, ArchiveAdmin):
    object_actions = MISSION_ACTIONS
    form = MissionForm
    list_display = [
        "reference",
        "collectivity",
        "country",
        "theme",
        "departure_date",
        "return_date",
        "state",
        "report_due_on",
        "assigned_to",
        "sheet",
    ]
    list_filter = [
        AssignedFilter,
        "state",
        OverdueFilter,
        ReportDeadlineFilter,
        "request__theme",
        ("request__country", CountryFilter),
    ]
    list_select_related = ["collectivity", "request__theme", "assigned_to"]
    # No COUNT(*) over the whole table under the filtered count: the list reads a page.
    show_full_result_count = False
    search_fields = ["reference", "collectivity__name", "request__partner_name", "place"]
    date_hierarchy = "departure_date"
    fieldsets = [
        (
            None,
            {"fields": ["reference", "request", "collectivity", "state", "cancel_reason", "sheet"]},
        ),
        (
            _("Dates and place"),
            {
                "fields": [
                    "departure_date",
                    "return_date",
                    "place",
                    "outside_period_confirmed",
                    "outside_period_reason",
                ]
            },
        ),
        (None, {"fields": ["report_due_on", "assigned_to", "team", "total"]}),
        (_("Timeline"), {"fields": ["timeline"]}),
    ]
    readonly_fields = [
        "reference",
        "assigned_to",
        "request",
        "collectivity",
        "state",
        "cancel_reason",
        "sheet",
        "report_due_on",
        "team",
        "total",
        "timeline",
    ]
    inlines = [BudgetLineInline, PartnerFeedbackInline, FollowUpInline]
    export_fields = [
        "reference",
        "collectivity",
        "request",
        "state",
        "place",
        "departure_date",
        "return_date",
        "report_due_on",
        "cancel_reason",
        "assigned_to",
    ]
    actions = [
        *assign_actions(lambda obj, by, to: services.mission_assign(mission=obj, by=by, to=to)),
        "confirm",
        "start",
        "mark_returned",
        action_with_reason(
            "cancel",
            _("Cancel the mission"),
            lambda obj, request, reason: services.mission_cancel(
                mission=obj, by=request.user, reason=reason
            ),
            permissions=["cancel_mission"],
        ),
        export_csv,
        export_xlsx,
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        started = obj is not None and obj.state not in (
            Mission.State.PLANNED,
            Mission.State.CONFIRMED,
        )
        if started or not self.has_plan_mission_permission(request):
            fields += ["departure_date", "return_date", "place"]  # the team has left
        return fields

    @admin.display(description=_("country"), ordering="request__country")
    def country(self, obj: Mission) -> str:
        return obj.request.country.name

    @admin.display(description=_("theme"), ordering="request__theme__name")
    def theme(self, obj: Mission) -> str:
        return str(obj.request.theme)

    @admin.display(description=_("mission sheet"))
    def sheet(self, obj: Mission) -> str:
        url = reverse("missions:mission_sheet", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("PDF"))

    @admin.display(description=_("team of experts"))
    def team(self, obj: Mission) -> str:
        experts = obj.experts.all()
        if not experts:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} — {} — {}</li>",
                ((e.get_full_name(), e.position or "—", e.email) for e in experts),
            ),
        )

    @admin.display(description=_("total budget (€)"))
    def total(self, obj: Mission) -> str:
        return number_format(obj.total_budget, 2, force_grouping=True)

    def save_model(self, request, obj, form, change):
        # The dates go through the service, which fixes the report deadline and checks
        # the state; the form refused what the service would refuse.
        if not {"departure_date", "return_date", "place"} & set(form.changed_data):
            return
        try:
            services.mission_plan(
                mission=obj,
                by=request.user,
                departure=form.cleaned_data["departure_date"],
                return_=form.cleaned_data["return_date"],
                place=form.cleaned_data["place"],
                outside_period_reason=form.cleaned_data.get("outside_period_reason", ""),
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))

    has_plan_mission_permission = workflow_permission("plan_mission")
    has_confirm_mission_permission = workflow_permission("confirm_mission")
    has_follow_mission_permission = workflow_permission("follow_mission")
    has_cancel_mission_permission = workflow_permission("cancel_mission")

    @admin.action(description=_("Confirm the mission"), permissions=["confirm_mission"])
    def confirm(self, request, queryset):
        run_transition(
            request, queryset, lambda obj: services.mission_confirm(mission=obj, by=request.user)
        )

    @admin.action(description=_("Mark as under way"), permissions=["follow_mission"])
    def start(self, request, queryset):
        run_transition(
            request, queryset, lambda obj: services.mission_start(mission=obj, by=request.user)
        )

    @admin.action(description=_("Mark as returned"), permissions=["follow_mission"])
    def mark_returned(self, request, queryset):
        run_transition(
            request,
            queryset,
            lambda obj: services.mission_mark_returned(mission=obj, by=request.user),
        )

    def has_add_permission(self, request):
        return False  # a mission is created by confirming a proposal

    def has_delete_permission(self, request, obj=None):
        return False
