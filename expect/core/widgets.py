"""Form widgets shared by every app.

The combobox widgets render a plain native `<select>` (which works without JavaScript
and is what the server validates); static/js/combobox.js turns it into the ARIA 1.2
combobox pattern with a search box, a listbox and, for several values, one removable
chip per chosen value. Use them as `widget=ComboboxSelectMultiple` on any form field
with many choices (countries, languages…).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class _ComboboxMixin:
    # The words the script shows, translated server-side: the script holds no text.
    texts = {
        "data-combobox-placeholder": _("Type to search"),
        "data-combobox-no-result": _("No result"),
        "data-combobox-remove": _("Remove %(value)s"),
        "data-combobox-selected": _("%(value)s selected"),
        "data-combobox-removed": _("%(value)s removed"),
        "data-combobox-count": _("%(count)s results"),
        "data-combobox-chosen": _("Chosen values"),
    }

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-combobox"] = "multiple" if self.allow_multiple_selected else "single"
        widget_attrs.update({key: str(text) for key, text in self.texts.items()})
        return context


class ComboboxSelect(_ComboboxMixin, forms.Select):
    """One value among many, with a search box."""


class ComboboxSelectMultiple(_ComboboxMixin, forms.SelectMultiple):
    """Several values among many, with a search box and a chip per chosen value."""
