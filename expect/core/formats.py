"""Words and numbers written the French way (and the English way in English)."""

from __future__ import annotations

import unicodedata

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# A name starting with one of these takes « d’ » rather than « de » in French.
VOWELS = frozenset("aeiouy")


def de_name(name: str) -> str:
    """« de Jean Dupont », « d’Élodie Martin »; "of Élodie Martin" in English.

    For the strings whose translation puts a person's name after « de »: the source
    string writes "%(of_name)s" and the French one too, so that the elision is right.
    """
    name = str(name).strip()
    if not (get_language() or "fr").startswith("fr"):
        return f"of {name}"
    first = unicodedata.normalize("NFD", name[:1]).lower()[:1]
    return f"d’{name}" if first in VOWELS else f"de {name}"


def file_size(size: int) -> str:
    """A size in the units French users read (octets, ko, Mo, Go: multiples of 1,024).

    Django's filesizeformat writes "Mio" in French while hints say "Mo": one unit only.
    """
    units = ((1024**3, _("%(size)s GB")), (1024**2, _("%(size)s MB")), (1024, _("%(size)s KB")))
    for factor, template in units:
        if size >= factor:
            value = size / factor
            decimals = 0 if value == int(value) else 1
            return template % {"size": number_format(round(value, decimals), decimals)}
    return _("%(size)s bytes") % {"size": size}
