"""Uploaded PDFs are checked by their content."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from expect.core.uploads import safe_filename, validate_pdf


def _pdf(password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _upload(content: bytes, name: str = "lettre.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_it_accepts_a_real_pdf():
    validate_pdf(_upload(_pdf()))


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"MZ\x90\x00 an executable renamed .pdf", "not_pdf"),
        (b"<html><script>alert(1)</script></html>", "not_pdf"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not_pdf"),
        (b"%PDF-1.7\nthis is not really a pdf", "malformed"),
        (b"", "not_pdf"),
    ],
)
def test_it_refuses_what_is_not_a_readable_pdf(content, code):
    with pytest.raises(ValidationError) as error:
        validate_pdf(_upload(content))
    assert error.value.code == code


def test_it_refuses_an_encrypted_pdf():
    with pytest.raises(ValidationError) as error:
        validate_pdf(_upload(_pdf(password="secret")))
    assert error.value.code == "encrypted"


def test_it_refuses_a_file_over_the_limit(settings):
    settings.MAX_UPLOAD_SIZE = 100
    with pytest.raises(ValidationError) as error:
        validate_pdf(_upload(_pdf()))
    assert error.value.code == "too_large"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\lettre.pdf", "lettre.pdf"),
        ("lettre\x00\x1b.pdf", "lettre.pdf"),
        ("   ", "document.pdf"),
    ],
)
def test_it_sanitises_file_names(name, expected):
    assert safe_filename(name) == expected
