from django.urls import path
from django.utils.translation import gettext_noop

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path(
        "mentions-legales/",
        views.static_page("core/legal.html", gettext_noop("Legal notice")),
        name="legal",
    ),
    path(
        "donnees-personnelles/",
        views.static_page("core/privacy.html", gettext_noop("Personal data")),
        name="privacy",
    ),
]
