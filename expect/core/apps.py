from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "expect.core"
    label = "core"

    def ready(self) -> None:
        from . import dashboard, system_checks  # noqa: F401  (registers the checks)

        dashboard.autodiscover()

        from django.db.models.signals import post_save

        from . import generations
        from .models import Event

        post_save.connect(generations.on_event_saved, sender=Event, dispatch_uid="generations")
