from django.urls import path

from .views import needs

urlpatterns = [
    path("besoins/", needs.request_list, name="request_list"),
    path("besoins/nouveau/", needs.request_create, name="request_create"),
    path("besoins/<int:pk>/", needs.request_detail, name="request_detail"),
    path("besoins/<int:pk>/modifier/", needs.request_edit, name="request_edit"),
    path("besoins/<int:pk>/deposer/", needs.request_submit, name="request_submit"),
    path("besoins/<int:pk>/abandonner/", needs.request_discard, name="request_discard"),
    path(
        "besoins/<int:pk>/documents/",
        needs.request_attachment_add,
        name="request_attachment_add",
    ),
    path(
        "besoins/<int:pk>/documents/<int:attachment_pk>/",
        needs.request_attachment,
        name="request_attachment",
    ),
    path(
        "besoins/<int:pk>/documents/<int:attachment_pk>/supprimer/",
        needs.request_attachment_delete,
        name="request_attachment_delete",
    ),
]
