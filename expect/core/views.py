from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from expect.celery import app as celery_app
from expect.organisations.models import Theme

from .dashboard import sections_for


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
