from django.conf import settings


def portal(request) -> dict:
    """What every page needs: the site URL for absolute links, the DAECT contact and the
    accessibility status the footer declares."""
    return {
        "SITE_URL": settings.SITE_URL,
        "DAECT_EMAIL": settings.DAECT_EMAIL,
        "ACCESSIBILITY_STATUS": settings.ACCESSIBILITY.status,
    }
