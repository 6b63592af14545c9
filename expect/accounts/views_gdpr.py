"""GDPR pages: a person downloads their data; DAECT exports or anonymises an account."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from expect.core.admin_tools import run_transition

from . import gdpr
from .models import User
from .permissions import can_manage_account


def _json_download(user: User) -> HttpResponse:
    response = HttpResponse(gdpr.personal_data_json(user), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{gdpr.export_filename(user)}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def personal_data_export(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own data; there is no way to ask for someone else's."""
    return _json_download(request.user)


@admin.action(
    description=gettext_lazy("Export the personal data (JSON)"),
    permissions=["export_personal_data"],
)
def export_personal_data(modeladmin, request: HttpRequest, queryset) -> HttpResponse | None:
    if queryset.count() != 1:
        messages.error(request, _("Select exactly one account to export its personal data."))
        return None
    return _json_download(queryset.get())


@admin.action(
    description=gettext_lazy("Anonymise the accounts of departed people"),
    permissions=["anonymise_user"],
)
def anonymise_accounts(modeladmin, request: HttpRequest, queryset) -> TemplateResponse | None:
    """Ask for a confirmation first: anonymisation cannot be undone."""
    if not all(can_manage_account(request.user, user) for user in queryset):
        messages.error(
            request,
            _("A back-office account is anonymised by a superuser only: nothing was changed."),
        )
        return None
    if request.POST.get("confirm") == "yes":
        run_transition(request, queryset, lambda user: gdpr.anonymise(user=user, by=request.user))
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Anonymise these accounts?"),
        "queryset": queryset,
        "action_name": request.POST.get("action"),
        "select_across": request.POST.get("select_across", "0"),
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "accounts/gdpr_anonymise_confirm.html", context)
