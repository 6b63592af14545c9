"""Content disarm: the portal stores and serves a rewritten copy of each upload, never its bytes.

A PDF is parsed whole by qpdf (pikepdf) or refused; every construct that runs code, opens
or fetches something or carries a file is removed, then the document is written anew with
fresh object streams, so that what a viewer reads is what was checked: old revisions,
comments and anything qpdf did not understand are gone. Plain web and mail links stay.
An image is decoded and encoded again by Pillow, without its metadata.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# Actions that run code, open another file or program, send or load data, or play media.
# Hide is there too: it can show or hide parts of the page, to make it lie.
DANGEROUS_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/GoToR",
        "/GoToE",
        "/ImportData",
        "/SubmitForm",
        "/ResetForm",
        "/Hide",
        "/RichMediaExecute",
        "/Rendition",
        "/Movie",
        "/Sound",
        "/GoTo3DView",
        "/Thread",
    }
)
# Annotations that carry a file or media; a file attachment is found by its /Subtype alone,
# whatever its /Type (or without one).
DANGEROUS_ANNOTATIONS = frozenset(
    {"/FileAttachment", "/RichMedia", "/3D", "/Screen", "/Movie", "/Sound"}
)
# Keys removed wherever they are, with what they are called in the record of the removal.
REMOVED_KEYS = {
    "/OpenAction": "open_action",
    "/AA": "additional_actions",
    "/JS": "javascript",
    "/JavaScript": "javascript",  # the document-level scripts of the names tree
    "/EmbeddedFiles": "embedded_files",
    "/EF": "embedded_files",  # the file carried by a file specification
    "/RF": "embedded_files",
    "/XFA": "xfa",
    "/NeedsRendering": "xfa",  # without its XFA, the form is the AcroForm one
    "/Collection": "embedded_files",  # a portfolio shows its attached files
    "/RichMediaContent": "rich_media",
    "/RichMediaSettings": "rich_media",
    "/3DD": "3d",
    "/PS": "postscript",  # PostScript a form XObject passes to a printer
}
ACTION_LINKS = ("/A", "/Next", "/PA")
SAFE_URI = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)
# Far more objects than any real document of 10 MB holds; more is refused, never skipped.
MAX_OBJECTS = 500_000


@dataclass
class Disarmed:
    content: bytes
    removed: set[str] = field(default_factory=set)


def damaged_pdf() -> ValidationError:
    return ValidationError(
        _("This PDF cannot be read: it seems damaged. Export it again and retry."),
        code="malformed",
    )


def _encrypted() -> ValidationError:
    return ValidationError(
        _("This PDF is protected by a password: send a version without protection."),
        code="encrypted",
    )


def disarm_pdf(data: bytes) -> Disarmed:
    """The document without active content, rewritten; a ValidationError if qpdf cannot
    read all of it cleanly, if it is encrypted or has no page."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            _check_readable(pdf)
            removed = _strip(pdf)
            output = io.BytesIO()
            pdf.save(
                output,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                compress_streams=True,
                fix_metadata_version=False,
                # The same file disarmed twice gives the same bytes: duplicates show.
                deterministic_id=True,
            )
        content = output.getvalue()
        _check_disarmed(content)
    except pikepdf.PasswordError:
        raise _encrypted() from None
    except ValidationError:
        raise
    except Exception:  # qpdf raises many kinds of errors on damaged or hostile files
        raise damaged_pdf() from None
    return Disarmed(content, removed)


def _check_readable(pdf: pikepdf.Pdf) -> None:
    if pdf.is_encrypted:
        raise _encrypted()
    if len(pdf.pages) == 0:
        raise damaged_pdf()
    # Reading every object makes qpdf parse the whole file now; what it had to repair or
    # could not read shows as a warning: such a file is refused, not guessed at.
    for count, _obj in enumerate(pdf.objects):
        if count > MAX_OBJECTS:
            raise damaged_pdf()
    if pdf.get_warnings():
        raise damaged_pdf()


