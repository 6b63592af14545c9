from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "expect.core"
    label = "core"

    def ready(self) -> None:
        from . import dashboard

        dashboard.autodiscover()
