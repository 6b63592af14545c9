"""The DAECT back office for applications, committees and labels."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from expect.accounts.models import User
from expect.core.admin_actions import ObjectActionsMixin, workflow_permission
from expect.core.admin_desk import AssignedFilter, OverdueFilter, assign_actions
from expect.core.admin_history import ArchiveAdmin, HistoryAdmin
from expect.core.admin_mixins import ReferenceSearchMixin, TimelineMixin
from expect.core.admin_scan import antivirus
from expect.core.admin_tools import action_with_reason, export_csv, export_xlsx, run_transition
from expect.organisations.models import Theme

from . import permissions, services
from .admin_actions import APPLICATION_ACTIONS, LABEL_ACTIONS
from .models import (
    ApplicationEvent,
    Attachment,
    Attendance,
    CommitteeSession,
    CooperationProject,
    Label,
    LabelApplication,
    Opinion,
    ProposedExpert,
)


class OpinionInline(admin.TabularInline):
    """The opinions side by side on the decision page."""

    model = Opinion
    fk_name = "application"
    extra = 0
    can_delete = False
    fields = [
        "requested_from",
        "recommendation",
        "text",
        "conflict",
        "conflict_details",
        "given_at",
        "requested_at",
        "reminded_at",
        "withdrawn_at",
    ]
    readonly_fields = fields
    verbose_name_plural = _("Opinions (ask one from the “Opinions” page)")

    def has_add_permission(self, request, obj=None):
        return False


class NewEventForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[
            (ApplicationEvent.Kind.MESSAGE, _("Message to the applicant")),
            (ApplicationEvent.Kind.NOTE, _("Internal note")),
        ],
    )

    class Meta:
        model = ApplicationEvent
        fields = ["kind", "comment"]


class NewEventInline(admin.StackedInline):
    """Write to the applicant, or keep an internal note, from the dossier page."""

    model = ApplicationEvent
    form = NewEventForm
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = _("new message or internal note")
    verbose_name_plural = _("Write a message or an internal note")

    def get_queryset(self, request):
        return super().get_queryset(request).none()


def is_handed_in(application: LabelApplication | None) -> bool:
    """What the applicant wrote is theirs: once submitted, DAECT asks for more information
    instead of changing it."""
    return application is not None and application.state != LabelApplication.State.DRAFT


class ApplicantContentInline(admin.TabularInline):
    """Rows the applicant wrote: read-only in the back office once the dossier is handed in."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return not is_handed_in(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not is_handed_in(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_handed_in(obj) and super().has_delete_permission(request, obj)


class ProjectInline(ApplicantContentInline):
    model = CooperationProject


