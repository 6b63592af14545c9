from django.urls import path

from .views import feedback

urlpatterns = [
    path("avis-partenaire/<str:token>/", feedback.partner_feedback, name="partner_feedback"),
    path("missions/<int:pk>/avis-partenaire/", feedback.feedback_relay, name="feedback_relay"),
    path("missions/<int:pk>/suites/<str:step>/", feedback.follow_up, name="follow_up"),
]
