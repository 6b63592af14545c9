from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "expect.core"
    label = "core"
