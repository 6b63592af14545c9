"""The object's timeline on its admin change page: the same include as on the portal."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _


class TimelineMixin:
    """Adds the read-only field `timeline` (list it in `readonly_fields` or a fieldset)."""

    def timeline_events(self, obj: models.Model) -> models.QuerySet:
        return obj.events.timeline()

    @admin.display(description=_("timeline"))
    def timeline(self, obj: models.Model | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        return render_to_string("includes/timeline.html", {"events": self.timeline_events(obj)})
