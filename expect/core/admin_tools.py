"""Building blocks for the DAECT back office: exports and workflow actions."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from io import BytesIO

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook

from . import exports


def _rows(modeladmin, queryset: QuerySet) -> tuple[list[str], list[list]]:
    fields = getattr(modeladmin, "export_fields", None)
    # The action's queryset has none of the list's joins: the export asks for them again.
    listed = modeladmin.list_select_related
    related = [
        *(listed if isinstance(listed, list | tuple) else ()),
        *getattr(modeladmin, "export_select_related", ()),
    ]
    # A column that is a display method of the admin (a label, not a code) is called.
    computed = {
        name: getattr(modeladmin, name)
        for name in fields or ()
        if hasattr(getattr(modeladmin, name, None), "short_description")
    }
    return exports.table(queryset.select_related(*related), fields, computed)


def _filename(queryset: QuerySet, extension: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"expect-{queryset.model._meta.model_name}-{stamp}.{extension}"


@admin.action(description=gettext_lazy("Export the selection as CSV"))
def export_csv(modeladmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
    headers, rows = _rows(modeladmin, queryset)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(queryset, "csv")}"'
    response.write("\ufeff")  # lets spreadsheet programs read the accents right
    # Every cell is already neutralised (exports.neutralise): no formula reaches the sheet.
    writer = csv.writer(response, delimiter=";")
    writer.writerow(headers)
    writer.writerows(rows)
    return response


@admin.action(description=gettext_lazy("Export the selection as Excel (XLSX)"))
def export_xlsx(modeladmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
    headers, rows = _rows(modeladmin, queryset)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(queryset.model._meta.verbose_name_plural)[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(queryset, "xlsx")}"'
    return response


def run_transition(
    request: HttpRequest, queryset: Sequence, apply: Callable[[object], object]
) -> None:
    """Apply a service to each object; say how many changed, and which were refused and why."""
    done, refused = 0, 0
    for obj in queryset:
        try:
            apply(obj)
            done += 1
        except (PermissionDenied, ValidationError) as error:
            refused += 1
            detail = "; ".join(getattr(error, "messages", [str(error)]))
            messages.error(
                request, _("Refused for %(object)s: %(error)s") % {"object": obj, "error": detail}
            )
    if done:
        messages.success(
            request,
            ngettext("%(count)d object changed.", "%(count)d objects changed.", done)
            % {"count": done},
        )
    if done and refused:
        # All refused: the refusals above say it; some refused: say which part changed.
        messages.warning(
            request,
            ngettext(
                "%(count)d object refused, unchanged (the reason is given above).",
                "%(count)d objects refused, unchanged (each reason is given above).",
                refused,
            )
            % {"count": refused},
        )


def action_with_reason(
    name: str,
    description: str,
    apply: Callable[[object, HttpRequest, str], object],
    *,
    required: bool = True,
    permissions: Sequence[str] = (),
):
    """An admin action that first asks for a reason on an intermediate page.

    `permissions` name the ModelAdmin's `has_<name>_permission` methods, as for
    `@admin.action(permissions=[...])`.
    """

    def action(modeladmin, request: HttpRequest, queryset: QuerySet):
        if "apply" in request.POST:
            reason = request.POST.get("reason", "").strip()
            if reason or not required:
                run_transition(request, queryset, lambda obj: apply(obj, request, reason))
                return None
            messages.error(request, _("A reason is required."))
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": description,
            "queryset": queryset,
            "action_name": request.POST.get("action"),
            "opts": modeladmin.model._meta,
            "required": required,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/action_with_reason.html", context)

    action.short_description = description
    action.__name__ = name
    if permissions:
        action.allowed_permissions = tuple(permissions)
    return action
