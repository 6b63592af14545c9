from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

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
            "languages": forms.CheckboxSelectMultiple,
            "international_experience": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "international_experience": _(
                "Decentralised cooperation, earlier missions abroad, networks: what your "
                "experts have already done outside France."
            ),
            "cooperation_countries": _("Hold Ctrl (or Cmd) to choose several countries."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))
