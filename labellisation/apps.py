from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabellisationConfig(AppConfig):
    name = "labellisation"
    verbose_name = _("Labellisation")
