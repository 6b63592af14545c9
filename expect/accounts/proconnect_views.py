"""ProConnect's pages: start the sign-in, come back from it, and sign out there too.

The URLs exist only when ProConnect is configured (expect/accounts/proconnect_urls.py);
the sign-out view is the portal's own and behaves as Django's for everyone else.
"""

from __future__ import annotations

import logging

import requests
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from expect.core.pages import page_context

from . import proconnect

logger = logging.getLogger(__name__)


def refused(
    request: HttpRequest, reason: str, status: int = 403, error: Exception | None = None
) -> HttpResponse:
    """The page of a ProConnect sign-in that did not go through; nothing was written."""
    cause = getattr(error, "__cause__", None) or error
    logger.warning("ProConnect sign-in refused: %s (%r)", reason, cause)
    title = _("Signing in with ProConnect failed")
    context = page_context(title, reason=proconnect.REFUSALS[reason])
    return render(request, "accounts/proconnect_refused.html", context, status=status)


class LoginView(OIDCAuthenticationRequestView):
    """Sends the person to ProConnect with a fresh state, nonce and PKCE challenge."""

    def __init__(self, **kwargs):
        # The library reads the endpoint here; ours comes from discovery, when used.
        View.__init__(self, **kwargs)
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")

    @property
    def OIDC_OP_AUTH_ENDPOINT(self) -> str:  # noqa: N802 (the library's name)
        return proconnect.endpoint("authorization_endpoint")

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except proconnect.ProviderUnavailable:
            return refused(request, "unavailable", status=503)


class CallbackView(OIDCAuthenticationCallbackView):
    """ProConnect's answer: the code is exchanged and checked, then the person is in.

    Every refusal shows its reason on a French page; none writes anything.
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("error"):
            super().get(request)  # forgets the state, so that it is never used again
            return refused(request, "denied")
        try:
            return super().get(request)
        except Exception as error:
            # The library kept the ID token before matching the account: not for a refusal.
            request.session.pop(proconnect.ID_TOKEN_SESSION_KEY, None)
            return self._refusal(request, error)

    def _refusal(self, request: HttpRequest, error: Exception) -> HttpResponse:
        if isinstance(error, proconnect.UnknownAgent):
            return self._register(request, error.prefill)
        if isinstance(error, proconnect.Refused):
            return refused(request, error.reason, error=error)
        if isinstance(error, SuspiciousOperation):  # a state this session never asked for
            return refused(request, "state", status=400, error=error)
        # ProConnect unreachable, or its token endpoint refusing the code (reused, too late).
        if isinstance(error, proconnect.ProviderUnavailable | requests.RequestException):
            return refused(request, "unavailable", status=503, error=error)
        raise error

    def login_failure(self) -> HttpResponse:
        return refused(self.request, "state", status=400)

    def _register(self, request: HttpRequest, prefill: dict) -> HttpResponse:
        request.session[proconnect.REGISTRATION_SESSION_KEY] = prefill
        messages.info(
            request,
            _(
                "ProConnect signed you in, but no EXPE-CT account uses this address. If you work "
                "for a French collectivity, register below: the form is filled in with what "
                "ProConnect told us. Embassy and DAECT accounts are created by DAECT."
            ),
        )
        return redirect("accounts:register")


class LogoutView(auth_views.LogoutView):
    """Django's sign-out; a person who came through ProConnect then signs out there too."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        end = proconnect.end_session_url(request)
        response = super().post(request, *args, **kwargs)
        if end is None:
            return response
        url, state = end
        # In the new, anonymous session: checked when ProConnect sends the person back.
        request.session[proconnect.LOGOUT_STATE_SESSION_KEY] = state
        return HttpResponseRedirect(url)


@require_safe
def logged_out(request: HttpRequest) -> HttpResponse:
    """Where ProConnect sends the person back once signed out there."""
    expected = request.session.pop(proconnect.LOGOUT_STATE_SESSION_KEY, "")
    if expected and constant_time_compare(expected, request.GET.get("state", "")):
        messages.success(request, _("You are signed out of EXPE-CT and of ProConnect."))
    return redirect("core:home")
