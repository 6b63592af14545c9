"""Periodic task of the open data (the schedule is in settings)."""

from celery import shared_task

from . import datasets
from .registry import DATASETS


@shared_task(name="api.build_datasets")
def build_datasets() -> int:
    """Make the bulk files not made yet for the current generations; returns how many.

    Run every hour, it makes each day's files (and those of content changed since) before
    anybody asks for them, so that a download at national volume only reads the cache.
    """
    made = 0
    for dataset in DATASETS.values():
        for fmt in datasets.FORMATS:
            if datasets.cached(dataset, fmt) is None:
                datasets.get(dataset, fmt)
                made += 1
    return made
