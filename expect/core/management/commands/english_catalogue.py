"""Write locale/en/LC_MESSAGES/django.po: the English strings whose words must change."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from expect.core.glossary import british, needs_override


def english_entries(french) -> list:
    import polib  # A development tool: polib is not needed to run the portal.

    entries = []
    for entry in french:
        if entry.obsolete or not (
            needs_override(entry.msgid) or needs_override(entry.msgid_plural or "")
        ):
            continue
        english = polib.POEntry(
            msgid=entry.msgid,
            msgctxt=entry.msgctxt,
            msgid_plural=entry.msgid_plural,
            flags=[flag for flag in entry.flags if flag != "fuzzy"],
        )
        if entry.msgid_plural:
            english.msgstr_plural = {0: british(entry.msgid), 1: british(entry.msgid_plural)}
        else:
            english.msgstr = british(entry.msgid)
        entries.append(english)
    return entries


class Command(BaseCommand):
    help = "Write the English catalogue from the French one's entries (glossary overrides)."

    def handle(self, *args, **options):
        import polib

        base = Path(settings.BASE_DIR) / "locale"
        french = polib.pofile(str(base / "fr" / "LC_MESSAGES" / "django.po"))
        catalogue = polib.POFile()
        catalogue.metadata = {
            "Project-Id-Version": "EXPE-CT",
            "Language": "en",
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
        }
        catalogue.header = (
            "English overrides: only the strings whose words must change (glossary in "
            "expect/core/glossary.py). Written by `manage.py english_catalogue`; do not edit."
        )
        catalogue.extend(english_entries(french))
        target = base / "en" / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        catalogue.save(str(target / "django.po"))
        call_command("compilemessages", locale=["en"], ignore_patterns=[".venv/*"], verbosity=0)
        self.stdout.write(f"{len(catalogue)} English strings written.")
