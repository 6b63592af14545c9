"""Deployment checks of the shared building blocks (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_antivirus(app_configs, **kwargs) -> list:
    """A production portal scans every upload: without CLAMAV_URL, none is."""
    if settings.CLAMAV_URL:
        return []
    return [
        Warning(
            "CLAMAV_URL is not set: uploaded files are not scanned for viruses.",
            hint="Run clamd and set CLAMAV_URL=unix:///run/clamav/clamd.ctl (or tcp://host:port).",
            id="expect.W001",
        )
    ]
