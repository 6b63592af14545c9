"""Documents that do not change are rendered once, stored, and made again when their data change."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from expect.core import pdf
from tests.core.test_pdf import pdf_text

TEMPLATE = "stored.html"
SOURCE = (
    '{% extends "pdf/base.html" %}{% block content %}'
    "<p>{{ holder }}</p><p>Délivré le {{ issued_on|date:'d/m/Y' }}</p>{% endblock %}"
)


@pytest.fixture(autouse=True)
def template(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    engine = settings.TEMPLATES[0]
    loaders = [
        ("django.template.loaders.locmem.Loader", {TEMPLATE: SOURCE}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    options = {**engine["OPTIONS"], "loaders": loaders}
    settings.TEMPLATES = [{**engine, "APP_DIRS": False, "OPTIONS": options}]


@pytest.fixture
def renders(monkeypatch):
    """The number of PDFs WeasyPrint actually lays out."""
    made = []
    real = pdf.render_html_pdf
    monkeypatch.setattr(
        pdf, "render_html_pdf", lambda html, *args: made.append(html) or real(html, *args)
    )
    return made


def stored(holder: str = "Villeurbanne", issued_on=datetime.date(2026, 5, 4)) -> bytes:
    context = {"holder": holder, "issued_on": issued_on}
    return pdf.stored_pdf("labels/1/certificate", TEMPLATE, context, volatile=("issued_on",))


def files() -> list[str]:
    return default_storage.listdir("documents/labels/1/certificate/fr")[1]


def test_it_renders_the_document_once_then_serves_the_stored_copy(renders):
    first = stored()
    assert stored() == first
    assert len(renders) == 1
    assert "Villeurbanne" in pdf_text(first)


def test_a_change_of_what_it_shows_makes_a_new_document(renders):
    stored("Villeurbanne")
    assert "Lyon" in pdf_text(stored("Lyon"))
    assert len(renders) == 2


def test_the_new_version_replaces_the_old_one_in_storage():
    stored("Villeurbanne")
    stored("Lyon")
    assert len(files()) == 1


def test_the_day_of_issue_alone_makes_no_new_document(renders):
    first = stored(issued_on=datetime.date(2026, 5, 4))
    assert stored(issued_on=datetime.date(2026, 5, 5)) == first
    assert "04/05/2026" in pdf_text(first)
    assert len(renders) == 1


def test_each_language_has_its_own_copy(renders):
    stored()
    with translation.override("en"):
        stored()
    assert len(renders) == 2
    assert len(files()) == 1


def test_the_file_name_cannot_be_guessed_from_the_content(settings):
    stored()
    before = files()
    settings.SECRET_KEY = "another-secret-key-of-at-least-fifty-characters-long-000"
    stored()
    # Same page, another key: another name (the names are keyed hashes, not plain ones).
    assert files() != before


def test_a_change_of_its_styles_makes_a_new_document(renders, monkeypatch):
    stored()
    shared = pdf._shared()
    monkeypatch.setitem(shared.sources, pdf.PRINT_STYLESHEET, "h1 { color: red; }")
    stored()
    assert len(renders) == 2
