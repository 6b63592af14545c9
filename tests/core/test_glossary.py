"""The programme's words: "local authority" and "email address" in English, British dates,
and no forbidden form in French (Mio, "---------", « de » before a vowel…)."""

import datetime
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from expect.core.formats import de_name, file_size
from expect.core.glossary import FORBIDDEN_ENGLISH
from expect.core.management.commands.english_catalogue import english_entries

LOCALE = Path(settings.BASE_DIR) / "locale"
FRENCH = polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))
PLACEHOLDER = re.compile(r"%\([^)]*\)[sdif]|\{[^{}]*\}|https?://\S+")
US_DATE = re.compile(r"\b(0[1-9]|1[0-2])/(1[3-9]|2\d|3[01])/\d{4}\b")  # 05/15/2029


def _english(entry: polib.POEntry) -> list[str]:
    with translation.override("en"):
        if entry.msgid_plural:
            texts = [translation.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            if entry.msgctxt:
                texts = [
                    translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                    for n in (1, 2)
                ]
            return texts
        if entry.msgctxt:
            return [translation.pgettext(entry.msgctxt, entry.msgid)]
        return [translation.gettext(entry.msgid)]


def test_no_english_string_says_collectivity_or_e_mail():
    problems = [
        text
        for entry in FRENCH
        if not entry.obsolete
        for text in _english(entry)
        if FORBIDDEN_ENGLISH.search(PLACEHOLDER.sub("", text))
    ]
    assert not problems, (
        "English strings with a word of the wrong glossary (run `manage.py "
        "english_catalogue`):\n" + "\n".join(problems[:20])
    )


def test_the_english_catalogue_is_up_to_date():
    written = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    expected = {(e.msgctxt, e.msgid, e.msgstr) for e in english_entries(FRENCH)}
    assert {(e.msgctxt, e.msgid, e.msgstr) for e in written} == expected, (
        "Run `manage.py english_catalogue`."
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["core:home", "core:accessibility", "accounts:login", "accounts:register"],
)
def test_english_pages_speak_of_local_authorities(client, name):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse(name)).content.decode()
    text = re.sub(r"<[^>]+>", " ", page)  # Words shown, not names of fields or classes.
    assert not FORBIDDEN_ENGLISH.search(text), FORBIDDEN_ENGLISH.search(text)
    assert not US_DATE.search(text)


def test_english_dates_are_british():
    day = datetime.date(2029, 5, 15)
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "15/05/2029"
        assert formats.date_format(day) == "15 May 2029"
    with translation.override("fr"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "15/05/2029"


def test_english_forms_read_dates_day_first():
    from django import forms

    with translation.override("en"):
        assert forms.DateField().clean("15/05/2029") == datetime.date(2029, 5, 15)


FORBIDDEN_FRENCH = [
    (re.compile(r"\bMio\b|\bKio\b|\bGio\b"), "one unit only: Mo, ko, Go"),
    (re.compile(r"-{5,}"), "« Sélectionner une option », never Django's dashes"),
    (re.compile(r"\(facultatif\)\s*\(facultatif\)"), "« (facultatif) » once"),
    (re.compile(r"\bde [aeiouyàâéèêëîïôûùAEIOUYÀÂÉÈÊËÎÏÔÛÙ]\w"), "« d’ » before a vowel"),
    (re.compile(r"\bE-mail\b"), "« adresse électronique » or « courriel »"),
]


def test_the_french_catalogue_has_no_forbidden_form():
    problems = [
        f"{why}: {text!r}"
        for entry in FRENCH
        if not entry.obsolete
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        for pattern, why in FORBIDDEN_FRENCH
        if pattern.search(text)
    ]
    assert not problems, "\n".join(problems)


def test_states_agree_with_their_object_in_french():
    with translation.override("fr"):
        assert translation.pgettext("application state", "Submitted") == "Déposée"
        assert translation.pgettext("report state", "Submitted") == "Déposé"
        assert translation.pgettext("proposal state", "Accepted") == "Acceptée"
        assert translation.pgettext("mission state", "Cancelled") == "Annulée"


def test_names_take_an_elision_before_a_vowel():
    with translation.override("fr"):
        assert de_name("Élodie Martin") == "d’Élodie Martin"
        assert de_name("Yves Roux") == "d’Yves Roux"
        assert de_name("Jean Dupont") == "de Jean Dupont"
        assert (
            translation.gettext("Opinion %(of_person)s") % {"of_person": de_name("Élodie Martin")}
            == "Avis d’Élodie Martin"
        )
    with translation.override("en"):
        assert de_name("Élodie Martin") == "of Élodie Martin"


def test_sizes_are_in_mo_like_the_hints():
    with translation.override("fr"):
        assert file_size(10 * 1024 * 1024) == "10 Mo"
        assert file_size(int(2.5 * 1024 * 1024)) == "2,5 Mo"
        assert file_size(2048) == "2 ko"
    with translation.override("en"):
        assert file_size(10 * 1024 * 1024) == "10 MB"
