"""What a PDF costs: `python bench/pdf.py` prints the timings, `measure()` returns them.

Compared, in one process (milliseconds of CPU time, the best of several runs: the
machine is shared, and the wall clock measures the neighbours as much as WeasyPrint):
- a trivial WeasyPrint page (one paragraph, no stylesheet, no font of ours): the floor;
- the first document of a process (fonts decoded, stylesheet parsed);
- a label certificate through `render_pdf`, once the process is warm;
- a stored certificate served again (`stored_pdf`: one template render and a read);
- a booklet of 20 reports, per report, and the memory the rendering takes.

Nothing touches the database: the documents are given unsaved objects. The stored
copies go to a temporary folder. The target of issue #16: a certificate in at most
5 times the trivial page.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 15


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expect.settings")
    import django

    django.setup()


def _best_ms(action: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        action()
        times.append((time.process_time() - start) * 1000)
    return round(min(times), 1)


def _label():
    from expect.organisations.models import Collectivity, Theme
    from labellisation.models import Label, LabelApplication

    collectivity = Collectivity(name="Communauté urbaine de Dunkerque", kind="epci")
    theme = Theme(name="Services publics locaux")
    application = LabelApplication(collectivity=collectivity, theme=theme)
    granted = datetime.date(2026, 1, 27)
    return Label(
        pk=1,
        collectivity=collectivity,
        theme=theme,
        application=application,
        granted_on=granted,
        valid_until=granted.replace(year=2029),
        verification_code="ABCD-EFGH-JKLM",
    )


def _certificate_context() -> dict:
    return {
        "label": _label(),
        "verification_url": "https://expe-ct.diplomatie.gouv.fr/label/ABCD-EFGH-JKLM/",
        "issued_on": datetime.date.today(),
    }


def _booklet_context(size: int) -> dict:
    from missions.models import Mission, MissionRequest
    from reports.models import MissionReport

    label = _label()
    text = "Une phrase du rapport, assez longue pour remplir quelques lignes. " * 12
    reports = []
    for number in range(size):
        need = MissionRequest(
            theme=label.theme, country="SN", partner_name=f"Commune partenaire {number}"
        )
        mission = Mission(
            pk=number + 1,
            request=need,
            collectivity=label.collectivity,
            departure_date=datetime.date(2025, 3, 1),
            return_date=datetime.date(2025, 3, 10),
        )
        report = MissionReport(pk=number + 1, mission=mission)
        for field in MissionReport.CONTENT_FIELDS:
            setattr(report, field, text)
        reports.append(report)
    return {"reports": reports, "edited_on": datetime.date.today(), "scope": {}}


def measure() -> dict:
    """The timings in milliseconds (and the booklet's memory in MB), by name."""
    _setup()
    from django.test import override_settings
    from weasyprint import HTML

    from expect.core import pdf

    trivial = _best_ms(lambda: HTML(string="<p>Bonjour</p>").write_pdf())
    certificate = "labellisation/pdf/certificate.html"
    context = _certificate_context()
    pdf._shared.cache_clear()
    start = time.process_time()
    pdf.render_pdf(certificate, context)
    first = round((time.process_time() - start) * 1000, 1)
    warm = _best_ms(lambda: pdf.render_pdf(certificate, context))
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        pdf.stored_pdf("bench/certificate", certificate, context, volatile=("issued_on",))
        stored = _best_ms(
            lambda: pdf.stored_pdf(
                "bench/certificate", certificate, context, volatile=("issued_on",)
            )
        )
    size = 20
    booklet_context = _booklet_context(size)
    booklet = _best_ms(lambda: pdf.render_pdf("reports/pdf/booklet.html", booklet_context), 3)
    tracemalloc.start()
    pdf.render_pdf("reports/pdf/booklet.html", booklet_context)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ratio = round(warm / trivial, 2)
    return {
        "targets": [
            {
                "target": "a certificate in ≤ 5× a trivial WeasyPrint page",
                "met": ratio <= 5,
                "why": f"{warm} ms against {trivial} ms: {ratio}× (CPU time, best of runs)",
            }
        ],
        "trivial_page_ms": trivial,
        "first_document_of_the_process_ms": first,
        "certificate_ms": warm,
        "certificate_over_trivial": ratio,
        "stored_certificate_ms": stored,
        "booklet_per_report_ms": round(booklet / size, 1),
        "booklet_peak_mb_per_report": round(peak / size / 1e6, 2),
    }


if __name__ == "__main__":
    for name, value in measure().items():
        print(f"{name:40} {value}")
