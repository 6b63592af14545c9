"""Uploaded documents: one entry point, accept_upload, for every upload form of the portal.

An upload is checked by its content (checks.py), scanned by the antivirus (scan.py) and
disarmed (disarm.py): what is stored and served is the rewritten copy, never the bytes
that were sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    "tell_what_was_removed",
    "document_name",
    "safe_filename",
    "validate_annex",
    "validate_image",
    "validate_pdf",
]

PDF = "application/pdf"
# What the disarm removes (disarm.py's codes), as the person who sent the file reads it.
_SCRIPTS = gettext_lazy("scripts")
_AUTOMATIC = gettext_lazy("actions run automatically")
_OPENING = gettext_lazy("actions that open programs or other files")
_FORMS = gettext_lazy("form actions")
_MEDIA = gettext_lazy("media or 3D content")
_FILES = gettext_lazy("attached files")
_LINKS = gettext_lazy("links other than web or e-mail addresses")
REMOVED_LABELS = {
    "javascript": _SCRIPTS,
    "open_action": _AUTOMATIC,
    "additional_actions": _AUTOMATIC,
    **dict.fromkeys(["launch", "gotor", "gotoe", "thread", "importdata", "postscript"], _OPENING),
    **dict.fromkeys(["submitform", "resetform", "hide", "xfa"], _FORMS),
    **dict.fromkeys(
        ["rich_media", "richmedia", "richmediaexecute", "rendition", "movie", "sound"], _MEDIA
    ),
    **dict.fromkeys(["screen", "3d", "goto3dview"], _MEDIA),
    **dict.fromkeys(["embedded_files", "fileattachment"], _FILES),
    "uri": _LINKS,
}
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

    @property
    def removal_notice(self) -> str | None:
        """What the person is told when the disarm removed something, or None."""
        if not self.removed:
            return None
        labels = sorted({str(REMOVED_LABELS.get(code, _FORMS)) for code in self.removed})
        return _(
            "The portal removed from %(name)s what could run or open something: %(items)s. "
            "The rest of the document is kept."
        ) % {"name": self.name, "items": ", ".join(labels)}

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


def tell_what_was_removed(request: HttpRequest, checked: CheckedUpload) -> None:
    if notice := checked.removal_notice:
        messages.warning(request, notice)
