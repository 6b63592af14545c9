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
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from expect.core.admin_history import ArchiveAdmin, HistoryAdmin
from expect.core.admin_tools import action_with_reason, export_csv, export_xlsx, run_transition

from . import services
from .models import (
    BudgetLine,
    Mission,
    MissionEvent,
    MissionProposal,
    MissionRequest,
    RequestAttachment,
)

SUBJECTS = {"request": _("need"), "proposal": _("proposal"), "mission": _("mission")}


def describe_change(event: MissionEvent) -> str:
    """“mission: Confirmed → Under way”, in the reader's language."""
    before, after = event.from_label or "—", event.to_label or "—"
    return f"{SUBJECTS.get(event.subject, event.subject)}: {before} → {after}"


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


class EventInline(ReadOnlyInline):
    model = MissionEvent
    fields = ["at", "actor", "change", "comment"]

    @admin.display(description=_("change"))
    def change(self, obj: MissionEvent) -> str:
        return describe_change(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class AttachmentInline(ReadOnlyInline):
    model = RequestAttachment
    fields = ["download", "size", "uploaded_by", "uploaded_at"]

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
class MissionRequestAdmin(ArchiveAdmin):
    list_display = [
        "partner_name",
        "country",
        "embassy",
        "theme",
        "urgency",
        "state",
        "submitted_at",
    ]
    list_filter = ["state", "theme", "urgency", ("country", CountryFilter), "embassy"]
    list_select_related = ["embassy", "theme"]
    search_fields = ["partner_name", "partner_place", "description", "embassy__name"]
    date_hierarchy = "submitted_at"
    fieldsets = [
        (None, {"fields": ["state", "matching", "mission_link", "decision_reason"]}),
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
        (None, {"fields": ["created_by", "created_at", "submitted_at"]}),
    ]
    readonly_fields = ["matching", "mission_link"]
    inlines = [AttachmentInline, ProposalInline, EventInline]
    export_fields = [
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
    ]
    actions = [
        "qualify",
        action_with_reason(
            "send_back",
            _("Send back for more information"),
            lambda obj, request, reason: services.request_send_back(
                need=obj, by=request.user, reason=reason
            ),
        ),
        action_with_reason(
            "decline",
            _("Decline the need"),
            lambda obj, request, reason: services.request_decline(
                need=obj, by=request.user, reason=reason
            ),
        ),
        export_csv,
        export_xlsx,
    ]

    @admin.display(description=_("matching"))
    def matching(self, obj: MissionRequest) -> str:
        if obj.state not in MissionRequest.PROPOSABLE_STATES:
            return "—"
        url = reverse("missions:request_matching", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Propose to labelled collectivities"))

    @admin.display(description=_("mission"))
    def mission_link(self, obj: MissionRequest) -> str:
        mission = getattr(obj, "mission", None)
        if mission is None:
            return "—"
        url = reverse("admin:missions_mission_change", args=[mission.pk])
        return format_html('<a href="{}">{}</a>', url, mission)

    @admin.action(description=_("Qualify the need"))
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
class MissionProposalAdmin(HistoryAdmin):
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
    search_fields = ["collectivity__name", "collectivity__siren", "request__partner_name"]
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
    ]
    export_fields = [
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

    @admin.action(description=_("Confirm: turn the need into a mission"))
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
    model = BudgetLine
    extra = 1
    fields = ["category", "label", "amount"]


@admin.register(Mission)
class MissionAdmin(ArchiveAdmin):
    form = MissionForm
    list_display = [
        "collectivity",
        "country",
        "theme",
        "departure_date",
        "return_date",
        "state",
        "report_due_on",
        "sheet",
    ]
    list_filter = ["state", "request__theme", ("request__country", CountryFilter)]
    list_select_related = ["collectivity", "request__theme"]
    search_fields = ["collectivity__name", "request__partner_name", "place"]
    date_hierarchy = "departure_date"
    fieldsets = [
        (None, {"fields": ["request", "collectivity", "state", "cancel_reason", "sheet"]}),
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
        (None, {"fields": ["report_due_on", "team", "total", "history"]}),
    ]
    readonly_fields = [
        "request",
        "collectivity",
        "state",
        "cancel_reason",
        "sheet",
        "report_due_on",
        "team",
        "total",
        "history",
    ]
    inlines = [BudgetLineInline, PartnerFeedbackInline, FollowUpInline]
    export_fields = [
        "collectivity",
        "request",
        "state",
        "place",
        "departure_date",
        "return_date",
        "report_due_on",
        "cancel_reason",
    ]
    actions = [
        "confirm",
        "start",
        "mark_returned",
        action_with_reason(
            "cancel",
            _("Cancel the mission"),
            lambda obj, request, reason: services.mission_cancel(
                mission=obj, by=request.user, reason=reason
            ),
        ),
        export_csv,
        export_xlsx,
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state not in (Mission.State.PLANNED, Mission.State.CONFIRMED):
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

    @admin.display(description=_("history"))
    def history(self, obj: Mission) -> str:
        events = obj.request.events.select_related("actor")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    localtime(e.at).strftime("%d/%m/%Y %H:%M"),
                    e.actor or _("The portal (mission calendar)"),
                    describe_change(e),
                    e.comment,
                )
                for e in events
            ),
        )
        return format_html("<table><tbody>{}</tbody></table>", rows) if rows else "—"

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

    @admin.action(description=_("Confirm the mission"))
    def confirm(self, request, queryset):
        run_transition(
            request, queryset, lambda obj: services.mission_confirm(mission=obj, by=request.user)
        )

    @admin.action(description=_("Mark as under way"))
    def start(self, request, queryset):
        run_transition(
            request, queryset, lambda obj: services.mission_start(mission=obj, by=request.user)
        )

    @admin.action(description=_("Mark as returned"))
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
