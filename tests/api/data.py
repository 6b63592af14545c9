"""The public record the API tests read: labels, missions and reports built from the
apps' factories, in the states that make them public (or not)."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from expect.organisations.models import Collectivity, Region, Theme
from labellisation.models import Label, LabelApplication
from missions.models import Mission
from reports.models import MissionReport
from tests.labellisation.factories import MINIMAL_PDF, LabelApplicationFactory, LabelFactory
from tests.missions.factories import MissionFactory
from tests.organisations.factories import CollectivityFactory, ThemeFactory
from tests.reports.factories import MissionReportFactory


def region(code: str = "84", name: str = "Auvergne-Rhône-Alpes") -> Region:
    return Region.objects.get_or_create(code=code, defaults={"name": name})[0]


def labelled(
    collectivity: Collectivity | None = None, theme: Theme | None = None, **kwargs
) -> Label:
    """A label (active and valid today unless told otherwise) of a collectivity on a theme."""
    application = LabelApplicationFactory(
        collectivity=collectivity or CollectivityFactory(),
        theme=theme or ThemeFactory(),
        state=LabelApplication.State.GRANTED,
    )
    return LabelFactory(application=application, **kwargs)


def mission(
    *,
    state: str = Mission.State.CLOSED,
    theme: Theme | None = None,
    country: str = "SN",
    year: int = 2025,
    collectivity: Collectivity | None = None,
) -> Mission:
    """A mission (completed unless told otherwise) that came back in March of `year`."""
    kwargs = {"state": state, "proposal__request__country": country}
    if theme is not None:
        kwargs["proposal__request__theme"] = theme
    if collectivity is not None:
        kwargs["proposal__collectivity"] = collectivity
    return MissionFactory(
        departure_date=datetime.date(year, 3, 1), return_date=datetime.date(year, 3, 10), **kwargs
    )


def published(*, with_file: bool = False, **mission_kwargs) -> MissionReport:
    """An accepted report published by DAECT; its file published too if `with_file`."""
    report = MissionReportFactory(
        mission=mission(**mission_kwargs),
        state=MissionReport.State.ACCEPTED,
        submitted_at=timezone.now(),
        is_published=True,
        published_at=timezone.now(),
        publish_file=with_file,
    )
    if with_file:
        report.file.save("rapport.pdf", ContentFile(MINIMAL_PDF))
    return report
