"""The one PDF helper: real A4 PDFs with Marianne embedded, and nothing from the network.

`pdf_text` and `embedded_fonts` are also used by the tests of the views that serve PDFs.
"""

import socket
from io import BytesIO

import pytest
from pypdf import PdfReader

from expect.core import pdf as pdf_module
from expect.core.pdf import pdf_response, render_pdf

A4 = (595, 842)  # points, rounded
FONT_PROGRAMS = ("/FontFile", "/FontFile2", "/FontFile3")


def pdf_text(pdf: bytes) -> str:
    """The text of every page, as a reader would copy it."""
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def embedded_fonts(pdf: bytes) -> dict[str, bool]:
    """Each font of the first page by name, and whether its program is in the file."""
    fonts = {}
    page = PdfReader(BytesIO(pdf)).pages[0]
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        # A composite (Type0) font keeps its descriptor in its descendant font.
        described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = described["/FontDescriptor"].get_object()
        fonts[str(font["/BaseFont"])] = any(key in descriptor for key in FONT_PROGRAMS)
    return fonts


def assert_real_pdf(pdf: bytes) -> None:
    """A PDF with text, every font of it embedded, Marianne among them."""
    assert pdf.startswith(b"%PDF-")
    fonts = embedded_fonts(pdf)
    assert fonts and all(fonts.values()), fonts
    assert any("Marianne" in name for name in fonts), fonts


@pytest.fixture
def pdf():
    return render_pdf("pdf/base.html", {})


def test_it_renders_an_a4_page(pdf):
    box = PdfReader(BytesIO(pdf)).pages[0].mediabox
    assert (round(box.width), round(box.height)) == A4


def test_it_embeds_marianne(pdf):
    assert_real_pdf(pdf)


def test_it_prints_the_marque_the_daect_address_and_the_page_number(pdf):
    text = pdf_text(pdf)
    assert "MINISTÈRE" in text
    assert "75007 Paris" in text
    assert "1 / 1" in text


@pytest.fixture
def remote_template(settings):
    """A document that names an image and a stylesheet on another server."""
    source = (
        '{% extends "pdf/base.html" %}{% block content %}<p>Bonjour</p>'
        '<img src="http://192.0.2.1/logo.png">'
        '<link rel="stylesheet" href="https://192.0.2.1/style.css">{% endblock %}'
    )
    loaders = [
        ("django.template.loaders.locmem.Loader", {"remote.html": source}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    engine = settings.TEMPLATES[0]
    options = {**engine["OPTIONS"], "loaders": loaders}
    settings.TEMPLATES = [{**engine, "APP_DIRS": False, "OPTIONS": options}]
    return "remote.html"


def test_it_never_goes_to_the_network(monkeypatch, remote_template):
    opened = []
    monkeypatch.setattr(socket, "create_connection", lambda *args, **kw: opened.append(args))
    pdf = render_pdf(remote_template, {})
    assert opened == []
    assert "Bonjour" in pdf_text(pdf)


def test_it_serves_the_pdf_inline_under_a_harmless_name():
    response = pdf_response(b"%PDF-1.7", 'Label "Saint-Étienne"\r\nX-Evil: 1/../a.pdf')
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="label-saint-etienne-x-evil-1a.pdf"'
    )
    assert response.content == b"%PDF-1.7"


def test_it_serves_the_pdf_as_a_download_when_asked():
    response = pdf_response(b"%PDF-1.7", "recepisse.pdf", inline=False)
    assert response["Content-Disposition"] == 'attachment; filename="recepisse.pdf"'


def test_it_keeps_the_document_out_of_shared_caches():
    assert "no-store" in pdf_response(b"%PDF-1.7", "x")["Cache-Control"]


def test_a_document_gets_its_own_stylesheet_after_the_shared_one():
    sheets = pdf_module._shared().stylesheets("labellisation/pdf/certificate.html")
    assert len(sheets) == 2
    assert pdf_module._shared().stylesheets("pdf/base.html") == sheets[:1]


def test_the_fonts_are_loaded_once_per_process():
    first = pdf_module._shared().fonts
    render_pdf("pdf/base.html", {})
    assert pdf_module._shared().fonts is first
