"""django-axes hooks: whose attempts are counted, and the page a locked-out person sees."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from expect.core import guards
from expect.core.addresses import canonical_email


def username(request: HttpRequest, credentials: dict | None) -> str:
    """The address in its one spelling: "Anne@X.fr", "anne@x.fr" and "ſanne"-style
    spellings the database folds count together (expect/core/addresses.py)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field) or request.POST.get(field, "")
    return canonical_email(value)


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "title": _("Sign-in temporarily blocked"),
        "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(
        request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )


def client_ip(request: HttpRequest) -> str:
    """The address attempts are counted for: behind the proxy, the one it saw (guards.py)."""
    return guards.client_ip(request)
