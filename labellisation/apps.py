from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabellisationConfig(AppConfig):
    name = "labellisation"
    verbose_name = _("Labellisation")

    def ready(self) -> None:
        from expect.core import generations

        from . import models

        # A label's dates or state corrected in the back office, without a recorded step.
        generations.follow(models.Label, generations.CATALOGUE, generations.FIGURES)
