"""Checks on uploaded documents: by content, never by name or browser-sent type.

Every check reads the file itself: the magic bytes say what it is, then qpdf (pikepdf)
or Pillow must read it. Whatever a hostile file makes these libraries raise becomes a clear
ValidationError, never a server error.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image

from expect.core.formats import file_size

from .disarm import damaged_pdf, disarm_pdf

PDF_MAGIC = b"%PDF-"
# Viewers look for the end-of-file marker in the last kilobyte (PDF 1.7, implementation
# note 18); a file without it was cut short on the way.
PDF_EOF = b"%%EOF"
PDF_TAIL_SIZE = 1024
# Browsers guess a type from the first bytes of a file (WHATWG MIME sniffing reads 1,445):
# a document whose first bytes hold markup could be taken for a web page.
SNIFF_SIZE = 1445
MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|img\s)",
    re.IGNORECASE,
)  # Only tags with a letter that no PDF hex string holds: "<a " could be one.
MAX_NAME_LENGTH = 150


def check_size(upload: UploadedFile) -> None:
    if upload.size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("This file is too large (%(size)s); the maximum is %(max)s.")
            % {
                "size": file_size(upload.size),
                "max": file_size(settings.MAX_UPLOAD_SIZE),
            },
            code="too_large",
        )


def _read_at(upload: UploadedFile, start: int, size: int) -> bytes:
    upload.seek(start)
    data = upload.read(size)
    upload.seek(0)
    return data


def _check_no_markup(upload: UploadedFile) -> None:
    if MARKUP.search(_read_at(upload, 0, SNIFF_SIZE)):
        raise ValidationError(
            _(
                "This file contains web page code at its start: it may be disguised. "
                "Export your document again and retry."
            ),
            code="markup",
        )


def check_pdf_envelope(upload: UploadedFile) -> None:
    """What can be seen without parsing: size, the PDF header, no markup, the end marker."""
    check_size(upload)
    if _read_at(upload, 0, len(PDF_MAGIC)) != PDF_MAGIC:
        raise ValidationError(
            _("This file is not a PDF. Export your document as PDF and try again."),
            code="not_pdf",
        )
    _check_no_markup(upload)
    if PDF_EOF not in _read_at(upload, max(upload.size - PDF_TAIL_SIZE, 0), PDF_TAIL_SIZE):
        raise damaged_pdf()


def validate_pdf(upload: UploadedFile) -> None:
    """A complete, readable, unencrypted PDF of at most MAX_UPLOAD_SIZE bytes, which qpdf
    parses whole (see disarm.disarm_pdf, which also rewrites it)."""
    check_pdf_envelope(upload)
    disarm_pdf(_read_at(upload, 0, upload.size))


def safe_filename(name: str, *, default: str = "document.pdf") -> str:
    """The last path component, without control or direction characters, at most 150 characters."""
    name = PurePath(name.replace("\\", "/")).name
    # Category C holds the control characters, NUL, and the format characters such as
    # U+202E RIGHT-TO-LEFT OVERRIDE, which make "fdp.exe" read as "exe.pdf".
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    return name[-MAX_NAME_LENGTH:] or default


EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
SAME_EXTENSIONS = {".jpg": (".jpg", ".jpeg")}


def document_name(name: str, content_type: str) -> str:
    """A safe name (see safe_filename) that ends with the extension of what the file is.

    The content was checked: the name must not say otherwise ("lettre.pdf.exe").
    """
    extension = EXTENSIONS[content_type]
    name = safe_filename(name, default=f"document{extension}")
    if name.lower().endswith(SAME_EXTENSIONS.get(extension, (extension,))):
        return name
    return name[: MAX_NAME_LENGTH - len(extension)] + extension


IMAGE_MAGICS = {
    b"\x89PNG\r\n\x1a\n": ("PNG", "image/png"),
    b"\xff\xd8\xff": ("JPEG", "image/jpeg"),
}
# A JPEG is decoded at a reduced scale: enough to find a truncated or damaged file
# without spending the memory of a full decode.
JPEG_CHECK_SIZE = (64, 64)
# More than a 48-megapixel photograph; a small file claiming more is a decompression bomb.
MAX_IMAGE_PIXELS = 50_000_000


def validate_image(upload: UploadedFile) -> str:
    """A readable PNG or JPEG image of at most MAX_UPLOAD_SIZE bytes and MAX_IMAGE_PIXELS
    pixels; returns its MIME type."""
    check_size(upload)
    head = _read_at(upload, 0, 8)
    found = [kind for magic, kind in IMAGE_MAGICS.items() if head.startswith(magic)]
    if not found:
        raise ValidationError(_("This file is not a PNG or JPEG image."), code="not_image")
    _check_no_markup(upload)
    image_format, content_type = found[0]
    try:
        _check_decodable(upload, image_format)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except Exception:  # Pillow raises many kinds of errors on damaged or hostile files
        raise ValidationError(
            _("This image cannot be read: it seems damaged. Export it again and retry."),
            code="malformed",
        ) from None
    finally:
        upload.seek(0)
    return content_type


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("This image has too many pixels; the maximum is %(max)s million. Reduce it and retry.")
        % {"max": MAX_IMAGE_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def _check_decodable(upload: UploadedFile, image_format: str) -> None:
    # Pillow warns on large images; the limit below is lower and says so clearly.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(upload) as image:
            if image.format != image_format:
                raise ValueError(image.format)
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels()
            image.verify()
        if image_format == "JPEG":
            upload.seek(0)
            with Image.open(upload) as image:
                image.draft("RGB", JPEG_CHECK_SIZE)
                image.load()


def validate_annex(upload: UploadedFile) -> str:
    """A report annex: a PDF (see validate_pdf) or a PNG or JPEG image; returns its MIME type."""
    if _read_at(upload, 0, len(PDF_MAGIC)) == PDF_MAGIC:
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
