from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from expect.celery import app as celery_app
from expect.organisations.models import Theme

from . import saved_filters
from .dashboard import sections_for
from .decorators import daect_required
from .models import SavedFilter


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    themes = Theme.objects.filter(is_active=True)
    return render(request, "core/home.html", {"themes": themes})


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {
        "title": _("Dashboard"),
        "sections": sections_for(request),
        "breadcrumb_data": {"current": _("Dashboard")},
    }
    return render(request, "core/dashboard.html", context)


def static_page(template: str, title: str):
    """A plain informational page (accessibility statement, legal notice…)."""

    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        context = {"title": _(title), "breadcrumb_data": {"current": _(title)}}
        return render(request, template, context)

    return view


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, on the RGAA model; its status comes from the settings."""
    title = _("Accessibility")
    context = {
        "title": title,
        "breadcrumb_data": {"current": title},
        "compliance": settings.ACCESSIBILITY,
        "statement_date": settings.ACCESSIBILITY_STATEMENT_DATE,
    }
    return render(request, "core/accessibility.html", context)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and docker-compose: 200 when database and broker answer."""
    state = {"database": _database_ok(), "broker": _broker_ok()}
    status = 200 if all(state.values()) else 503
    body = {name: "ok" if ok else "unavailable" for name, ok in state.items()}
    return JsonResponse({"status": "ok" if status == 200 else "degraded", **body}, status=status)


def _back(request: HttpRequest, path: str) -> str:
    safe = url_has_allowed_host_and_scheme(
        path, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return path if safe and path.startswith("/") else reverse("core:dashboard")


@daect_required
@require_POST
def saved_filter_create(request: HttpRequest) -> HttpResponse:
    path, query = request.POST.get("path", ""), request.POST.get("query", "")
    try:
        saved = saved_filters.saved_filter_create(
            by=request.user, name=request.POST.get("name", ""), path=path, query=query
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_back(request, f"{path}?{query}" if query else path))
    messages.success(
        request,
        _("Filter “%(name)s” saved: reopen it from this list or your dashboard.")
        % {"name": saved.name},
    )
    return redirect(saved.url)


@daect_required
@require_POST
def saved_filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's saved filter is not found, rather than forbidden.
    saved = get_object_or_404(SavedFilter, pk=pk, owner=request.user)
    saved_filters.saved_filter_delete(saved=saved, by=request.user)
    messages.success(request, _("Saved filter deleted."))
    return redirect(saved.path)
