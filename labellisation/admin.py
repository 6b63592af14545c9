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
from expect.core.admin_desk import AssignedFilter, OverdueFilter, assign_actions
from expect.core.admin_history import ArchiveAdmin, HistoryAdmin
from expect.core.admin_tools import action_with_reason, export_csv, export_xlsx, run_transition
from expect.organisations.models import Theme

from . import permissions, services
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


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "from_state", "to_state", "comment", "is_public"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


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


class ProjectInline(admin.TabularInline):
    model = CooperationProject
    extra = 0


class ExpertInline(admin.TabularInline):
    model = ProposedExpert
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["kind", "download", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        # Served by the portal's view, which checks permissions: never a public media URL.
        url = reverse("labellisation:attachment_download", args=[obj.application_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LabelApplication)
class LabelApplicationAdmin(ArchiveAdmin):
    list_display = [
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
        "decision_session",
        "assigned_to",
    ]
    inlines = [
        ExpertInline,
        ProjectInline,
        AttachmentInline,
        OpinionInline,
        EventInline,
        NewEventInline,
    ]
    export_fields = [
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

    @admin.action(description=_("Schedule for a selection committee"))
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
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/labellisation/schedule.html", context)

    @admin.action(description=_("Start the review"))
    def start_review(self, request, queryset):
        run_transition(
            request,
            queryset,
            lambda obj: services.application_start_review(application=obj, by=request.user),
        )

    def has_add_permission(self, request):
        return False  # applications are filed by collectivities on the portal

    def save_formset(self, request, form, formset, change):
        if formset.model is not ApplicationEvent:
            return super().save_formset(request, form, formset, change)
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
class LabelAdmin(ArchiveAdmin):
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

    @admin.action(description=_("Remind the selected people"))
    def remind(self, request, queryset):
        run_transition(
            request,
            queryset,
            lambda opinion: services.opinion_remind(opinion=opinion, by=request.user),
        )
