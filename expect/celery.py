"""The Celery application: worker and beat read their configuration from settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expect.settings")

app = Celery("expect")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
