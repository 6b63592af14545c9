from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from expect.core.views import healthz

# Nothing here but routes: the admin's titles and registrations are set when the apps
# load (expect/accounts/admin_site.py), never as a side effect of importing the URLconf,
# which the autoreloader does in another thread while the system checks read the registry.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("compte/", include("expect.accounts.urls")),
    path("compte/cles-d-acces/", include("expect.accounts.passkeys_urls")),
    path("", include("expect.organisations.urls")),
    path("", include("labellisation.urls")),
    path("", include("missions.urls")),
    path("", include("reports.urls")),
    path("notifications/", include("expect.notifications.urls")),
    path("", include("expect.api.urls")),
    path("", include("expect.core.urls")),
]
# Sign-in through ProConnect exists only when it is configured (PROCONNECT_ISSUER…).
if settings.PROCONNECT_ENABLED:
    urlpatterns.insert(0, path("proconnect/", include("expect.accounts.proconnect_urls")))

handler400 = "expect.core.errors.bad_request"
handler403 = "expect.core.errors.permission_denied"
handler404 = "expect.core.errors.page_not_found"
handler500 = "expect.core.errors.server_error"
