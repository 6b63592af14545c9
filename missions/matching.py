"""Which labelled collectivities fit a need best, and why.

A plain scoring function: each criterion adds points and says so in words, so
DAECT sees the reasons of the ranking and can overrule it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q
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
    label: Label
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: int, reason: str) -> None:
        self.score += points
        self.reasons.append(reason)


def candidates(need: MissionRequest, on: date):
    """Collectivities holding a label valid today on the need's theme (the one requirement)."""
    labels = Label.objects.valid_on(on).filter(theme=need.theme)
    return (
        Collectivity.objects.filter(labels__in=labels)
        .distinct()
        .prefetch_related(
            Prefetch("labels", queryset=labels, to_attr="matching_labels"), "languages"
        )
        .annotate(
            current_missions=Count(
                "missions", filter=Q(missions__in=Mission.objects.current()), distinct=True
            )
        )
    )


def _countries_of_experience(collectivity_ids: list[int]) -> dict[int, set[str]]:
    projects = CooperationProject.objects.filter(
        application__collectivity_id__in=collectivity_ids
    ).values_list("application__collectivity_id", "country")
    experience: dict[int, set[str]] = {}
    for collectivity_id, country in projects:
        experience.setdefault(collectivity_id, set()).add(str(country))
    return experience


def is_scarce(country: str) -> bool:
    """Few French collectivities have cooperated there (as their applications show)."""
    present = (
        CooperationProject.objects.filter(country=country)
        .values("application__collectivity")
        .distinct()
        .count()
    )
    return present < SCARCE_THRESHOLD


def rank(need: MissionRequest, on: date) -> list[Match]:
    """The candidates, best first, each with the reasons of its score."""
    collectivities = list(candidates(need, on))
    experience = _countries_of_experience([c.pk for c in collectivities])
    scarce = is_scarce(need.country.code)
    matches = [_score(need, c, experience.get(c.pk, set()), scarce) for c in collectivities]
    return sorted(matches, key=lambda m: (-m.score, m.collectivity.name))


def _score(need: MissionRequest, collectivity, countries: set[str], scarce: bool) -> Match:
    label = collectivity.matching_labels[0]
    match = Match(collectivity, label)
    match.add(0, _("Active label on “%(theme)s”.") % {"theme": need.theme})
    if label.valid_until >= need.period_end:
        match.add(VALID_OVER_PERIOD, _("The label stays valid over the whole desired period."))
    country_codes = countries | {c.code for c in collectivity.cooperation_countries}
    if need.country.code in country_codes:
        match.add(
            COUNTRY_EXPERIENCE,
            _("Has already cooperated in %(country)s.") % {"country": need.country.name},
        )
    elif scarce:
        match.add(
            NEW_LINK_IN_SCARCE_COUNTRY,
            _("Would open a cooperation in a country where French local authorities are scarce."),
        )
    if any(language.pk == need.working_language_id for language in collectivity.languages.all()):
        match.add(
            SHARED_LANGUAGE,
            _("Its experts speak %(language)s.") % {"language": need.working_language},
        )
    if collectivity.current_missions == 0:
        match.add(NO_CURRENT_MISSION, _("No mission under way: available."))
    elif collectivity.current_missions == 1:
        match.add(ONE_CURRENT_MISSION, _("Only one mission under way."))
    return match
