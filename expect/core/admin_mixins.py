"""The object's timeline on its admin change page: the same include as on the portal."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .references import reference_q


class TimelineMixin:
    """Adds the read-only field `timeline` (list it in `readonly_fields` or a fieldset)."""

    def timeline_events(self, obj: models.Model) -> models.QuerySet:
        return obj.events.timeline()

    @admin.display(description=_("timeline"))
    def timeline(self, obj: models.Model | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        return render_to_string("includes/timeline.html", {"events": self.timeline_events(obj)})


class ReferenceSearchMixin:
    """The admin search also finds a reference typed with or without its prefix, any case
    ("expe-ct-000002", "EXPE-CT-2", "2"); set `reference_lookup` for a related object's."""

    reference_lookup = "reference"
    reference_model: type[models.Model] | None = None

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        exact = reference_q(search_term, self.reference_model or self.model, self.reference_lookup)
        if exact is not None:
            results = results | queryset.filter(exact)
        return results, may_have_duplicates
