"""Rate limits of the API, counted on the cache per client address.

Over the limit, DRF answers 429 with a Retry-After header giving the seconds to wait
(and says it in French). The address is the one the project reads everywhere else
(`expect.core.guards.client_ip`), so a client cannot reset its count by writing an
X-Forwarded-For header of its own.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from expect.core.guards import client_ip


class ClientRateThrottle(SimpleRateThrottle):
    """API_THROTTLE_PER_MINUTE requests a minute per address (0: no limit)."""

    scope = "api"

    def get_rate(self) -> str | None:
        # Read at each request rather than once at import, as DRF's own classes do.
        per_minute = settings.API_THROTTLE_PER_MINUTE
        return f"{per_minute}/min" if per_minute else None

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class DatasetRateThrottle(ClientRateThrottle):
    """The bulk files: API_DATASET_THROTTLE_PER_HOUR downloads an hour per address."""

    scope = "dataset"

    def get_rate(self) -> str | None:
        per_hour = settings.API_DATASET_THROTTLE_PER_HOUR
        return f"{per_hour}/hour" if per_hour else None
