"""Response headers the portal adds beside Django's SecurityMiddleware and django-csp."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


def permissions_policy(features: Iterable[str]) -> str:
    """The Permissions-Policy value denying each feature to the page and every frame in it."""
    return ", ".join(f"{feature}=()" for feature in features)


class PermissionsPolicyMiddleware:
    """Send Permissions-Policy and Cross-Origin-Resource-Policy on every response.

    The portal asks for no camera, microphone, position, payment or device: a script
    that slipped in could not ask for them either. Its documents and files are for
    its own pages only, so another site cannot embed them (Cross-Origin-Resource-Policy).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.policy = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every page of a signed-in person and every download.

    A shared computer's browser cache, or a proxy's, must not keep a dossier, a report
    or a list of members after the person signed out. A response that says it is
    public (the catalogue's own choice) keeps what it says.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "public" in response.get("Cache-Control", ""):
            return response
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or is_download(response):
            patch_cache_control(response, private=True, no_store=True)
        return response


def is_download(response: HttpResponseBase) -> bool:
    return isinstance(response, FileResponse) or response.has_header("Content-Disposition")
