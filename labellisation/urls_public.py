from django.urls import path

from .views import collectivity, public

urlpatterns = [
    path("catalogue/", public.catalogue, name="catalogue"),
    path("catalogue/<int:pk>/", collectivity.collectivity_detail, name="collectivity_detail"),
    path("labels/verifier/", public.verify_form, name="verify_form"),
    path("labels/verifier/<str:code>/", public.verify, name="verify"),
]
