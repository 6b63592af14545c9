"""Deciding from an object's page in the back office, each action under its own permission.

A ModelAdmin lists its `object_actions`. The change page shows, as buttons, those the
person holds the permission for and that the object's state allows now. A button opens
a short page (the form the action needs, or a confirmation for what cannot be undone),
the action calls the app's service, and the person comes back to the object's page with
a message saying what happened and what comes next. A service's refusal comes back as
an error message and changes nothing; an action the person may not use is a 403.

The same `has_<permission>_permission` methods guard the list actions
(`@admin.action(permissions=[...])`), so a list and a page never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def workflow_permission(codename: str) -> Callable[..., bool]:
    """A ModelAdmin's `has_<codename>_permission`: the person holds `<app>.<codename>`."""

    def has_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    has_permission.__name__ = f"has_{codename}_permission"
    return has_permission


def error_text(error: ValidationError | PermissionDenied) -> str:
    """A service's refusal in the words it gave (French for a French reader)."""
    return " ".join(getattr(error, "messages", None) or [str(error)])


class ActionForm(forms.Form):
    """The form of an object action; it knows the object and who acts."""

    def __init__(self, data=None, *, obj, user, **kwargs):
        self.obj, self.user = obj, user
        super().__init__(data, **kwargs)


def reason_form(label: Promise, *, required: bool = True, help_text: Promise | str = "") -> type:
    """A form with one text: the reason, the question or the comment of the action."""

    class ReasonForm(ActionForm):
        reason = forms.CharField(
            label=label,
            required=required,
            help_text=help_text,
            widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
            error_messages={"required": gettext_lazy("Write the reason: it is required here.")},
        )

        def clean_reason(self) -> str:
            reason = self.cleaned_data["reason"].strip()
            if required and not reason:
                raise ValidationError(_("Write the reason: it is required here."))
            return reason

    return ReasonForm


@dataclass(frozen=True)
class ObjectAction:
    """One decision on one object, offered as a button on its change page.

    `permission` names the ModelAdmin's `has_<permission>_permission`; `when` says whether
    the object's state allows it now; `run(request, obj, data)` calls the service and
    returns the message for the person. `form` asks what the action needs; `confirm`
    asks first for what cannot be undone. `link`, instead, sends to another page.
    `allows(user, obj)` narrows the permission to some objects (a predicate of the app).
    """

    name: str
    label: Promise
    permission: str
    when: Callable[[Any], bool]
    run: Callable[[HttpRequest, Any, dict], str] | None = None
    form: type[ActionForm] | None = None
    confirm: bool = False
    help: Promise | str = ""
    link: Callable[[Any], str] | None = None
    allows: Callable[[Any, Any], bool] | None = None

    @property
    def direct(self) -> bool:
        """A plain button posting at once: nothing to ask, nothing irreversible."""
        return self.link is None and self.form is None and not self.confirm


class RefuseForgedActions:
    """ModelAdmin mixin: a list action the person may not use is a 403.

    Such an action is not offered; posted anyway, Django's admin would answer "no action
    selected" and show the list again as if nothing had happened.
    """

    def changelist_view(self, request, extra_context=None):
        action = request.POST.get("action") if request.method == "POST" else None
        if action and action not in self.get_actions(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)


class ObjectActionsMixin(RefuseForgedActions):
    """ModelAdmin mixin: the `object_actions` as buttons and their pages."""

    object_actions: Sequence[ObjectAction] = ()
    change_form_template = "admin/object_actions/change_form.html"
    object_action_template = "admin/object_actions/action.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_object_action"
        view = self.admin_site.admin_view(self.object_action_view)
        return [
            path("<path:object_id>/decider/<slug:action>/", view, name=name),
            *super().get_urls(),
        ]

    def may_use(self, request: HttpRequest, action: ObjectAction, obj=None) -> bool:
        if not getattr(self, f"has_{action.permission}_permission")(request):
            return False
        return obj is None or action.allows is None or action.allows(request.user, obj)

    def available_actions(self, request: HttpRequest, obj) -> list[ObjectAction]:
        """The buttons of this page: held by the person and possible in this state."""
        if obj is None:
            return []
        return [a for a in self.object_actions if self.may_use(request, a, obj) and a.when(obj)]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        buttons = [
            {
                "action": action,
                "url": action.link(obj)
                if action.link
                else self.object_action_url(obj, action.name),
            }
            for action in self.available_actions(request, obj)
        ]
        extra_context = {**(extra_context or {}), "object_actions": buttons}
        return super().change_view(request, object_id, form_url, extra_context)

    def object_action_url(self, obj, name: str) -> str:
        info = f"admin:{self.opts.app_label}_{self.opts.model_name}_object_action"
        return reverse(info, args=[obj.pk, name], current_app=self.admin_site.name)

    def _change_url(self, obj) -> str:
        info = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        return reverse(info, args=[obj.pk], current_app=self.admin_site.name)

    def object_action_view(self, request: HttpRequest, object_id: str, action: str):
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        spec = next((a for a in self.object_actions if a.name == action and a.run), None)
        obj = self.get_object(request, unquote(object_id))
        if spec is None or obj is None:
            raise Http404
        if not (
            self.has_view_or_change_permission(request, obj) and self.may_use(request, spec, obj)
        ):
            raise PermissionDenied
        if not spec.when(obj):
            messages.error(
                request,
                _("“%(action)s” is not possible now for %(object)s.")
                % {"action": spec.label, "object": obj},
            )
            return redirect(self._change_url(obj))
        data = request.POST if request.method == "POST" else None
        form = spec.form(data, obj=obj, user=request.user) if spec.form else None
        if request.method == "POST" and (form is None or form.is_valid()):
            response = self._run(request, obj, spec, form.cleaned_data if form else {})
            if response is not None:
                return response
        return self._action_page(request, obj, spec, form)

    def _run(self, request: HttpRequest, obj, spec: ObjectAction, data: dict):
        try:
            message = spec.run(request, obj, data)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, error_text(error))
            return None if spec.form else redirect(self._change_url(obj))
        messages.success(request, message)
        return redirect(self._change_url(obj))

    def _action_page(self, request, obj, spec: ObjectAction, form) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": spec.label,
            "subtitle": str(obj),
            "object": obj,
            "original": obj,
            "opts": self.opts,
            "action": spec,
            "form": form,
            "change_url": self._change_url(obj),
            "has_view_permission": True,
        }
        return TemplateResponse(request, self.object_action_template, context)
