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

# Imported while the apps load: the modules that need models are imported where used.


class AdminConfig(BaseAdminConfig):
    default_site = "expect.accounts.admin_site.VerifiedAdminSite"


class VerifiedAdminSite(admin.AdminSite):
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
