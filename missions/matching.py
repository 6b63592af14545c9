"""Which labelled collectivities fit a need best, and why.

Each criterion adds points and says so in words, so DAECT sees the reasons of the
ranking and can overrule it. The database computes the criteria and the score, so
that the matching page shows the best candidates first, a page at a time, at the
cost of one query whatever the number of labelled collectivities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from expect.organisations.models import Collectivity
from labellisation.models import CooperationProject, Label

from .models import Mission, MissionRequest

# Points per criterion. Experience in the country weighs most; the others break ties.
VALID_OVER_PERIOD = 30
COUNTRY_EXPERIENCE = 25
SHARED_LANGUAGE = 20
NO_CURRENT_MISSION = 15
ONE_CURRENT_MISSION = 7
NEW_LINK_IN_SCARCE_COUNTRY = 10
# Below this many French collectivities with cooperation there, a country is "scarce".
SCARCE_THRESHOLD = 3


@dataclass
class Match:
    collectivity: Collectivity
    label_valid_until: date
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: int, reason: str) -> None:
        self.score += points
        self.reasons.append(reason)


def candidates(need: MissionRequest, on: date) -> QuerySet[Collectivity]:
    """Collectivities holding a label valid today on the need's theme (the one requirement)."""
    labels = Label.objects.valid_on(on).filter(theme=need.theme_id, collectivity=OuterRef("pk"))
    return Collectivity.objects.filter(Exists(labels))


def is_scarce(country: str) -> bool:
    """Few French collectivities have cooperated there (as their applications show)."""
    present = (
        CooperationProject.objects.filter(country=country)
        .values("application__collectivity")
        .distinct()
        .count()
    )
    return present < SCARCE_THRESHOLD


def ranked(need: MissionRequest, on: date, scarce: bool) -> QuerySet[Collectivity]:
    """The candidates with each criterion and the score computed by the database, best
    first: a page of the ranking costs one query, however many collectivities hold a label."""
    code = need.country.code
    labels = Label.objects.valid_on(on).filter(theme=need.theme_id, collectivity=OuterRef("pk"))
    current = (
        Mission.objects.current()
        .filter(collectivity=OuterRef("pk"))
        .order_by()
        .values("collectivity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    projects = CooperationProject.objects.filter(
        application__collectivity=OuterRef("pk"), country=code
    )
    speaks = Collectivity.languages.through.objects.filter(
        collectivity=OuterRef("pk"), language=need.working_language_id
    )
    # A CountryField with several values is stored as "FR,SN": the code between commas.
    listed = Q(cooperation_countries__regex=rf"(^|,){code}(,|$)")

    def points(*whens: When, default: int = 0) -> Case:
        return Case(*whens, default=Value(default), output_field=IntegerField())

    return (
        candidates(need, on)
        .annotate(
            label_valid_until=Subquery(labels.order_by("-valid_until").values("valid_until")[:1]),
            has_cooperated=Exists(projects),
            speaks_language=Exists(speaks),
            current_missions=Coalesce(Subquery(current), 0),
        )
        .annotate(
            experienced=Case(
                When(Q(has_cooperated=True) | listed, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .annotate(
            score=points(When(label_valid_until__gte=need.period_end, then=VALID_OVER_PERIOD))
            + points(
                When(experienced=True, then=COUNTRY_EXPERIENCE),
                default=NEW_LINK_IN_SCARCE_COUNTRY if scarce else 0,
            )
            + points(When(speaks_language=True, then=SHARED_LANGUAGE))
            + points(
                When(current_missions=0, then=NO_CURRENT_MISSION),
                When(current_missions=1, then=ONE_CURRENT_MISSION),
            )
        )
        .order_by("-score", "name", "pk")
    )


def rank(need: MissionRequest, on: date) -> list[Match]:
    """The whole ranking, best first, each with the reasons of its score."""
    scarce = is_scarce(need.country.code)
    return [match(need, collectivity, scarce) for collectivity in ranked(need, on, scarce)]


def match(need: MissionRequest, collectivity: Collectivity, scarce: bool) -> Match:
    """The reasons of a ranked collectivity's score, from what the database computed."""
    found = Match(collectivity, collectivity.label_valid_until)
    found.add(0, _("Active label on “%(theme)s”.") % {"theme": need.theme})
    if collectivity.label_valid_until >= need.period_end:
        found.add(VALID_OVER_PERIOD, _("The label stays valid over the whole desired period."))
    if collectivity.experienced:
        found.add(
            COUNTRY_EXPERIENCE,
            _("Has already cooperated in %(country)s.") % {"country": need.country.name},
        )
    elif scarce:
        found.add(
            NEW_LINK_IN_SCARCE_COUNTRY,
            _("Would open a cooperation in a country where French local authorities are scarce."),
        )
    if collectivity.speaks_language:
        found.add(
            SHARED_LANGUAGE,
            _("Its experts speak %(language)s.") % {"language": need.working_language},
        )
    if collectivity.current_missions == 0:
        found.add(NO_CURRENT_MISSION, _("No mission under way: available."))
    elif collectivity.current_missions == 1:
        found.add(ONE_CURRENT_MISSION, _("Only one mission under way."))
    return found
