"""The user's pages of reminders: preferences, upcoming deadlines and the calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from expect.core.pages import page_context

from . import calendar
from .emails import absolute_url
from .forms import PreferencesForm
from .models import CalendarFeed
from .rules import deadlines_for


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    context = {"form": form, **page_context(_("My notification preferences"))}
    return render(request, "notifications/preferences.html", context)


def feed_url(feed: CalendarFeed) -> str:
    return absolute_url(reverse("notifications:calendar_feed", args=[feed.token]))


@login_required
@require_safe
def deadlines(request: HttpRequest) -> HttpResponse:
    feed, _created = CalendarFeed.objects.get_or_create(user=request.user)
    context = {
        "deadlines": deadlines_for(request.user),
        "feed_url": feed_url(feed),
        **page_context(_("My deadlines")),
    }
    return render(request, "notifications/deadlines.html", context)


@login_required
@require_POST
def renew_feed(request: HttpRequest) -> HttpResponse:
    feed, created = CalendarFeed.objects.get_or_create(user=request.user)
    if not created:
        feed.renew()
    messages.success(
        request,
        _(
            "Your calendar has a new address: the old one no longer works. Subscribe again "
            "with the address below in your calendar app."
        ),
    )
    return redirect("notifications:deadlines")


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in: calendar apps cannot sign in, the secret token is the key."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404(_("This calendar address does not exist or no longer works."))
    user = feed.user
    with translation.override(user.preferred_language):
        start = calendar.feed_start(timezone.localdate())
        body = calendar.build(deadlines_for(user, start=start), uid=f"calendar-{user.pk}@expe-ct")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="expe-ct.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
