"""Serving an uploaded document, once the antivirus has passed it."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import ScannedFile, ScanState


def document_download(
    request: HttpRequest, document: ScannedFile, *, filename: str, content_type: str
) -> HttpResponse:
    """The stored file (the disarmed copy) as an attachment; a held or infected file is
    not served, and the page says why (409)."""
    if not document.is_downloadable:
        return _not_available(request, document)
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )


def _not_available(request: HttpRequest, document: ScannedFile) -> HttpResponse:
    if document.scan_state == ScanState.INFECTED:
        text = _(
            "The antivirus found a virus in this document: it was deleted. "
            "Ask the person who sent it for a clean copy."
        )
    else:
        text = _(
            "This document is awaiting analysis by the antivirus: it will be available "
            "in a few minutes."
        )
    context = {"status": 409, "title": _("Document not available"), "text": text}
    return render(request, "core/error.html", context, status=409)
