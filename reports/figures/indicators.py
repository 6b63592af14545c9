"""The programme's indicators as bar charts: public counts, no personal data.

Every figure is one aggregate query, so the page costs the same number of queries
whatever the number of labels, missions and reports. Charts are drawn as inline SVG
(no JavaScript); each comes with a table holding the same numbers, which is what
screen readers and people who cannot see the bars read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Count, Q
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django_countries import countries

from expect.organisations.models import Theme
from labellisation.models import Label
from missions.models import Mission, PartnerFeedback

from ..models import MissionReport

# A country counts as one "where few French authorities work" up to this many
# distinct collectivities having had a mission there.
FEW_COLLECTIVITIES = 2

# The geometry of the charts, in SVG user units (the drawing scales to its box).
CHART_WIDTH = 640
ROW_HEIGHT = 40
BAR_HEIGHT = 14
BAR_MAX = 540
LABEL_CHARS = 80


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    top: int
    width: int

    @property
    def label_y(self) -> int:
        return self.top + 14

    @property
    def height(self) -> int:
        return BAR_HEIGHT

    @property
    def bar_y(self) -> int:
        return self.top + 20

    @property
    def value_x(self) -> int:
        return self.width + 6

    @property
    def value_y(self) -> int:
        return self.bar_y + BAR_HEIGHT - 2


@dataclass(frozen=True)
class Figure:
    """One indicator: a title, what its keys are, and (key, value) rows."""

    slug: str  # stable, the indicator column of the CSV
    title: str
    key_label: str
    value_label: str
    rows: list[tuple[str, int]]
    note: str = ""
    bars: list[Bar] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        highest = max((value for _key, value in self.rows), default=0) or 1
        bars = [
            Bar(
                label=Truncator(key).chars(LABEL_CHARS),
                value=value,
                top=n * ROW_HEIGHT,
                # A zero still shows as a hairline, so that the row does not look missing.
                width=max(1, round(value * BAR_MAX / highest)),
            )
            for n, (key, value) in enumerate(self.rows)
        ]
        object.__setattr__(self, "bars", bars)

    @property
    def chart_height(self) -> int:
        return len(self.rows) * ROW_HEIGHT + 4


def _by_value(rows: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Largest first; equal values in alphabetical order."""
    return sorted(rows, key=lambda row: (-row[1], row[0].casefold()))


def live_missions():
    # A cancelled mission never took place: it counts nowhere.
    return Mission.objects.exclude(state=Mission.State.CANCELLED)


def labels_by_theme(today: date) -> Figure:
    # Filtering then counting on the same relation counts only the valid labels.
    themes = Theme.objects.filter(labels__in=Label.objects.valid_on(today)).annotate(
        n=Count("labels")
    )
    return Figure(
        "labels_by_theme",
        _("Labels valid today, by theme"),
        _("Theme"),
        _("Labels"),
        _by_value([(str(theme), theme.n) for theme in themes]),
    )


def labels_by_region(today: date) -> Figure:
    counts = (
        Label.objects.valid_on(today)
        .values("collectivity__region__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [(row["collectivity__region__name"] or _("No region"), row["n"]) for row in counts]
    return Figure(
        "labels_by_region",
        _("Labels valid today, by region of the collectivity"),
        _("Region"),
        _("Labels"),
        _by_value(rows),
        note=_(
            "A collectivity without a region (an association, for example) "
            "counts under “No region”."
        ),
    )


def missions_per_country() -> list[dict]:
    """Per country: the missions and the distinct collectivities that went there."""
    return list(
        live_missions()
        .values("request__country")
        .annotate(missions=Count("pk"), collectivities=Count("collectivity", distinct=True))
        .order_by()
    )


def missions_by_country(per_country: list[dict]) -> Figure:
    rows = [(countries.name(row["request__country"]), row["missions"]) for row in per_country]
    return Figure(
        "missions_by_country",
        _("Missions by country"),
        _("Country"),
        _("Missions"),
        _by_value(rows),
        note=_("Cancelled missions are left out."),
    )


def missions_by_theme() -> Figure:
    themes = Theme.objects.filter(mission_requests__mission__in=live_missions()).annotate(
        n=Count("mission_requests__mission")
    )
    return Figure(
        "missions_by_theme",
        _("Missions by theme"),
        _("Theme"),
        _("Missions"),
        _by_value([(str(theme), theme.n) for theme in themes]),
        note=_("Cancelled missions are left out."),
    )


def reports_timeliness(today: date) -> Figure:
    handed_in = MissionReport.objects.filter(submitted_at__isnull=False)
    counts = handed_in.aggregate(
        on_time=Count("pk", filter=Q(is_late=False)), late=Count("pk", filter=Q(is_late=True))
    )
    overdue = Mission.objects.report_overdue(today).count()
    return Figure(
        "reports_on_time",
        _("Mission reports handed in on time and late"),
        _("Handed in"),
        _("Reports"),
        [
            (_("On time"), counts["on_time"]),
            (_("Late"), counts["late"]),
            (_("Not handed in yet, overdue"), overdue),
        ],
        note=_("A report is due two months after the return to France."),
    )


def partner_feedback() -> Figure:
    """How many foreign partners answered, and whether their need was met."""
    answered = PartnerFeedback.objects.answered()
    counts = answered.aggregate(
        total=Count("pk"),
        **{
            choice: Count("pk", filter=Q(need_met=choice))
            for choice in PartnerFeedback.NeedMet.values
        },
    )
    met = [(str(label), counts[value]) for value, label in PartnerFeedback.NeedMet.choices]
    return Figure(
        "partner_feedback",
        _("Feedback of the foreign partners: was the need met?"),
        _("Answer"),
        _("Partners"),
        # No answer yet: no rows, hence no chart.
        [(_("Answers received"), counts["total"]), *met] if counts["total"] else [],
        note=_("Asked a few weeks after the return, in the partner's language."),
    )


def partner_ratings() -> Figure:
    """The partners' average ratings, from 1 to 5, to one decimal."""
    averages = PartnerFeedback.objects.answered().aggregate(
        usefulness=Avg("usefulness"),
        expertise=Avg("rating_expertise"),
        organisation=Avg("rating_organisation"),
    )
    labels = {
        "usefulness": _("Usefulness of the mission"),
        "expertise": _("Expertise of the French team"),
        "organisation": _("Organisation of the mission"),
    }
    rows = [(labels[key], round(value, 1)) for key, value in averages.items() if value is not None]
    return Figure(
        "partner_ratings",
        _("Average ratings given by the foreign partners"),
        _("Rating"),
        _("Average out of 5"),
        rows,
    )


def countries_with_few_collectivities(per_country: list[dict]) -> Figure:
    rows = [
        (countries.name(row["request__country"]), row["collectivities"])
        for row in per_country
        if row["collectivities"] <= FEW_COLLECTIVITIES
    ]
    return Figure(
        "countries_few_collectivities",
        _("Countries reached where few French authorities work"),
        _("Country"),
        _("Collectivities"),
        sorted(rows, key=lambda row: row[0].casefold()),
        note=_(
            "The countries of the programme's missions (cancelled ones left out) where "
            "at most %(n)d distinct French collectivities have had a mission, with their number."
        )
        % {"n": FEW_COLLECTIVITIES},
    )


def bar_figures(today: date, per_country: list[dict]) -> list[Figure]:
    return [
        labels_by_theme(today),
        labels_by_region(today),
        missions_by_theme(),
        reports_timeliness(today),
        partner_feedback(),
        partner_ratings(),
        countries_with_few_collectivities(per_country),
    ]
