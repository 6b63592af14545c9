"""PDF documents and DAECT's committee pages (French paths, names in English)."""

from django.urls import path

from .views import committees, documents

urlpatterns = [
    path("labels/<int:pk>/certificat.pdf", documents.label_certificate, name="label_certificate"),
    path(
        "candidatures/<int:pk>/recepisse.pdf",
        documents.application_receipt,
        name="application_receipt",
    ),
    path("comites/<int:pk>/", committees.committee_detail, name="committee_detail"),
    path("comites/<int:pk>/decisions/", committees.committee_decide, name="committee_decide"),
    path(
        "comites/<int:pk>/ordre-du-jour.pdf", committees.committee_agenda, name="committee_agenda"
    ),
    path(
        "comites/<int:pk>/proces-verbal.pdf", committees.committee_minutes, name="committee_minutes"
    ),
]
