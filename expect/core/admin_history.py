"""The back office's view of the history, and archiving in place of deleting.

`HistoryAdmin` shows every recorded version of an object (django-simple-history's
history page) without letting anyone write an old version back: a revert would go
around the services that check each transition. `ArchiveAdmin` adds the "Archive"
and "Restore" actions and an "archived" filter, and refuses deletion to everybody,
superusers included.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import archive
from .admin_actions import RefuseForgedActions
from .admin_tools import run_transition


class SafeInitialDataMixin:
    """The add form's initial values taken from the query (`?user=3`), only if well-formed.

    An autocomplete widget looks its initial value up in the database: `?user=abc`
    would be a 500 instead of an empty field.
    """

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation or field.related_model is None:
                continue
            values = initial[name] if isinstance(initial[name], list) else [initial[name]]
            try:
                for value in values:
                    field.related_model._meta.pk.to_python(value)
            except ValidationError:
                del initial[name]
        return initial


class HistoryAdmin(SafeInitialDataMixin, RefuseForgedActions, SimpleHistoryAdmin):
    def history_view(self, request: HttpRequest, object_id, extra_context=None):
        # django-simple-history filters on the id as typed: "abc" would be a 500.
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None) -> bool:
        return True


class ArchivedFilter(admin.SimpleListFilter):
    title = _("archive")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", _("Not archived")), ("yes", _("Archived"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


@admin.action(description=_("Archive the selection"), permissions=["change"])
def archive_selected(modeladmin, request: HttpRequest, queryset) -> None:
    run_transition(request, queryset, lambda obj: archive.archive(obj, by=request.user))


@admin.action(description=_("Restore the selection from the archive"), permissions=["change"])
def restore_selected(modeladmin, request: HttpRequest, queryset) -> None:
    run_transition(request, queryset, lambda obj: archive.restore(obj, by=request.user))


class ArchiveAdmin(HistoryAdmin):
    """For the programme's records: archived, restored, never deleted."""

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), ArchivedFilter]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        # Added after Django's filtering by permissions, so checked here.
        if self.has_change_permission(request):
            for action in (archive_selected, restore_selected):
                actions[action.__name__] = self.get_action(action)
        return actions

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "archived_at", "archived_by"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
