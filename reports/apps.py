from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Mission reports")

    def ready(self) -> None:
        from expect.core import generations

        from . import models

        # A published report's text or file changed: the library shows it at once. Drafts
        # and reports under evaluation change nothing public.
        generations.follow(
            models.MissionReport,
            generations.LIBRARY,
            when=lambda report: report.is_published,
        )
