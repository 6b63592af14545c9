from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

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
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cooperation_countries"].choices = foreign_country_choices()
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))
