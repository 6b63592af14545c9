from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from expect.core import generations
from expect.core.widgets import ComboboxSelectMultiple

from .countries import foreign_country_choices
from .models import Collectivity


class CollectivityProfileForm(forms.ModelForm):
    """What members may edit; name, kind and identifiers come from the official list."""

    class Meta:
        model = Collectivity
        fields = [
            "address",
            "email",
            "phone",
            "website",
            "languages",
            "international_experience",
            "cooperation_countries",
            "public_contact_service",
            "public_contact_email",
            "public_contact_phone",
            "publish_contact",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "languages": ComboboxSelectMultiple,
            "cooperation_countries": ComboboxSelectMultiple,
            "international_experience": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "international_experience": _(
                "Decentralised cooperation, earlier missions abroad, networks: what your "
                "experts have already done outside France."
            ),
            "public_contact_email": _(
                "A service's or a function's address (ri@ville.fr), not a person's own."
            ),
            "publish_contact": _(
                "Shown to everyone on the collectivity's page in the catalogue of labelled "
                "expertise. Untick to take it off."
            ),
        }

    # The public contact: only the referent (or DAECT) sees and sets these fields.
    PUBLIC_CONTACT_FIELDS = (
        "public_contact_service",
        "public_contact_email",
        "public_contact_phone",
        "publish_contact",
    )

    def __init__(self, *args, may_publish: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_publish:
            for name in self.PUBLIC_CONTACT_FIELDS:
                del self.fields[name]
        self.fields["cooperation_countries"].choices = foreign_country_choices()
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def save(self, commit: bool = True) -> Collectivity:
        collectivity = super().save(commit)
        # The profile shows in the catalogue and on the public page: their cache moves.
        generations.bump(generations.CATALOGUE)
        return collectivity

    def clean(self) -> dict:
        data = super().clean()
        publishing = data.get("publish_contact")
        if publishing and not (
            data.get("public_contact_email") or data.get("public_contact_phone")
        ):
            self.add_error(
                "publish_contact",
                _("Give the public contact's e-mail address or phone number to publish it."),
            )
        return data
