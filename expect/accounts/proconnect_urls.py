"""ProConnect's routes, included by expect/urls.py only when ProConnect is configured."""

from django.urls import path

from . import proconnect_views

app_name = "proconnect"

urlpatterns = [
    path("connexion/", proconnect_views.LoginView.as_view(), name="login"),
    path("retour/", proconnect_views.CallbackView.as_view(), name="callback"),
    path("deconnecte/", proconnect_views.logged_out, name="logged_out"),
]
