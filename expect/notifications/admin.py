"""The reminder log in the DAECT back office: what was sent to whom and when, what
failed and why, and a way to send again."""

from collections import Counter

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expect.core.admin_actions import RefuseForgedActions, workflow_permission
from expect.core.admin_tools import export_csv, export_xlsx

from . import sweep
from .models import CalendarFeed, OutboxMessage, Preference, Reminder
from .rules import all_rules, get_rule


class KindFilter(admin.SimpleListFilter):
    """The kinds of reminder by what they are for, not by their code."""

    title = gettext_lazy("kind")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin):
        return [(rule.kind, rule.label) for rule in all_rules()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Reminder)
class ReminderAdmin(RefuseForgedActions, admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind_label",
        "step",
        "target_link",
        "email",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", KindFilter, "due_on", "sent_at"]
    search_fields = ["email", "subject", "step", "kind"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
    # No COUNT(*) over the whole table under the filtered count: the list reads a page.
    show_full_result_count = False
    actions = ["resend", export_csv, export_xlsx]
    export_fields = [
        "created_at",
        "kind_label",
        "step",
        "due_on",
        "email",
        "status",
        "attempts",
        "sent_at",
        "subject",
        "last_error",
    ]
    readonly_fields = [
        "kind",
        "content_type",
        "object_id",
        "target_link",
        "step",
        "due_on",
        "recipient",
        "email",
        "cc",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "subject",
        "created_at",
        "sent_at",
        "digest",
        "resent_count",
        "deadline",
        "lease_until",
        "message_id",
    ]
    exclude = ["recipient_key", "claim"]

    @admin.display(description=gettext_lazy("kind"), ordering="kind")
    def kind_label(self, reminder: Reminder) -> str:
        rule = get_rule(reminder.kind)
        return str(rule.label) if rule else reminder.kind

    @admin.display(description=gettext_lazy("object"))
    def target_link(self, reminder: Reminder) -> str:
        """A link to the object's page in the back office, when it has one."""
        label = f"{reminder.content_type.name} #{reminder.object_id}"
        model = reminder.content_type.model_class()
        if model is None or not self.admin_site.is_registered(model):
            return label
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[reminder.object_id])
        return format_html('<a href="{}">{}</a>', url, label)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the log is read-only; "resend" is an action

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # deleting a row would let the sweep send its step again

    has_resend_reminder_permission = workflow_permission("resend_reminder")

    @admin.action(
        description=gettext_lazy("Send the selected messages again"),
        permissions=["resend_reminder"],
    )
    def resend(self, request: HttpRequest, queryset: QuerySet) -> None:
        sendable = queryset.filter(
            status__in=[Reminder.Status.SENT, Reminder.Status.FAILED, Reminder.Status.PENDING]
        )
        outcomes = Counter(sweep.resend(reminder) for reminder in sendable)
        ignored = queryset.count() - sendable.count()
        if outcomes[Reminder.Status.SENT]:
            self.message_user(
                request,
                _("%(count)d message(s) sent again.") % {"count": outcomes[Reminder.Status.SENT]},
                messages.SUCCESS,
            )
        retrying = outcomes[Reminder.Status.PENDING] + outcomes[Reminder.Status.FAILED]
        if retrying:
            self.message_user(
                request,
                _(
                    "%(count)d message(s) could not be sent now; see the last error. "
                    "They will be tried again automatically."
                )
                % {"count": retrying},
                messages.WARNING,
            )
        if outcomes[Reminder.Status.SKIPPED]:
            self.message_user(
                request,
                _("%(count)d message(s) no longer due (the object has moved on): not sent.")
                % {"count": outcomes[Reminder.Status.SKIPPED]},
                messages.INFO,
            )
        if ignored:
            self.message_user(
                request,
                _("%(count)d message(s) held for a digest or not due were left alone.")
                % {"count": ignored},
                messages.INFO,
            )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(RefuseForgedActions, admin.ModelAdmin):
    """The other e-mails (workflow notices, invitations): what went out, what failed and why."""

    list_display = ["created_at", "name", "recipients", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "name", "sent_at"]
    search_fields = ["subject", "name", "to"]
    # No COUNT(*) over the whole table under the filtered count: the list reads a page.
    show_full_result_count = False
    date_hierarchy = "created_at"
    actions = ["send_again"]
    exclude = ["claim", "html", "attachments"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [field.name for field in self.model._meta.fields if field.name not in self.exclude]

    @admin.display(description=gettext_lazy("to"))
    def recipients(self, row: OutboxMessage) -> str:
        return ", ".join(row.to)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    # Sending again is the same right as for the reminders' log ("resend_reminder").
    def has_resend_reminder_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("notifications.resend_reminder")

    @admin.action(
        description=gettext_lazy("Try the selected failed e-mails again"),
        permissions=["resend_reminder"],
    )
    def send_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        again = queryset.filter(status=OutboxMessage.Status.FAILED).exclude(subject="")
        count = again.update(
            status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(
            request,
            _("%(count)d e-mail(s) will be tried again within five minutes.") % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Preference)
class PreferenceAdmin(RefuseForgedActions, admin.ModelAdmin):
    list_display = ["user", "kind", "mode"]
    list_filter = ["kind", "mode"]
    search_fields = ["user__email", "user__last_name"]
    raw_id_fields = ["user"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(RefuseForgedActions, admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    exclude = ["token"]  # a secret: renewed by its owner, never shown
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
