"""Reports in the public API and the open data: the published reports.

"Published" is `MissionReport.objects.published()` through `library_reports()`, the
rule of the public library; the filters are the library's own. The file itself is
never given out here: only the address of the library's download view, which checks
again that the report and its file are public.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from expect.api.datasets import Column, Dataset, country_name
from expect.api.filters import IntegerFilter
from expect.api.links import absolute, object_path
from expect.api.serializers import PortalLinkField, path_id
from expect.core import generations
from expect.organisations.api import CollectivityBriefSerializer, ThemeSerializer
from expect.organisations.models import Region

from .filters import LibraryFilter, library_reports
from .models import MissionReport


def published_reports() -> QuerySet[MissionReport]:
    return library_reports()


def report_page(report: MissionReport) -> str:
    return object_path("reports:library_report", report.pk)


def report_file(report: MissionReport) -> str | None:
    """The library's download of the file, when DAECT published the file too (the same
    condition as `reports.views.library.library_report_file`, which serves it)."""
    if not report.publish_file or not report.file:
        return None
    return object_path("reports:library_report_file", report.pk)


class ReportSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=_("Identifier of the report."))
    mission_id = serializers.IntegerField(
        read_only=True, help_text=_("Identifier of the mission (see the missions).")
    )
    country = serializers.CharField(
        source="mission.request.country.code",
        read_only=True,
        help_text=_("Country of the mission (ISO 3166-1 alpha-2 code)."),
    )
    country_name = serializers.CharField(
        source="mission.request.country.name", read_only=True, help_text=_("Name of the country.")
    )
    theme = ThemeSerializer(source="mission.request.theme", read_only=True, help_text=_("Theme."))
    collectivity = CollectivityBriefSerializer(
        source="mission.collectivity",
        read_only=True,
        help_text=_("The collectivity whose experts went."),
    )
    departure_date = serializers.DateField(
        source="mission.departure_date",
        read_only=True,
        allow_null=True,
        help_text=_("Date of departure."),
    )
    return_date = serializers.DateField(
        source="mission.return_date",
        read_only=True,
        allow_null=True,
        help_text=_("Date of return to France."),
    )
    published_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("Date of publication in the library.")
    )
    summary = serializers.CharField(read_only=True, help_text=_("Summary of the report."))
    page_url = PortalLinkField(report_page, help_text=_("Page of the report in the library."))
    file_url = PortalLinkField(
        report_file,
        allow_null=True,
        help_text=_("Download of the report (PDF), if its file is published; null otherwise."),
    )

    class Meta:
        model = MissionReport
        fields = [
            "id",
            "mission_id",
            "country",
            "country_name",
            "theme",
            "collectivity",
            "departure_date",
            "return_date",
            "published_at",
            "summary",
            "page_url",
            "file_url",
        ]


class ReportFilter(LibraryFilter):
    """The library's own filters (words, theme, country, year, SDG), and the region."""

    region = django_filters.ModelChoiceFilter(
        field_name="mission__collectivity__region",
        queryset=Region.objects.all(),
        help_text=_("INSEE code of the region of the collectivity."),
    )

    # Any year, not only those of the reports published so far (the page's choices).
    year = IntegerFilter(
        field_name="mission__return_date",
        lookup_expr="year",
        min_value=1900,
        max_value=2200,
        help_text=_("Year of return of the mission."),
    )

    class Meta(LibraryFilter.Meta):
        pass


@extend_schema_view(
    list=extend_schema(
        summary=_("Published reports"),
        description=_("Mission reports published in the library, the latest first."),
    ),
    retrieve=extend_schema(
        summary=_("A published report"), parameters=[path_id(_("Identifier of the report."))]
    ),
)
class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self) -> QuerySet[MissionReport]:
        return published_reports()


def _absolute(path: str | None) -> str | None:
    return absolute(path) if path else None


REPORTS = Dataset(
    slug="reports",
    title=_("Published EXPE-CT mission reports"),
    description=_(
        "The mission reports published in the library: their metadata and the links to "
        "their page and, when it is published, to their file."
    ),
    generation=generations.LIBRARY,
    rows=published_reports,
    columns=(
        Column("id", "integer", _("Identifier of the report."), lambda o: o.pk, required=True),
        Column(
            "mission_id",
            "integer",
            _("Identifier of the mission (see the missions)."),
            lambda o: o.mission_id,
            required=True,
        ),
        Column(
            "country",
            "string",
            _("Country of the mission (ISO 3166-1 alpha-2 code)."),
            lambda o: o.mission.request.country.code,
            required=True,
        ),
        Column(
            "country_name",
            "string",
            _("Name of the country."),
            lambda o: country_name(o.mission.request.country.code),
        ),
        Column(
            "theme_slug",
            "string",
            _("Short name of the theme."),
            lambda o: o.mission.request.theme.slug,
            required=True,
        ),
        Column(
            "theme_name",
            "string",
            _("Name of the theme in French."),
            lambda o: o.mission.request.theme.name,
            required=True,
        ),
        Column(
            "collectivity_id",
            "integer",
            _("Identifier of the collectivity."),
            lambda o: o.mission.collectivity_id,
            required=True,
        ),
        Column(
            "collectivity_name",
            "string",
            _("Name of the collectivity."),
            lambda o: o.mission.collectivity.name,
            required=True,
        ),
        Column(
            "departure_date", "date", _("Date of departure."), lambda o: o.mission.departure_date
        ),
        Column(
            "return_date", "date", _("Date of return to France."), lambda o: o.mission.return_date
        ),
        Column(
            "published_at",
            "datetime",
            _("Date of publication in the library."),
            lambda o: o.published_at,
        ),
        Column("summary", "string", _("Summary of the report."), lambda o: o.summary),
        Column(
            "page_url",
            "string",
            _("Page of the report in the library."),
            lambda o: absolute(report_page(o)),
            required=True,
        ),
        Column(
            "file_url",
            "string",
            _("Download of the report (PDF), if its file is published; empty otherwise."),
            lambda o: _absolute(report_file(o)),
        ),
    ),
)
