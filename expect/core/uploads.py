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
