from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "expect.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from .groups import ensure_groups
        from .second_factor import remember_if_required

        post_migrate.connect(ensure_groups, dispatch_uid="expect.accounts.groups")
        user_logged_in.connect(remember_if_required, dispatch_uid="expect.accounts.otp")
