from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "expect.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from expect.core.events import event_recorded

        from . import events

        # Each app's `events.py` registers the notices of its events (see events.py).
        autodiscover_modules("events")
        event_recorded.connect(events.announce, dispatch_uid="notifications.announce")
