"""Sends a signed-in person who owes a second factor to give it before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from expect.core.dbdown import database_unavailable, is_database_error

from . import second_factor

# What a person may reach before giving their second factor: the pages that ask for
# it, signing out, the language switch and the health probe.
EXEMPT_VIEWS = {
    "accounts:otp_verify",
    "accounts:otp_enrol",
    "accounts:otp_enrol_link",
    "accounts:logout",
    "set_language",
    "healthz",
    # A passkey gives the second factor through these (django-otp-webauthn).
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
}


def second_factor_url(request: HttpRequest, next_url: str | None = None) -> str:
    """The page that asks this person for their code, or enrols them if they have no device."""
    name = "accounts:otp_verify" if second_factor.has_device(request.user) else "accounts:otp_enrol"
    next_url = next_url if next_url is not None else request.get_full_path()
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in EXEMPT_VIEWS:
            return None
        try:
            owed = second_factor.must_verify(request)
        except Exception as error:
            if not is_database_error(error):
                raise
            # The session cannot be read: nothing opens, the visitor gets the 503 page.
            return database_unavailable(request, error)
        if owed:
            return redirect(second_factor_url(request))
        return None


class SlidingSessionMiddleware(SessionMiddleware):
    """Django's sessions, saved at every request (SESSION_SAVE_EVERY_REQUEST: idle expiry).

    Saving at every request also reads the session at every response, after the view;
    while the database is down that read, or the save, fails: the visitor gets the 503
    page, as from a view, rather than an error raised past every middleware.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except Exception as error:
            if not is_database_error(error):
                raise
            return database_unavailable(request, error)
