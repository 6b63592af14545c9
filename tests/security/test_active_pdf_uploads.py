"""PDFs that run code, open or fetch something or carry files are disarmed on every upload form.

The corpus (tests/security/pdf_corpus.py) writes each construct in four encodings. Posted
to each form, with the real antivirus running: no server error, the document is kept
with its content, and what the download view serves is the rewritten copy, in which an
independent walk of every object finds no active construct left.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from expect.core.uploads import accept_upload
from tests.security.pdf_corpus import (
    CORPUS,
    ESCAPED,
    VISIBLE_TEXT,
    active_content,
    hostile_pdf,
    visible_text,
)
from tests.security.test_hostile_uploads import PE, pdf_with, pdf_with_launch_action
from tests.security.upload_forms import FORMS, downloaded, stored_state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _antivirus(scanning):
    """The whole path of an upload: the real clamd scans each one."""


def _post_and_download(client, world, form_name: str, content: bytes) -> tuple[object, bytes]:
    form = FORMS[form_name]
    before = stored_state(world)
    response = form.post(client, world, SimpleUploadedFile("lettre.pdf", content))
    assert response.status_code == 200
    if stored_state(world) == before:
        with pytest.raises(ValidationError) as refusal:
            accept_upload(SimpleUploadedFile("lettre.pdf", content))
        assert escape(refusal.value.messages[0]) in response.content.decode()
        return None, b""
    notice = "Le portail a retiré de lettre.pdf ce qui pouvait s’exécuter"
    assert notice in response.content.decode()
    document = form.latest(world)
    return document, downloaded(form.download(client, world, document))


@pytest.mark.parametrize("form_name", FORMS)
@pytest.mark.parametrize("case", CORPUS)
def test_an_active_pdf_is_kept_disarmed_and_served_disarmed(client, world, form_name, case):
    content = hostile_pdf(case)
    assert active_content(content), "the corpus file must be active to begin with"
    document, served = _post_and_download(client, world, form_name, content)
    if document is None:
        # Refused outright is fine too: ClamAV's own heuristics find names written with
        # #xx escapes (Heuristics.PDF.ObfuscatedNameObject).
        assert case.endswith("(#xx names)")
        return
    assert active_content(served) == []
    assert VISIBLE_TEXT in visible_text(served)  # the letter itself is still there
    assert served != content
    assert document.scan_state == "clean"
    assert document.scan_detail.startswith("removed: ")


PYPDF_MADE = {
    "JavaScript added by pypdf": lambda: pdf_with(lambda w: w.add_js("app.alert('EXPE-CT');")),
    "executable attached by pypdf": lambda: pdf_with(lambda w: w.add_attachment("a.exe", PE)),
    "launch open action": pdf_with_launch_action,
}


@pytest.mark.parametrize("form_name", FORMS)
@pytest.mark.parametrize("kind", PYPDF_MADE)
def test_an_active_pdf_made_by_another_library_is_disarmed_too(client, world, form_name, kind):
    content = PYPDF_MADE[kind]()
    assert active_content(content)
    document, served = _post_and_download(client, world, form_name, content)
    assert document is not None
    assert active_content(served) == []


def test_the_escaped_encoding_really_escapes_the_names():
    content = hostile_pdf("JavaScript open action (#xx names)")
    assert ESCAPED[b"/JavaScript"] in content and b"/JavaScript" not in content
    assert b"/OpenAction" not in content


def test_the_incremental_encoding_appends_the_construct_after_a_clean_document():
    content = hostile_pdf("JavaScript open action (incremental update)")
    first_revision = content[: content.index(b"%%EOF") + len(b"%%EOF")]
    assert active_content(first_revision) == []
    assert b"/OpenAction" in content[len(first_revision) :]
