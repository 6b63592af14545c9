from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from expect.core.views import healthz

admin.site.site_header = _("EXPE-CT — DAECT back office")
admin.site.site_title = _("EXPE-CT back office")
admin.site.index_title = _("Programme management")
# A second factor's secret is never shown in the back office, not even to DAECT: a lost
# device is reset from the user's page ("Reset the second factor" action).
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("compte/", include("expect.accounts.urls")),
    path("", include("expect.organisations.urls")),
    path("", include("labellisation.urls")),
    path("", include("missions.urls")),
    path("", include("reports.urls")),
    path("notifications/", include("expect.notifications.urls")),
    path("", include("expect.core.urls")),
]

handler400 = "expect.core.errors.bad_request"
handler403 = "expect.core.errors.permission_denied"
handler404 = "expect.core.errors.page_not_found"
handler500 = "expect.core.errors.server_error"
