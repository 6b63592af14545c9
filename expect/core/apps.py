from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "expect.core"
    label = "core"

    def ready(self) -> None:
        from . import dashboard, system_checks  # noqa: F401  (registers the checks)

        dashboard.autodiscover()
