"""Errors under /api/ in JSON: an API client reads `{"detail": ...}`, never a page.

The site's guards answer before any view (a control character in the address, a body
over the cap, the database out of reach) with a DSFR page; under /api/ this middleware,
placed around them, gives the same status with a JSON body instead, keeping the
headers that matter (Retry-After above all).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
KEPT_HEADERS = ("Retry-After", "Allow")


def _detail(status: int) -> str:
    details = {
        400: _("The request is not valid: it holds a character or a value the API refuses."),
        403: _("You may not do this."),
        404: _("No such object, or no such page."),
        405: _("The API only reads: use GET."),
        413: _("The request is too large."),
        503: _("The API is unavailable for a moment: try again later."),
    }
    return details.get(status, _("The API could not answer this request."))


class ApiErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and response.get("Content-Type", "").startswith("text/html")
        ):
            json = JsonResponse({"detail": _detail(response.status_code)})
            json.status_code = response.status_code
            for header in KEPT_HEADERS:
                if header in response:
                    json[header] = response[header]
            return json
        return response
