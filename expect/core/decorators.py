"""Access decorators shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

View = Callable[..., HttpResponse]


def daect_required(view: View) -> View:
    """DAECT staff only, with their second factor given in this session.

    Visitors go to the login page, DAECT staff without the second factor to the page
    that asks for it, anyone else gets a 404.
    """

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        from expect.accounts import second_factor
        from expect.accounts.middleware import second_factor_url

        if not request.user.is_daect:
            raise Http404
        if not second_factor.is_verified(request.user):
            return redirect(second_factor_url(request))
        return view(request, *args, **kwargs)

    return wrapped
