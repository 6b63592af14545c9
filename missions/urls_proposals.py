from django.urls import path

from .views import proposals as views

urlpatterns = [
    path("besoins/<int:pk>/correspondances/", views.request_matching, name="request_matching"),
    path("propositions/", views.proposal_list, name="proposal_list"),
    path("propositions/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("propositions/<int:pk>/accepter/", views.proposal_accept, name="proposal_accept"),
    path("propositions/<int:pk>/refuser/", views.proposal_decline, name="proposal_decline"),
    path("propositions/<int:pk>/confirmer/", views.proposal_confirm, name="proposal_confirm"),
]
