"""Access decorators shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def daect_required(view: View) -> View:
    """DAECT staff only: visitors go to the login page, anyone else gets a 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_daect:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
