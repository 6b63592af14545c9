"""The instructor's desk in the admin lists: "assigned to me", "unassigned", "late",
and the actions that assign through each app's service (see expect/core/desk.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .admin_tools import run_transition


class AssignedFilter(admin.SimpleListFilter):
    title = gettext_lazy("instructor")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Assigned to me")), ("none", _("Unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "none":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    """Late, by the domain's own rule (`QuerySet.overdue(today)` of each model)."""

    title = gettext_lazy("deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Late"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue(timezone.localdate())
        return queryset


def assign_actions(service: Callable[..., object]) -> list:
    """The list actions "assign to me" and "assign to…" calling the app's assign service,
    `service(obj=…, by=…, to=…)`."""

    # Assigning changes the record: the "change" right of its model (Instruction DAECT).
    @admin.action(description=gettext_lazy("Assign to me"), permissions=["change"])
    def assign_to_me(modeladmin, request: HttpRequest, queryset):
        run_transition(
            request, queryset, lambda obj: service(obj=obj, by=request.user, to=request.user)
        )

    @admin.action(description=gettext_lazy("Assign to an instructor…"), permissions=["change"])
    def assign_to(modeladmin, request: HttpRequest, queryset):
        from expect.accounts.models import User

        agents = User.objects.filter(role=User.Role.DAECT, is_active=True)
        if "apply" in request.POST:
            choice = request.POST.get("agent", "")
            agent = agents.filter(pk=choice).first() if choice.isdigit() else None
            if choice == "none" or agent is not None:
                run_transition(
                    request, queryset, lambda obj: service(obj=obj, by=request.user, to=agent)
                )
                return None
            modeladmin.message_user(request, _("Choose an instructor."), level="error")
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": _("Assign to an instructor"),
            "queryset": queryset,
            "agents": agents.order_by("last_name", "first_name"),
            "opts": modeladmin.model._meta,
            "action_name": request.POST.get("action"),
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/desk_assign.html", context)

    return [assign_to_me, assign_to]
