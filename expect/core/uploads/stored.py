"""Files stored before the disarm existed are rewritten as an upload is today."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from .checks import IMAGE_MAGICS, PDF_MAGIC
from .disarm import disarm_pdf, reencode_image


def _disarmed(data: bytes) -> tuple[bytes, set[str]]:
    if data.startswith(PDF_MAGIC):
        result = disarm_pdf(data)
        return result.content, result.removed
    for magic, (image_format, _type) in IMAGE_MAGICS.items():
        if data.startswith(magic):
            return reencode_image(data, image_format), set()
    raise ValidationError("neither a PDF nor a PNG or JPEG image", code="unknown")


@transaction.atomic
def disarm_stored(document) -> set[str]:
    """Replace a ScannedFile's stored file by its disarmed copy; what was removed.

    Raises ValidationError (and keeps the file as it is) when it cannot be disarmed. The
    row is updated only if its file is still the one read; the old file leaves the
    storage once that is committed.
    """
    with document.file.open("rb") as stored:
        data = stored.read()
    content, removed = _disarmed(data)
    old = document.file.name
    storage = document.file.storage
    document.file.save("disarmed", ContentFile(content), save=False)
    fields = {"file": document.file.name}
    if hasattr(document, "size"):
        fields["size"] = len(content)
    if removed:
        fields["scan_detail"] = f"removed: {', '.join(sorted(removed))}"[:200]
    if type(document)._base_manager.filter(pk=document.pk, file=old).update(**fields):
        transaction.on_commit(lambda: storage.delete(old))
    else:
        storage.delete(document.file.name)
    return removed
