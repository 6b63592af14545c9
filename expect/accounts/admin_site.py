"""The Django admin asks for the second factor: a session without it never enters.

Installed in place of "django.contrib.admin" (INSTALLED_APPS), so that `admin.site`,
and with it every `@admin.register` of the apps, is this site.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as BaseAdminConfig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

# Imported while the apps load: the modules that need models are imported where used.


# A second factor's secret is never shown in the back office, not even to DAECT: a lost
# device is reset from the user's page ("Reset the second factor" action).
HIDDEN_MODELS = ("otp_totp.TOTPDevice", "otp_static.StaticDevice")


class AdminConfig(BaseAdminConfig):
    default_site = "expect.accounts.admin_site.VerifiedAdminSite"

    def ready(self) -> None:
        super().ready()  # imports every app's admin.py (autodiscover)
        from django.apps import apps

        for label in HIDDEN_MODELS:
            model = apps.get_model(label)
            if admin.site.is_registered(model):
                admin.site.unregister(model)


class VerifiedAdminSite(admin.AdminSite):
    @property
    def login_form(self):
        # Imported when used: the forms need the models, loaded after this module.
        from .forms import StaffAuthenticationForm

        return StaffAuthenticationForm

    site_header = _("EXPE-CT — DAECT back office")
    site_title = _("EXPE-CT back office")
    index_title = _("Programme management")

    def has_permission(self, request: HttpRequest) -> bool:
        from . import second_factor

        return super().has_permission(request) and second_factor.is_verified(request.user)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """Django's admin sign-in (throttled by django-axes), then the second factor.

        Once the password is right, the person is sent to give their code, as on the portal.
        """
        from . import second_factor
        from .middleware import second_factor_url

        if request.user.is_authenticated and second_factor.must_verify(request):
            index = reverse("admin:index", current_app=self.name)
            next_url = request.GET.get("next") or index
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = index
            return redirect(second_factor_url(request, next_url))
        return super().login(request, extra_context)
