"""The Celery application: worker and beat read their configuration from settings.

The beat schedule is `settings.CELERY_BEAT_SCHEDULE` (one entry per periodic job).
On the embedded SQLite default, `make run` starts the worker with one process
running one task at a time (`--pool solo`): SQLite has no row locks to share work
safely between processes; PostgreSQL keeps the concurrency and `SKIP LOCKED`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expect.settings")

app = Celery("expect")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
