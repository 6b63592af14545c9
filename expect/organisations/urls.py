from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("collectivites/recherche/", views.search, name="search"),
    path("ma-collectivite/", views.my_collectivity, name="my_collectivity"),
    path("ma-collectivite/membres/", views.members, name="members"),
    path(
        "ma-collectivite/membres/<int:pk>/confirmer/",
        views.membership_confirm,
        name="membership_confirm",
    ),
    path(
        "ma-collectivite/membres/<int:pk>/refuser/",
        views.membership_refuse,
        name="membership_refuse",
    ),
    path("mon-ambassade/", views.my_embassy, name="my_embassy"),
]
