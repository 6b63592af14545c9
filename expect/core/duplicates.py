"""The same file twice on one object: refused, with a message naming the first copy.

Compared by content (SHA-256), and only with the object's documents of the same size,
so that nothing is read for most uploads and nothing needs storing.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

CHUNK = 64 * 1024


def content_hash(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(CHUNK), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def find_duplicate(upload, documents: QuerySet):
    """The document of `documents` whose content is the upload's, if any."""
    candidates = list(documents.filter(size=upload.size))
    if not candidates:
        return None
    wanted = content_hash(upload)
    for document in candidates:
        with document.file.open("rb") as stored:
            if content_hash(stored) == wanted:
                return document
    return None


def refuse_duplicate(upload, documents: QuerySet | None) -> None:
    if documents is None:
        return
    if first := find_duplicate(upload, documents):
        day = timezone.localdate(first.uploaded_at).strftime("%d/%m/%Y")
        raise ValidationError(
            _(
                "This file was already added on %(date)s as “%(name)s”: the same document "
                "is not added twice. Remove the first one if you want to replace it."
            )
            % {"date": day, "name": first.original_name},
            code="duplicate",
        )
