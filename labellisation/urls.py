from django.urls import include, path

app_name = "labellisation"

urlpatterns = [
    path("", include("labellisation.urls_applications")),
    path("", include("labellisation.urls_public")),
    path("", include("labellisation.urls_documents")),
]
