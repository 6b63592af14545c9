from django.conf import settings


def portal(request) -> dict:
    """What every page needs: the site URL for absolute links, the DAECT contact, the
    accessibility status the footer declares, and whether uploads go unscanned (no
    CLAMAV_URL), which the admin says on every page."""
    return {
        "SITE_URL": settings.SITE_URL,
        "DAECT_EMAIL": settings.DAECT_EMAIL,
        "ACCESSIBILITY_STATUS": settings.ACCESSIBILITY.status,
        "UPLOADS_UNSCANNED": not settings.CLAMAV_URL,
    }
