"""The DAECT group carries the back-office permissions of DAECT staff accounts."""

from django.apps import apps as global_apps

DAECT_GROUP = "DAECT"
DAECT_APPS = ["accounts", "organisations", "notifications", "labellisation", "missions", "reports"]


def ensure_daect_group(sender=None, apps=global_apps, **kwargs) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=DAECT_GROUP)
    perms = Permission.objects.filter(content_type__app_label__in=DAECT_APPS)
    # Deleting is left out on purpose: DAECT archives, it does not delete records.
    group.permissions.set(perms.exclude(codename__startswith="delete_"))
