import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with no bulk file made and no request counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    # The limits have their own tests (test_throttling.py), which set them back.
    settings.API_THROTTLE_PER_MINUTE = 0
    settings.API_DATASET_THROTTLE_PER_HOUR = 0


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
