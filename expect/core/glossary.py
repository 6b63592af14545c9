"""The programme's words in English: "local authority", "email address".

The English source strings say "collectivity" and "e-mail" in many places; rather than
rewrite them all, the English catalogue (locale/en/LC_MESSAGES/django.po) overrides
only the strings whose wording must change. `manage.py english_catalogue` writes it
from the French catalogue's entries; tests/core/test_glossary.py fails when it is stale.
"""

from __future__ import annotations

import re

# (pattern, replacement); a placeholder such as %(collectivity)s or {collectivity} is left
# alone: only words outside them change.
RULES = [
    (r"Collectivities", "Local authorities"),
    (r"collectivities", "local authorities"),
    (r"Collectivity", "Local authority"),
    (r"collectivity", "local authority"),
    (r"E-mail", "Email"),
    (r"e-mail", "email"),
]
# The words English pages must never show.
FORBIDDEN_ENGLISH = re.compile(r"(?<![%({_])\b(collectivit(?:y|ies)|e-mail)\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"(%\([^)]*\)[sdif]|\{[^{}]*\}|https?://\S+)")


def british(text: str) -> str:
    """The text with the programme's English words, placeholders untouched."""
    parts = _PLACEHOLDER.split(text)
    for index in range(0, len(parts), 2):  # Even indexes are outside the placeholders.
        for pattern, replacement in RULES:
            parts[index] = re.sub(pattern, replacement, parts[index])
    parts = [p for p in parts if p is not None]
    return "".join(parts)


def needs_override(text: str) -> bool:
    return british(text) != text
