"""Uploaded documents: one entry point, accept_upload, for every upload form of the portal.

An upload is checked by its content (checks.py), scanned by the antivirus (scan.py) and
disarmed (disarm.py): what is stored and served is the rewritten copy, never the bytes
that were sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .checks import (
    PDF_MAGIC,
    check_pdf_envelope,
    check_size,
    document_name,
    safe_filename,
    validate_annex,
    validate_image,
    validate_pdf,
)
from .disarm import disarm_pdf, reencode_image
from .scan import ScanOutcome, scan_upload

__all__ = [
    "CheckedUpload",
    "accept_upload",
    "document_name",
    "safe_filename",
    "validate_annex",
    "validate_image",
    "validate_pdf",
]

PDF = "application/pdf"
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted upload: its disarmed copy, under a safe name, and the antivirus's answer."""

    file: ContentFile
    content_type: str
    scan: ScanOutcome
    removed: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def size(self) -> int:
        return self.file.size

    @property
    def scan_fields(self) -> dict:
        """The fields of a ScannedFile: the scan, and what the disarm removed."""
        detail = f"removed: {', '.join(sorted(self.removed))}" if self.removed else ""
        return {**self.scan.fields, "scan_detail": detail}

    def document_fields(self) -> dict:
        """The fields of an UploadedDocument made from this upload (uploaded_by aside)."""
        return {
            "file": self.file,
            "original_name": self.name,
            "size": self.size,
            **self.scan_fields,
        }


def accept_upload(upload: UploadedFile, *, images: bool = False) -> CheckedUpload:
    """A PDF (or, with images=True, a PNG or JPEG image) scanned and disarmed, or a
    ValidationError that says, in French, why the file is refused."""
    check_size(upload)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    scan = scan_upload(data, name=safe_filename(upload.name))
    if data.startswith(PDF_MAGIC) or not images:
        check_pdf_envelope(upload)
        disarmed = disarm_pdf(data)
        content, content_type, removed = disarmed.content, PDF, frozenset(disarmed.removed)
    else:
        content_type = validate_annex(upload)
        content, removed = _reencoded(data, content_type), frozenset()
    name = document_name(upload.name, content_type)
    return CheckedUpload(ContentFile(content, name=name), content_type, scan, removed)


def _reencoded(data: bytes, content_type: str) -> bytes:
    try:
        return reencode_image(data, IMAGE_FORMATS[content_type])
    except Exception:  # the checks read it; a failure here is still the file's
        raise ValidationError(
            _("This image cannot be read: it seems damaged. Export it again and retry."),
            code="malformed",
        ) from None
