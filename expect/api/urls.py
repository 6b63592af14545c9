"""The public API, versioned under /api/v1/, and the open data page (/donnees/)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from labellisation.api import LabelledCollectivityViewSet, LabelViewSet
from missions.api import MissionViewSet
from reports.api import ReportViewSet

from . import views

app_name = "api"

router = SimpleRouter()
router.register("labels", LabelViewSet, basename="label")
router.register("collectivities", LabelledCollectivityViewSet, basename="collectivity")
router.register("missions", MissionViewSet, basename="mission")
router.register("reports", ReportViewSet, basename="report")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/v1/openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("api/v1/docs/", views.api_docs, name="docs"),
    re_path(
        r"^api/v1/datasets/(?P<name>[a-z]+)\.schema\.json$",
        views.dataset_schema,
        name="dataset_schema",
    ),
    re_path(
        r"^api/v1/datasets/(?P<name>[a-z]+)\.(?P<fmt>csv|json)$",
        views.dataset_file,
        name="dataset",
    ),
    # Anything else under /api/ is a 404 in JSON, as the API's own, not the site's page.
    re_path(r"^api/", views.not_found, name="not_found"),
    path("donnees/", views.open_data, name="open_data"),
]
