"""The countries a French local authority may have cooperated with.

France and its overseas territories are not foreign partners, and nobody cooperates
with an uninhabited territory: the lists of cooperation countries leave them out.
"""

from __future__ import annotations

from django_countries import countries

NOT_FOREIGN = frozenset(
    # France, its overseas départements and regions, and its overseas collectivities.
    {"FR", "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC", "TF"}
)
UNINHABITED = frozenset(
    # Antarctica, Bouvet, Heard and McDonald, South Georgia, the US minor outlying
    # islands and the British Indian Ocean Territory (no civilian population).
    {"AQ", "BV", "HM", "GS", "UM", "IO"}
)
EXCLUDED = NOT_FOREIGN | UNINHABITED


def foreign_country_choices() -> list[tuple[str, str]]:
    """(code, name) of the countries a cooperation may be with, in the user's language."""
    return [(code, name) for code, name in countries if code not in EXCLUDED]
