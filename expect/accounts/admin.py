from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from expect.core.admin_history import HistoryAdmin
from expect.core.admin_mixins import TimelineMixin
from expect.core.admin_tools import action_with_reason, export_csv, export_xlsx, run_transition

from . import second_factor, services
from .models import Membership, User
from .views_gdpr import anonymise_accounts, export_personal_data


class MembershipInline(admin.StackedInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["collectivity", "state", "is_referent", "decided_at", "decided_by", "reason"]
    readonly_fields = ["state", "decided_at", "decided_by", "reason"]
    autocomplete_fields = ["collectivity"]


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "role", "embassy"]


@admin.register(User)
class UserAdmin(HistoryAdmin, BaseUserAdmin):
    add_form = UserCreationForm
    ordering = ["last_name", "first_name"]
    list_display = [
        "email",
        "last_name",
        "first_name",
        "role",
        "embassy",
        "email_confirmed_at",
        "is_active",
        "last_login",
    ]
    list_filter = ["role", "is_active", "is_staff", "embassy"]
    list_select_related = ["embassy"]
    search_fields = ["email", "first_name", "last_name", "membership__collectivity__name"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]
    actions = [
        "send_invitation",
        "reset_second_factor",
        export_personal_data,
        anonymise_accounts,
        export_csv,
        export_xlsx,
    ]
    export_fields = [
        "email",
        "first_name",
        "last_name",
        "position",
        "role",
        "embassy",
        "date_joined",
        "last_login",
    ]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Identity"),
            {"fields": ["first_name", "last_name", "position", "phone", "preferred_language"]},
        ),
        (_("Role"), {"fields": ["role", "embassy", "email_confirmed_at"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "first_name",
                    "last_name",
                    "role",
                    "embassy",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]

    def has_delete_permission(self, request, obj=None):
        # Deleting a person would cascade into mission teams: a departed person's
        # account is anonymised instead (the "Anonymise" action).
        return False

    @admin.action(description=_("Send an invitation to choose a password"))
    def send_invitation(self, request, queryset):
        for user in queryset.filter(is_active=True):
            services.invite(user)
        messages.success(request, _("Invitations sent."))

    @admin.action(description=_("Reset the second factor (lost phone)"), permissions=["change"])
    def reset_second_factor(self, request, queryset):
        """Whoever lost their phone and backup codes sets up an app again at next sign-in."""
        users = list(queryset)
        for user in users:
            second_factor.reset_devices(user)
        messages.success(
            request,
            _(
                "Second factor reset for %(count)s account(s): they will set up an "
                "authenticator app at their next sign-in."
            )
            % {"count": len(users)},
        )


@admin.register(Membership)
class MembershipAdmin(TimelineMixin, HistoryAdmin):
    list_display = ["user", "collectivity", "state", "is_referent", "requested_at", "decided_at"]
    list_filter = ["state", "is_referent", "collectivity__kind"]
    list_select_related = ["user", "collectivity"]
    search_fields = ["user__email", "user__last_name", "collectivity__name", "collectivity__siren"]
    autocomplete_fields = ["user", "collectivity"]
    readonly_fields = ["state", "requested_at", "decided_at", "decided_by", "reason", "timeline"]
    fields = [
        "user",
        "collectivity",
        "state",
        "is_referent",
        "requested_at",
        "decided_at",
        "decided_by",
        "reason",
        "timeline",
    ]
    export_fields = [
        "user__email",
        "user",
        "collectivity",
        "state",
        "is_referent",
        "requested_at",
        "decided_at",
    ]
    actions = [
        "confirm",
        action_with_reason(
            "refuse",
            _("Refuse the selected requests"),
            lambda m, request, reason: services.membership_refuse(
                membership=m, by=request.user, reason=reason
            ),
        ),
        export_csv,
        export_xlsx,
    ]

    @admin.action(description=_("Confirm the selected requests"))
    def confirm(self, request, queryset):
        run_transition(
            request, queryset, lambda m: services.membership_confirm(membership=m, by=request.user)
        )
