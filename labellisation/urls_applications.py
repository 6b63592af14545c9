from django.urls import path

from .views import applications as views
from .views import opinions

urlpatterns = [
    path("candidatures/", views.application_list, name="application_list"),
    path("candidatures/nouvelle/", views.application_create, name="application_create"),
    path("candidatures/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "candidatures/<int:pk>/etapes/<slug:step>/", views.application_step, name="application_step"
    ),
    path("candidatures/<int:pk>/deposer/", views.application_submit, name="application_submit"),
    path(
        "candidatures/<int:pk>/redeposer/", views.application_resubmit, name="application_resubmit"
    ),
    path("candidatures/<int:pk>/retirer/", views.application_withdraw, name="application_withdraw"),
    path(
        "candidatures/<int:pk>/abandonner/", views.application_discard, name="application_discard"
    ),
    path("candidatures/<int:pk>/messages/", views.application_message, name="application_message"),
    path(
        "candidatures/<int:pk>/documents/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "candidatures/<int:pk>/documents/<int:attachment_pk>/supprimer/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("avis/", opinions.opinion_list, name="opinion_list"),
    path("avis/<int:pk>/", opinions.opinion_give, name="opinion_give"),
]
