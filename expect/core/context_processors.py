from django.conf import settings


def portal(request) -> dict:
    """What every page needs: the site URL for absolute links and the DAECT contact."""
    return {"SITE_URL": settings.SITE_URL, "DAECT_EMAIL": settings.DAECT_EMAIL}
