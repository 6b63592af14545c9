"""Antivirus: each upload goes to the ClamAV daemon (clamd) through its socket.

The daemon's answer decides: clean, infected (refused, logged), or no answer at all, in
which case the file is held until the task scan_held_uploads gets one. Nothing is taken as
clean because the scanner was away; only a local run without CLAMAV_URL skips scanning,
and says so in the admin.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from clamav_client.clamd import ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from expect.core.models import ScanState

logger = logging.getLogger("expect.uploads")


class ScannerUnavailable(Exception):
    """clamd did not answer, or answered with an error: the file could not be scanned."""


def scanning_enabled() -> bool:
    return bool(settings.CLAMAV_URL)


def _client() -> ClamdUnixSocket | ClamdNetworkSocket:
    url = urlsplit(settings.CLAMAV_URL)
    if url.scheme == "tcp":
        return ClamdNetworkSocket(host=url.hostname, port=url.port, timeout=settings.CLAMAV_TIMEOUT)
    path = url.path if url.scheme == "unix" else settings.CLAMAV_URL
    return ClamdUnixSocket(path=path, timeout=settings.CLAMAV_TIMEOUT)


def find_virus(data: bytes) -> str | None:
    """The name of the signature clamd finds in `data`, or None when it finds none.

    Raises ScannerUnavailable when clamd cannot be reached or cannot scan the data.
    """
    try:
        result = _client().instream(io.BytesIO(data))
    except Exception as error:  # a refused connection, a timeout, a size limit…
        raise ScannerUnavailable(str(error)) from error
    state, detail = result.get("stream", ("ERROR", "no answer"))
    if state == "FOUND":
        return detail or "unknown"
    if state != "OK":
        raise ScannerUnavailable(detail or state)
    return None


@dataclass(frozen=True)
class ScanOutcome:
    state: ScanState
    at: datetime | None = None  # when a scanner answered

    @property
    def fields(self) -> dict:
        return {"scan_state": self.state, "scanned_at": self.at}


def scan_upload(data: bytes, *, name: str) -> ScanOutcome:
    """Scan an upload as it arrives: infected is refused (and logged), no answer is held."""
    if not scanning_enabled():
        return ScanOutcome(ScanState.UNSCANNED)
    try:
        signature = find_virus(data)
    except ScannerUnavailable as error:
        logger.warning("Antivirus unavailable, upload %r held until scanned: %s", name, error)
        return ScanOutcome(ScanState.PENDING)
    if signature:
        logger.warning("Upload %r refused: the antivirus found %s", name, signature)
        raise ValidationError(
            _(
                "The antivirus found a virus or malicious code in this file (%(signature)s): "
                "it is refused. Check your computer and send a clean copy."
            )
            % {"signature": signature},
            code="infected",
        )
    return ScanOutcome(ScanState.CLEAN, timezone.now())


def scanned_models() -> list[type]:
    from django.apps import apps

    from expect.core.models import ScannedFile

    return [model for model in apps.get_models() if issubclass(model, ScannedFile)]


def scan_held() -> int:
    """Scan every held file (see ScannedFile); how many got an answer. Stops at the first
    file clamd cannot scan: the next run takes up where this one stopped."""
    if not scanning_enabled():
        return 0
    done = 0
    for model in scanned_models():
        held = model._base_manager.filter(scan_state__in=[ScanState.PENDING, ScanState.UNSCANNED])
        for document in held.exclude(file="").iterator():
            try:
                with document.file.open("rb") as stored:
                    signature = find_virus(stored.read())
            except FileNotFoundError:
                logger.error("Held upload %s #%s has no file", model.__name__, document.pk)
                continue
            except ScannerUnavailable as error:
                logger.warning("Antivirus still unavailable, held uploads wait: %s", error)
                return done
            done += _record(document, signature)
    return done


def _record(document, signature: str | None) -> int:
    """Write the answer, unless the file changed meanwhile (a report replaced, say)."""
    model = type(document)
    fields = {"scan_state": ScanState.CLEAN, "scanned_at": timezone.now()}
    if signature:
        fields.update(scan_state=ScanState.INFECTED, scan_detail=signature[:200])
    current = model._base_manager.filter(
        pk=document.pk, scan_state=document.scan_state, file=document.file.name
    )
    if not current.update(**fields):
        return 0
    if signature:
        logger.warning(
            "Held upload %s #%s is infected (%s): its file is deleted",
            model.__name__,
            document.pk,
            signature,
        )
        document.file.storage.delete(document.file.name)
    return 1