class ExpertInline(ApplicantContentInline):
    model = ProposedExpert


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["kind", "download", antivirus, "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        # Served by the portal's view, which checks permissions: never a public media URL.
        url = reverse("labellisation:attachment_download", args=[obj.application_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LabelApplication)
class LabelApplicationAdmin(ReferenceSearchMixin, TimelineMixin, ObjectActionsMixin, ArchiveAdmin):
    object_actions = APPLICATION_ACTIONS
    list_display = [
        "reference",
        "collectivity",
        "theme",
        "state",
        "committee",
        "assigned_to",
        "submitted_at",
        "decided_at",
    ]
    list_filter = [
        AssignedFilter,
        "state",
        OverdueFilter,
        "theme",
        "collectivity__kind",
        "collectivity__region",
        "committee",
    ]
    list_select_related = ["collectivity", "theme", "committee", "assigned_to"]
    # No COUNT(*) over the whole table under the filtered count: the list reads a page.
    show_full_result_count = False
    search_fields = [
        "reference",
        "collectivity__name",
        "collectivity__siren",
        "theme__name",
        "expertise",
    ]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "reference",
        "state",
        "collectivity",
        "created_by",
        "created_at",
        "submitted_at",
        "decided_at",
        "committee",
        "accepted_late",
        "decision_reason",
        "timeline",
        "decision_session",
        "assigned_to",
    ]
    # What the applicant wrote, read-only once the dossier is handed in (see is_handed_in).
    applicant_fields = ["theme", "expertise", "territory_actions", "commitment"]
    inlines = [
        ExpertInline,
        ProjectInline,
        AttachmentInline,
        OpinionInline,
        NewEventInline,
    ]
    export_fields = [
        "reference",
        "collectivity",
        "collectivity__siren",
        "theme",
        "state",
        "committee",
        "submitted_at",
        "decided_at",
        "decision_reason",
        "assigned_to",
    ]
    actions = [
        *assign_actions(
            lambda obj, by, to: services.application_assign(application=obj, by=by, to=to)
        ),
        "start_review",
        "schedule",
        action_with_reason(
            "request_info",
            _("Ask for more information"),
            lambda obj, request, reason: services.application_request_info(
                application=obj, by=request.user, comment=reason
            ),
            permissions=["request_information"],
        ),
        action_with_reason(
            "grant",
            _("Grant the label"),
            lambda obj, request, reason: services.application_grant(
                application=obj, by=request.user, reason=reason
            ),
            required=False,
            permissions=["grant_label"],
        ),
        action_with_reason(
            "refuse",
            _("Refuse the application"),
            lambda obj, request, reason: services.application_refuse(
                application=obj, by=request.user, reason=reason
            ),
            permissions=["refuse_application"],
        ),
        export_csv,
        export_xlsx,
    ]

    has_review_application_permission = workflow_permission("review_application")
    has_request_information_permission = workflow_permission("request_information")
    has_request_opinion_permission = workflow_permission("request_opinion")
    has_schedule_application_permission = workflow_permission("schedule_application")
    has_accept_late_application_permission = workflow_permission("accept_late_application")
    has_grant_label_permission = workflow_permission("grant_label")
    has_refuse_application_permission = workflow_permission("refuse_application")

    @admin.action(
        description=_("Schedule for a selection committee"), permissions=["schedule_application"]
    )
    def schedule(self, request, queryset):
        """Ask which committee (and whether a late dossier is accepted), then schedule."""
        committees = CommitteeSession.objects.filter(date__gte=timezone.localdate()).order_by(
            "date"
        )
        if "apply" in request.POST:
            committee = committees.filter(pk=request.POST.get("committee")).first()
            if committee is None:
                messages.error(request, _("Choose a committee."))
            else:
                accept_late = request.POST.get("accept_late") == "on"
                if accept_late and not self.has_accept_late_application_permission(request):
                    raise PermissionDenied
                run_transition(
                    request,
                    queryset,
                    lambda obj: services.application_schedule(
                        application=obj,
                        by=request.user,
                        committee=committee,
                        accept_late=accept_late,
                    ),
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Schedule for a selection committee"),
            "queryset": queryset,
            "committees": committees,
            "may_accept_late": self.has_accept_late_application_permission(request),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/labellisation/schedule.html", context)

    @admin.action(description=_("Start the review"), permissions=["review_application"])
    def start_review(self, request, queryset):
        run_transition(
            request,
            queryset,
            lambda obj: services.application_start_review(application=obj, by=request.user),
        )

    def has_add_permission(self, request):
        return False  # applications are filed by collectivities on the portal

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + self.applicant_fields if is_handed_in(obj) else fields

    def save_formset(self, request, form, formset, change):
        if formset.model is not ApplicationEvent:
            return super().save_formset(request, form, formset, change)
        # Nothing of these rows is saved as typed: the services write them (below). The
        # admin's change message still reads what the formset saved.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for event_form in formset.forms:
            text = event_form.cleaned_data.get("comment", "") if event_form.has_changed() else ""
            if not text.strip():
                continue
            write = (
                services.application_note
                if event_form.cleaned_data["kind"] == ApplicationEvent.Kind.NOTE
                else services.application_message
            )
            try:
                write(application=form.instance, by=request.user, text=text)
            except (PermissionDenied, ValidationError) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


class AttendanceInline(admin.TabularInline):
    """Who attended the session: the quorum is counted on these rows."""

    model = Attendance
    extra = 0
    fields = ["member", "status"]
    verbose_name_plural = _("Attendance (save the members first)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "member":
            session_pk = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = User.objects.filter(committees__pk=session_pk).order_by(
                "last_name", "first_name"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CommitteeSession)
class CommitteeSessionAdmin(HistoryAdmin):
    list_display = ["date", "application_deadline", "place", "chair", "quorum", "agenda"]
    list_select_related = ["chair"]
    filter_horizontal = ["members"]
    date_hierarchy = "date"
    inlines = [AttendanceInline]

    @admin.display(description=_("dossiers, agenda and minutes"))
    def agenda(self, obj: CommitteeSession) -> str:
        url = reverse("labellisation:committee_detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open the session page"))


@admin.register(Label)
class LabelAdmin(ReferenceSearchMixin, TimelineMixin, ObjectActionsMixin, ArchiveAdmin):
    object_actions = LABEL_ACTIONS
    reference_lookup = "application__reference"
    reference_model = LabelApplication
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
    # No COUNT(*) over the whole table under the filtered count: the list reads a page.
    show_full_result_count = False
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
        "application__reference",
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
            permissions=["suspend_label"],
        ),
        action_with_reason(
            "reinstate",
            _("Lift the suspension"),
            lambda obj, request, reason: services.label_reinstate(
                label=obj, by=request.user, reason=reason
            ),
            required=False,
            permissions=["reinstate_label"],
        ),
        action_with_reason(
            "revoke",
            _("Revoke the label"),
            lambda obj, request, reason: services.label_revoke(
                label=obj, by=request.user, reason=reason
            ),
            permissions=["revoke_label"],
        ),
        export_csv,
        export_xlsx,
    ]

    has_suspend_label_permission = workflow_permission("suspend_label")
    has_reinstate_label_permission = workflow_permission("reinstate_label")
    has_revoke_label_permission = workflow_permission("revoke_label")

    def has_add_permission(self, request):
        return False  # a label is only ever created by granting an application


