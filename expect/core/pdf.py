"""PDF documents rendered from Django templates with WeasyPrint.

Certificates, receipts, agendas and minutes are real PDFs: A4 (set by the shared
print stylesheet templates/pdf/print.css), selectable text, and the DSFR font
Marianne embedded, so that they print and archive the same everywhere.

What every document shares is prepared once per process and reused: the font
configuration (decoding Marianne's four WOFF2 files cost ~130 ms per PDF), the
parsed print stylesheet and the images it holds. Documents whose content does not
change (a certificate, a receipt, a confirmed mission's sheet) are also stored once
rendered: see `stored_pdf`.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import get_language
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

# The PDF templates name the fonts relative to the DSFR distribution
# folder shipped by django-dsfr, found through this file.
DSFR_MARKER = "dsfr/dist/fonts/Marianne-Regular.woff2"
PRINT_STYLESHEET = "pdf/print.css"
STORED_DIR = "documents"

# WeasyPrint's font configuration (Pango and Fontconfig underneath) is not made to
# be shared between threads: a threaded server renders one document at a time.
_lock = threading.Lock()


def _dsfr_base_url() -> str:
    """The DSFR distribution folder as a file URL: fonts are read from disk, not the network."""
    path = finders.find(DSFR_MARKER)
    if not path:
        raise ImproperlyConfigured(f"{DSFR_MARKER} not found: is django-dsfr installed?")
    return Path(path).parent.parent.as_uri() + "/"


def _fetcher() -> URLFetcher:
    # Local files and inline data only: a document never waits on, nor leaks to, the network.
    return URLFetcher(allowed_protocols=("file", "data"))


class _Shared:
    """What every document of this process reuses: fonts, stylesheets, decoded images."""

    def __init__(self) -> None:
        self.base_url = _dsfr_base_url()
        self.fonts = FontConfiguration()
        self.images: dict = {}
        self.sources: dict[str, str] = {}
        self.sheets: dict[str, CSS | None] = {}
        # Parsing the stylesheet registers its @font-face rules in `fonts` once.
        self.stylesheet = self._parse(PRINT_STYLESHEET)

    def _parse(self, name: str) -> CSS:
        source = self.sources[name] = render_to_string(name)
        return CSS(
            string=source, base_url=self.base_url, url_fetcher=_fetcher(), font_config=self.fonts
        )

    def stylesheets(self, template_name: str) -> list[CSS]:
        """The shared stylesheet, then the document's own (`certificate.html` has
        `certificate.css` beside it), which wins where both set the same thing."""
        if template_name not in self.sheets:
            own = template_name.removesuffix(".html") + ".css"
            try:
                self.sheets[template_name] = self._parse(own)
            except TemplateDoesNotExist:
                self.sheets[template_name] = None
        own_sheet = self.sheets[template_name]
        return [self.stylesheet] if own_sheet is None else [self.stylesheet, own_sheet]

    def version(self, template_name: str) -> str:
        """What the stylesheets of a document are made of: a stored copy of it is only
        good while they stay the same."""
        self.stylesheets(template_name)
        own = self.sources.get(template_name.removesuffix(".html") + ".css", "")
        return self.sources[PRINT_STYLESHEET] + own


@cache
def _shared() -> _Shared:
    return _Shared()


def render_html_pdf(html: str, template_name: str = "") -> bytes:
    """The PDF of an HTML page written for pdf/base.html (from `template_name`)."""
    with _lock:
        shared = _shared()
        document = HTML(string=html, base_url=shared.base_url, url_fetcher=_fetcher())
        return document.write_pdf(
            stylesheets=shared.stylesheets(template_name),
            font_config=shared.fonts,
            cache=shared.images,
        )


def render_pdf(template_name: str, context: dict, *, request: HttpRequest | None = None) -> bytes:
    """Render a template extending pdf/base.html to the bytes of a PDF."""
    return render_html_pdf(render_to_string(template_name, context, request=request), template_name)


def stored_pdf(
    folder: str,
    template_name: str,
    context: dict,
    *,
    request: HttpRequest | None = None,
    volatile: tuple[str, ...] = (),
) -> bytes:
    """A document rendered once and kept in storage until what it shows changes.

    The fingerprint is a keyed hash of the page the document is made of and of its
    stylesheets, so any change of the data it shows (or of its template, its styles or
    the language) makes a new one; the
    keys of `volatile` (the day of issue) are left out of it, so that a copy issued
    yesterday is still the copy of today. The fingerprint is the file's name, under
    `folder` and the language: the old versions of that folder are then deleted.
    """
    steady = {**context, **dict.fromkeys(volatile)}
    page = render_to_string(template_name, steady, request=request)
    with _lock:
        styles = _shared().version(template_name)
    fingerprint = salted_hmac("expect.core.pdf.stored_pdf", styles + page).hexdigest()
    directory = f"{STORED_DIR}/{folder}/{get_language() or 'default'}"
    name = f"{directory}/{fingerprint}.pdf"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    pdf = render_html_pdf(render_to_string(template_name, context, request=request), template_name)
    _replace(directory, name, pdf)
    return pdf


def _replace(directory: str, name: str, pdf: bytes) -> None:
    """Store the new version and drop the older ones of the same document."""
    saved = default_storage.save(name, ContentFile(pdf))
    _folders, files = default_storage.listdir(directory)
    for other in files:
        path = f"{directory}/{other}"
        if path != saved:
            default_storage.delete(path)


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
