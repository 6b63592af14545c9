from django.urls import path, re_path

from . import views

app_name = "notifications"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("echeances/", views.deadlines, name="deadlines"),
    path("calendrier/renouveler/", views.renew_feed, name="renew_feed"),
    re_path(r"^calendrier/(?P<token>[-\w]+)\.ics$", views.calendar_feed, name="calendar_feed"),
]
