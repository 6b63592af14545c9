from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from expect.core.admin_actions import ObjectActionsMixin, workflow_permission
from expect.core.admin_history import HistoryAdmin
from expect.core.admin_mixins import TimelineMixin
from expect.core.admin_tools import action_with_reason, export_csv, export_xlsx, run_transition

from . import second_factor, services
from .admin_actions import MEMBERSHIP_ACTIONS, USER_ACTIONS
from .models import Membership, User
from .permissions import can_manage_account
from .views_gdpr import anonymise_accounts, export_personal_data

# What only a superuser gives: access to the back office and the rights held there.
PRIVILEGED_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]


class MembershipInline(admin.StackedInline):
    """A membership is added here; once there, it is decided and changed on its own page."""

    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["collectivity", "state", "is_referent", "decided_at", "decided_by", "reason"]
    readonly_fields = ["state", "decided_at", "decided_by", "reason"]
    autocomplete_fields = ["collectivity"]
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return False


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "role", "embassy"]


@admin.register(User)
class UserAdmin(ObjectActionsMixin, HistoryAdmin, BaseUserAdmin):
    object_actions = USER_ACTIONS
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
    # No COUNT(*) over the whole table under the filtered count: the list reads a page.
    show_full_result_count = False
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

    has_invite_user_permission = workflow_permission("invite_user")
    has_reset_second_factor_permission = workflow_permission("reset_second_factor")
    has_export_personal_data_permission = workflow_permission("export_personal_data")
    has_anonymise_user_permission = workflow_permission("anonymise_user")

    def has_delete_permission(self, request, obj=None):
        # Deleting a person would cascade into mission teams: a departed person's
        # account is anonymised instead (the "Anonymise" action).
        return False

    def has_change_permission(self, request, obj=None):
        # A staff or superuser account is changed by a superuser only (its e-mail address
        # or password changed would hand it over); others read it.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_manage_account(request.user, obj))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += PRIVILEGED_FIELDS
            if obj is not None and obj.role == User.Role.DAECT:
                fields.append("role")
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # The DAECT role opens the portal's DAECT pages: a superuser gives it.
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [c for c in db_field.choices if c[0] != User.Role.DAECT]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The read-only fields are out of the form, so a forged POST cannot set them; this
        # is the last check, whatever form a later change brings.
        if not request.user.is_superuser:
            raised = set(form.changed_data) & {*PRIVILEGED_FIELDS}
            if raised or (obj.role == User.Role.DAECT and "role" in form.changed_data):
                raise PermissionDenied
            if change and not can_manage_account(request.user, User.objects.get(pk=obj.pk)):
                raise PermissionDenied
        super().save_model(request, obj, form, change)

    @admin.action(
        description=_("Send an invitation to choose a password"), permissions=["invite_user"]
    )
    def send_invitation(self, request, queryset):
        for user in queryset.filter(is_active=True):
            services.invite(user)
        messages.success(request, _("Invitations sent."))

    @admin.action(
        description=_("Reset the second factor (lost phone)"),
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request, queryset):
        """Whoever lost their phone and backup codes sets up an app again at next sign-in."""
        users = [user for user in queryset if can_manage_account(request.user, user)]
        if len(users) < len(queryset):
            messages.error(
                request,
                _(
                    "The second factor of a back-office account is reset by a superuser "
                    "only: those accounts were left unchanged."
                ),
            )
        for user in users:
            second_factor.reset_devices(user)
        if not users:
            return
        messages.success(
            request,
            _(
                "Second factor reset for %(count)s account(s): they will set up an "
                "authenticator app at their next sign-in."
            )
            % {"count": len(users)},
        )


@admin.register(Membership)
class MembershipAdmin(TimelineMixin, ObjectActionsMixin, HistoryAdmin):
    object_actions = MEMBERSHIP_ACTIONS
    list_display = ["user", "collectivity", "state", "is_referent", "requested_at", "decided_at"]
    list_filter = ["state", "is_referent", "collectivity__kind"]
    list_select_related = ["user", "collectivity"]
    # No COUNT(*) over the whole table under the filtered count: the list reads a page.
    show_full_result_count = False
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
            permissions=["refuse_membership"],
        ),
        export_csv,
        export_xlsx,
    ]

    has_confirm_membership_permission = workflow_permission("confirm_membership")
    has_refuse_membership_permission = workflow_permission("refuse_membership")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["user", "collectivity"]  # a request is decided, never reassigned
        return fields

    @admin.action(
        description=_("Confirm the selected requests"), permissions=["confirm_membership"]
    )
    def confirm(self, request, queryset):
        run_transition(
            request, queryset, lambda m: services.membership_confirm(membership=m, by=request.user)
        )
