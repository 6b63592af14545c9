"""PDF documents rendered from Django templates with WeasyPrint.

Certificates, receipts, agendas and minutes are real PDFs: A4 (set by the shared
print stylesheet in templates/pdf/base.html), selectable text, and the DSFR font
Marianne embedded, so that they print and archive the same everywhere.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from weasyprint import HTML
from weasyprint.urls import URLFetcher

# The PDF templates name the fonts relative to the DSFR distribution
# folder shipped by django-dsfr, found through this file.
DSFR_MARKER = "dsfr/dist/fonts/Marianne-Regular.woff2"


def _dsfr_base_url() -> str:
    """The DSFR distribution folder as a file URL: fonts are read from disk, not the network."""
    path = finders.find(DSFR_MARKER)
    if not path:
        raise ImproperlyConfigured(f"{DSFR_MARKER} not found: is django-dsfr installed?")
    return Path(path).parent.parent.as_uri() + "/"


def render_pdf(template_name: str, context: dict, *, request: HttpRequest | None = None) -> bytes:
    """Render a template extending pdf/base.html to the bytes of a PDF."""
    html = render_to_string(template_name, context, request=request)
    # Local files and inline data only: a document never waits on, nor leaks to, the network.
    fetcher = URLFetcher(allowed_protocols=("file", "data"))
    return HTML(string=html, base_url=_dsfr_base_url(), url_fetcher=fetcher).write_pdf()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """Serve a PDF under a file name reduced to ASCII letters, digits and hyphens.

    The name often holds a collectivity's name: slugify drops accents, quotes, slashes
    and line breaks, which would otherwise break or inject into the header.
    """
    name = slugify(filename.removesuffix(".pdf")) or "document"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, f"{name}.pdf")
    # The documents are personal: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response
