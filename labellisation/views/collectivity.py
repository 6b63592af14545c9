"""A labelled collectivity's public page: its labelled expertise, the contact it chose to
publish, its completed missions with their published reports and the partner's feedback."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from expect.core.pages import page_context
from expect.organisations.models import Collectivity

from ..filters import labelled_collectivities
from ..models import Label


def public_collectivity(pk: int, day: date) -> Collectivity:
    """The collectivity if it holds a label valid that day (404 otherwise), with those
    labels, their theme and the application that described the expertise."""
    labels = (
        Label.objects.valid_on(day)
        .select_related("theme", "application")
        .order_by("theme__position", "theme__name")
    )
    collectivities = (
        labelled_collectivities(day)
        .prefetch_related(None)
        .prefetch_related("languages", Prefetch("labels", queryset=labels, to_attr="valid_labels"))
    )
    return get_object_or_404(collectivities, pk=pk)


@require_GET
def collectivity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Only labelled collectivities have a public page: 404 for the others.
    collectivity = public_collectivity(pk, timezone.localdate())
    catalogue = {"url": reverse("labellisation:catalogue"), "title": _("Labelled expertise")}
    context = {"collectivity": collectivity, **page_context(str(collectivity), catalogue)}
    return render(request, "labellisation/public/collectivity_detail.html", context)
