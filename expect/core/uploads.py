"""Checks on uploaded documents: by content, never by name or browser-sent type."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

PDF_MAGIC = b"%PDF-"


def validate_pdf(upload: UploadedFile) -> None:
    """A readable, unencrypted PDF of at most MAX_UPLOAD_SIZE bytes."""
    if upload.size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("This file is too large (%(size)s); the maximum is %(max)s.")
            % {
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.MAX_UPLOAD_SIZE),
            },
            code="too_large",
        )
    upload.seek(0)
    if not upload.read(len(PDF_MAGIC)) == PDF_MAGIC:
        raise ValidationError(
            _("This file is not a PDF. Export your document as PDF and try again."),
            code="not_pdf",
        )
    upload.seek(0)
    _check_readable(upload)
    upload.seek(0)


def _check_readable(upload: UploadedFile) -> None:
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("This PDF is protected by a password: send a version without protection."),
                code="encrypted",
            )
        if len(reader.pages) == 0:
            raise PyPdfError("no page")
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds of errors on damaged files
        raise ValidationError(
            _("This PDF cannot be read: it seems damaged. Export it again and retry."),
            code="malformed",
        ) from None


def safe_filename(name: str, *, default: str = "document.pdf") -> str:
    """The last path component, without control characters, at most 150 characters."""
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    return name[-150:] or default


IMAGE_MAGICS = {
    b"\x89PNG\r\n\x1a\n": ("PNG", "image/png"),
    b"\xff\xd8\xff": ("JPEG", "image/jpeg"),
}
# A JPEG is decoded at a reduced scale: enough to find a truncated or damaged file
# without spending the memory of a full decode.
JPEG_CHECK_SIZE = (64, 64)


def _check_size(upload: UploadedFile) -> None:
    if upload.size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("This file is too large (%(size)s); the maximum is %(max)s.")
            % {
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.MAX_UPLOAD_SIZE),
            },
            code="too_large",
        )


def validate_image(upload: UploadedFile) -> str:
    """A readable PNG or JPEG image of at most MAX_UPLOAD_SIZE bytes; returns its MIME type."""
    _check_size(upload)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    found = [kind for magic, kind in IMAGE_MAGICS.items() if head.startswith(magic)]
    if not found:
        raise ValidationError(_("This file is not a PNG or JPEG image."), code="not_image")
    image_format, content_type = found[0]
    try:
        _check_decodable(upload, image_format)
    except Exception:  # Pillow raises many kinds of errors on damaged or hostile files
        raise ValidationError(
            _("This image cannot be read: it seems damaged. Export it again and retry."),
            code="malformed",
        ) from None
    finally:
        upload.seek(0)
    return content_type


def _check_decodable(upload: UploadedFile, image_format: str) -> None:
    with Image.open(upload) as image:
        if image.format != image_format:
            raise ValueError(image.format)
        image.verify()
    if image_format == "JPEG":
        upload.seek(0)
        with Image.open(upload) as image:
            image.draft("RGB", JPEG_CHECK_SIZE)
            image.load()


def validate_annex(upload: UploadedFile) -> str:
    """A report annex: a PDF (see validate_pdf) or a PNG or JPEG image; returns its MIME type."""
    upload.seek(0)
    is_pdf = upload.read(len(PDF_MAGIC)) == PDF_MAGIC
    upload.seek(0)
    if is_pdf:
        validate_pdf(upload)
        return "application/pdf"
    try:
        return validate_image(upload)
    except ValidationError as error:
        if error.code != "not_image":
            raise
        raise ValidationError(
            _("This file is neither a PDF nor a PNG or JPEG image."), code="not_annex"
        ) from None
