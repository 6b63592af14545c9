from django.urls import include, path

app_name = "missions"

urlpatterns = [
    path("", include("missions.urls_needs")),
    path("", include("missions.urls_proposals")),
    path("", include("missions.urls_missions")),
    path("", include("missions.urls_feedback")),
]
