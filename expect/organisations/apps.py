from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "expect.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from expect.core import generations

        from . import models

        # What the catalogue, the library and the figures print of these rows.
        for model in (models.Region, models.Language, models.Sdg, models.Theme):
            generations.follow(model, *generations.ALL)
        generations.follow(models.Collectivity, generations.CATALOGUE, generations.LIBRARY)
