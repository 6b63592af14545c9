from django.urls import path

from .views import missions

urlpatterns = [
    path("missions/", missions.mission_list, name="mission_list"),
    path("missions/<int:pk>/", missions.mission_detail, name="mission_detail"),
    path("missions/<int:pk>/fiche.pdf", missions.mission_sheet, name="mission_sheet"),
]
