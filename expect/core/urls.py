from django.urls import path
from django.utils.translation import gettext_noop

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("filtres/enregistrer/", views.saved_filter_create, name="saved_filter_create"),
    path("filtres/<int:pk>/supprimer/", views.saved_filter_delete, name="saved_filter_delete"),
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