def candidate_label(user) -> str:
    """A candidate as DAECT needs to choose: name, role, organisation."""
    roles = [user.get_role_display()]
    if user.in_committee:
        roles.append(str(_("committee member")))
    if user.in_desk:
        roles.append(str(_("thematic desk")))
    return f"{user.get_full_name() or user.email} — {', '.join(roles)} — {organisation_of(user)}"


def organisation_of(user) -> str:
    if user.is_daect:
        return "DAECT"
    if user.embassy is not None:
        return str(user.embassy)
    membership = getattr(user, "membership", None)
    return str(membership.collectivity) if membership else "—"


class CandidateField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return candidate_label(obj)


class OpinionForm(forms.ModelForm):
    requested_from = CandidateField(queryset=None, label=_("asked of"))

    class Meta:
        model = Opinion
        fields = ["application", "requested_from", "question"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "requested_from" not in self.fields:
            return  # an opinion already asked: the admin shows it read-only
        # Only the eligible people are offered, each with their role and organisation.
        self.fields["requested_from"].queryset = (
            permissions.opinion_candidates()
            .select_related("embassy", "membership__collectivity")
            .annotate(
                in_committee=Exists(
                    CommitteeSession.members.through.objects.filter(user=OuterRef("pk"))
                ),
                in_desk=Exists(Theme.desk.through.objects.filter(user=OuterRef("pk"))),
            )
            .order_by("last_name", "first_name")
        )

    def clean(self):
        cleaned = super().clean()
        application = cleaned.get("application")
        person = cleaned.get("requested_from")
        if application is not None and application.state not in services.OPINION_STATES:
            self.add_error(
                "application", _("Opinions are asked between the submission and the decision.")
            )
        elif (
            application is not None
            and person is not None
            and not permissions.can_be_asked_an_opinion(person, application)
        ):
            self.add_error(
                "requested_from",
                _(
                    "This person belongs to the applying collectivity: ask someone "
                    "independent of the application."
                ),
            )
        return cleaned


class WithdrawnFilter(admin.SimpleListFilter):
    title = _("request")
    parameter_name = "withdrawn"

    def lookups(self, request, model_admin):
        return [("no", _("Still asked")), ("yes", _("Withdrawn"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.active()
        if self.value() == "yes":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


@admin.register(Opinion)
class OpinionAdmin(HistoryAdmin):
    list_display = [
        "application",
        "requested_from",
        "recommendation",
        "requested_at",
        "given_at",
        "conflict",
        "withdrawn_at",
    ]
    list_filter = ["recommendation", "conflict", "given_at", WithdrawnFilter]
    list_select_related = ["application__collectivity", "application__theme", "requested_from"]
    # No COUNT(*) over the whole table under the filtered count: the list reads a page.
    show_full_result_count = False
    search_fields = ["application__collectivity__name", "requested_from__email"]
    autocomplete_fields = ["application"]
    form = OpinionForm
    actions = [
        "remind",
        action_with_reason(
            "withdraw",
            _("Withdraw the selected requests for an opinion"),
            lambda obj, request, reason: services.opinion_withdraw(
                opinion=obj, by=request.user, reason=reason
            ),
            required=False,
            permissions=["request_opinion"],
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "application",
            "requested_from",
            "question",
            "recommendation",
            "text",
            "requested_at",
            "given_at",
            "reminded_at",
            "conflict",
            "conflict_details",
            "withdrawn_at",
            "withdrawn_by",
        ]

    def save_model(self, request, obj, form, change):
        if change:
            return
        # Asking goes through the service: it checks the state and sends the e-mail.
        opinion = services.opinion_request(
            application=obj.application,
            by=request.user,
            of=obj.requested_from,
            question=obj.question,
        )
        obj.pk = opinion.pk

    # Asking for an opinion, and reminding, is the application's "request_opinion" right.
    has_request_opinion_permission = workflow_permission("request_opinion")

    def has_add_permission(self, request):
        return self.has_request_opinion_permission(request)

    @admin.action(description=_("Remind the selected people"), permissions=["request_opinion"])
    def remind(self, request, queryset):
        run_transition(
            request,
            queryset,
            lambda opinion: services.opinion_remind(opinion=opinion, by=request.user),
        )
