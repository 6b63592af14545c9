"""The French catalogue is complete, compiled, and keeps every placeholder of the source."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

FR = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
CATALOGUES = [FR / "django.po", *FR.glob("djangojs.po")]
PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]")

catalogues = pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.name)


def _pairs(mo: polib.MOFile) -> set:
    return {
        (e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in mo
    }


@catalogues
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    po = polib.pofile(path)
    problems = [
        f"{'fuzzy' if entry.fuzzy else 'untranslated'}: {entry.msgid!r}"
        for entry in po
        if not entry.obsolete and (entry.fuzzy or not entry.translated())
    ]
    assert not problems, f"{path.name}: {len(problems)} entries to fix:\n" + "\n".join(problems)


@catalogues
def test_the_mo_file_is_up_to_date(path):
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path.name} is missing: run msgfmt or compilemessages"
    expected = _pairs(polib.mofile(polib.pofile(path).to_binary()))
    assert _pairs(polib.mofile(mo_path)) == expected, (
        f"{mo_path.name} is out of date with {path.name}: run msgfmt or compilemessages"
    )


@catalogues
def test_translations_keep_the_placeholders_of_the_source(path):
    problems = []
    for entry in polib.pofile(path).translated_entries():
        expected = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        problems += [
            f"{entry.msgid!r} -> {text!r}"
            for text in translations
            if set(PLACEHOLDER.findall(text)) != expected
        ]
    assert not problems, "Placeholders differ:\n" + "\n".join(problems)
