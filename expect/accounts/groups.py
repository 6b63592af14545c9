"""The back office's groups: what each kind of DAECT staff account may do in the admin.

Seeded after every `migrate` (a post_migrate handler, so that a new permission joins
its group on the next deployment) and by `seed_demo`:

- « Instruction DAECT »: every programme action (grant, refuse, schedule, qualify a
  need, confirm a mission, evaluate and publish a report, confirm a membership…) and
  the view, add and change rights on the programme's records;
- « Consultation »: reads everything, changes nothing;
- « Administration des comptes »: accounts and memberships, the GDPR export and
  anonymisation, the second factor reset.

Nobody gets a delete right: DAECT archives, it does not delete records. Superuser
status, staff status, groups and individual permissions are given by a superuser only
(expect/accounts/admin.py). A DAECT agent's account gets its groups from a superuser
in the admin; the demo agent gets « Instruction DAECT » and « Administration des
comptes » from seed_demo. The portal's own rules (`User.is_daect`) do not read groups.
"""

from django.apps import apps as global_apps
from django.db.models import Q

INSTRUCTION_GROUP = "Instruction DAECT"
CONSULTATION_GROUP = "Consultation"
ACCOUNTS_GROUP = "Administration des comptes"
# The first wave's single group, which held every right: its members move to the two
# groups that together hold the same rights, and it goes.
LEGACY_GROUP = "DAECT"

PROGRAMME_APPS = ["organisations", "notifications", "labellisation", "missions", "reports"]
DAECT_APPS = ["accounts", *PROGRAMME_APPS]
# The membership decisions belong to both: instructors confirm who acts for a collectivity.
MEMBERSHIP_ACTIONS = ["confirm_membership", "refuse_membership"]


def _last_app_label() -> str:
    return [config for config in global_apps.get_app_configs() if config.models_module][-1].label


def _rules() -> dict[str, Q]:
    no_delete = ~Q(codename__startswith="delete_")
    return {
        INSTRUCTION_GROUP: (
            (Q(content_type__app_label__in=PROGRAMME_APPS) & no_delete)
            | Q(
                content_type__app_label="accounts",
                codename__in=["view_user", "view_membership", *MEMBERSHIP_ACTIONS],
            )
        ),
        CONSULTATION_GROUP: Q(content_type__app_label__in=DAECT_APPS, codename__startswith="view_"),
        ACCOUNTS_GROUP: (
            (Q(content_type__app_label="accounts") & no_delete)
            | Q(content_type__app_label="organisations", codename__startswith="view_")
        ),
    }


def ensure_groups(sender=None, apps=global_apps, **kwargs) -> None:
    """Create or update the three groups; idempotent.

    As a post_migrate handler it acts once, after the last app: every app's permissions
    exist by then (Django creates them in the same signal, app by app).
    """
    if sender is not None and sender.label != _last_app_label():
        return
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = {}
    for name, rule in _rules().items():
        groups[name], _ = Group.objects.get_or_create(name=name)
        groups[name].permissions.set(Permission.objects.filter(rule))
    legacy = Group.objects.filter(name=LEGACY_GROUP).first()
    if legacy is not None:
        for user in legacy.user_set.all():
            user.groups.add(groups[INSTRUCTION_GROUP], groups[ACCOUNTS_GROUP])
        legacy.delete()
