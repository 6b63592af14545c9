"""django-otp-webauthn's JSON endpoints, with the enrolment that names and notifies."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views

from . import passkeys_views

# The package's scripts find these URLs by this namespace.
app_name = "otp_webauthn"

urlpatterns = [
    path(
        "enregistrement/debut/",
        views.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "enregistrement/fin/",
        passkeys_views.CompleteRegistrationView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "connexion/debut/",
        views.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "connexion/fin/",
        views.CompleteCredentialAuthenticationView.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
