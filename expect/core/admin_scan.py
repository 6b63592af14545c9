"""The antivirus column of the back office's document lists."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ScannedFile


@admin.display(description=_("antivirus"), ordering="scan_state")
def antivirus(obj: ScannedFile) -> str:
    """The scan state ("Not scanned" when scanning is off), with what was found or removed."""
    if not obj.pk:
        return "—"
    if obj.scan_detail:
        return format_html("{} ({})", obj.scan_label, obj.scan_detail)
    return str(obj.scan_label)