def _check_disarmed(content: bytes) -> None:
    """The rewritten copy is read again: it must hold nothing that the strip removes."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        if find_active(pdf):
            raise damaged_pdf()


def _walk(root: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """Every dictionary and stream reachable from `root`, each once, without recursion.

    The caller may change a dictionary when it gets it: its children are read afterwards.
    """
    seen: set[tuple[int, int]] = set()
    stack = [root]
    count = 0
    while stack:
        obj = stack.pop()
        if not isinstance(obj, pikepdf.Object):  # numbers and booleans come as Python's
            continue
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        count += 1
        if count > MAX_OBJECTS:
            raise damaged_pdf()
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            yield obj
            stack.extend(obj[key] for key in obj)
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)


def _action_problem(action: pikepdf.Object) -> str | None:
    """What is wrong with an action dictionary ("javascript", "launch"…), or None."""
    if not isinstance(action, pikepdf.Dictionary):
        return None
    kind = action.get("/S")
    if isinstance(kind, pikepdf.Name) and str(kind) in DANGEROUS_ACTIONS:
        return str(kind)[1:].lower()
    if kind == pikepdf.Name.URI:
        uri = action.get("/URI")
        text = bytes(uri).decode("latin-1") if isinstance(uri, pikepdf.String) else ""
        if not SAFE_URI.match(text.strip()):
            return "uri"
    return None


def _is_dangerous_annotation(obj: pikepdf.Object) -> bool:
    subtype = obj.get("/Subtype") if isinstance(obj, pikepdf.Dictionary) else None
    return isinstance(subtype, pikepdf.Name) and str(subtype) in DANGEROUS_ANNOTATIONS


def _strip(pdf: pikepdf.Pdf) -> set[str]:
    removed: set[str] = set()
    for obj in _walk(pdf.trailer):
        for key in [k for k in obj if k in REMOVED_KEYS]:
            if problem := _action_problem(obj[key]):
                removed.add(problem)
            del obj[key]
            removed.add(REMOVED_KEYS[key])
        for key in [k for k in obj if k in ACTION_LINKS]:
            removed |= _strip_actions(obj, key)
        if isinstance(obj.get("/Annots"), pikepdf.Array):
            removed |= _strip_annotations(obj)
        # Wherever else an action or a media annotation hides (a names tree, a form field
        # referenced twice), it is emptied: an empty dictionary does nothing.
        if problem := _action_problem(obj):
            removed.add(problem)
            _empty(obj)
        elif _is_dangerous_annotation(obj):
            removed.add(str(obj.Subtype)[1:].lower())
            _empty(obj)
        elif _is_carried_content(obj):
            # Unreachable once its file specification lost /EF, unless something else
            # points at it: its bytes go in any case.
            is_file = obj.get("/Type") == pikepdf.Name.EmbeddedFile
            removed.add("embedded_files" if is_file else "postscript")
            obj.write(b"")
            for key in ("/Type", "/Subtype"):
                if key in obj:
                    del obj[key]
    return removed


def _is_carried_content(obj: pikepdf.Object) -> bool:
    """A file carried in the document, or PostScript for a printer (a /PS XObject)."""
    if not isinstance(obj, pikepdf.Stream):
        return False
    return obj.get("/Type") == pikepdf.Name.EmbeddedFile or obj.get("/Subtype") == pikepdf.Name.PS


def _strip_actions(obj: pikepdf.Object, key: str) -> set[str]:
    """Drop the dangerous actions of obj[key], a single action or (for /Next) an array."""
    value = obj[key]
    if isinstance(value, pikepdf.Array):
        problems = {p for item in value if (p := _action_problem(item))}
        kept = [item for item in value if not _action_problem(item)]
        if problems:
            obj[key] = pikepdf.Array(kept)
        return problems
    if problem := _action_problem(value):
        del obj[key]
        return {problem}
    return set()


def _strip_annotations(page: pikepdf.Object) -> set[str]:
    annotations = page.Annots
    dangerous = {str(a.Subtype)[1:].lower() for a in annotations if _is_dangerous_annotation(a)}
    # An annotation emptied earlier in the walk (reached another way) goes too.
    kept = [
        a
        for a in annotations
        if isinstance(a, pikepdf.Dictionary) and len(a.keys()) and not _is_dangerous_annotation(a)
    ]
    if len(kept) != len(annotations):
        page.Annots = pikepdf.Array(kept)
    return dangerous


def _empty(obj: pikepdf.Object) -> None:
    for key in list(obj.keys()):
        if key != "/Length":
            del obj[key]


def find_active(pdf: pikepdf.Pdf) -> list[str]:
    """The active constructs left in a document (what _strip removes); empty when disarmed."""
    found = []
    for obj in _walk(pdf.trailer):
        found += [REMOVED_KEYS[k] for k in obj if k in REMOVED_KEYS]
        if problem := _action_problem(obj):
            found.append(problem)
        if _is_dangerous_annotation(obj):
            found.append(str(obj.Subtype)[1:].lower())
        if _is_carried_content(obj):
            found.append("embedded_files")
    return found


SAVE_OPTIONS = {"PNG": {"optimize": True}, "JPEG": {"quality": 90}}


def reencode_image(data: bytes, image_format: str) -> bytes:
    """The image decoded and encoded again, upright, without metadata (EXIF, ICC, comments).

    Only the pixels are copied into a new image, so nothing of the file but them survives.
    """
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
    if upright.mode == "P" or (image_format == "JPEG" and upright.mode not in ("RGB", "L")):
        upright = upright.convert("RGBA" if image_format == "PNG" else "RGB")
    clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    output = io.BytesIO()
    clean.save(output, image_format, **SAVE_OPTIONS[image_format])
    return output.getvalue()
