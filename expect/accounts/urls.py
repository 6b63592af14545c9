from django.contrib.auth import views as auth_views
from django.urls import path

from . import otp_views, passkeys_views, proconnect_views, views, views_gdpr

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", proconnect_views.LogoutView.as_view(), name="logout"),
    path("inscription/", views.register, name="register"),
    path("inscription/envoyee/", views.register_done, name="register_done"),
    path("confirmer/<uidb64>/<token>/", views.confirm_email, name="confirm_email"),
    path("confirmer/renvoyer/", views.resend_confirmation, name="resend_confirmation"),
    path("profil/", views.profile, name="profile"),
    path("profil/adresse/", views.email_change, name="email_change"),
    path("profil/adresse/annuler/", views.email_change_cancel, name="email_change_cancel"),
    path("adresse/confirmer/<str:token>/", views.email_change_confirm, name="email_change_confirm"),
    path("double-authentification/", otp_views.verify, name="otp_verify"),
    path("double-authentification/activer/", otp_views.enrol, name="otp_enrol"),
    path(
        "double-authentification/activer/<str:token>/",
        otp_views.enrol_link,
        name="otp_enrol_link",
    ),
    path("double-authentification/codes/", otp_views.backup_codes, name="otp_backup_codes"),
    path("double-authentification/desactiver/", otp_views.disable, name="otp_disable"),
    path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("profil/securite/", passkeys_views.security, name="security"),
    path("profil/securite/<int:pk>/", passkeys_views.passkey, name="passkey"),
    path("profil/mes-donnees/", views_gdpr.personal_data_export, name="personal_data_export"),
]
