"""One demo account per role, all with the same password (printed in the README)."""

from __future__ import annotations

from base64 import b32decode

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from expect.organisations.models import Collectivity, Embassy

from .groups import ACCOUNTS_GROUP, INSTRUCTION_GROUP, ensure_groups
from .models import Membership, User

DEMO_PASSWORD = "Demo-EXPE-CT-2026"
# The demo DAECT account's second factor (printed in the README): this key typed into an
# authenticator app, or one of these backup codes (seed_demo gives back used ones).
DEMO_TOTP_SECRET = "DEMODAECTEXPECTTOTPSECRETKEY2345"
DEMO_BACKUP_CODES = ["demo-daect-1", "demo-daect-2", "demo-daect-3", "demo-daect-4"]
DEMO_DOMAIN = "demo.expe-ct.fr"
LYON = "216901231"

# e-mail, first name, last name, position, role, collectivity SIREN or embassy name, referent
ACCOUNTS = [
    ("daect", "Anne-Marie", "Durand", "Chargée de mission EXPE-CT", User.Role.DAECT, None, False),
    (
        "referent",
        "Claire",
        "Martin",
        "Directrice des relations internationales",
        User.Role.MEMBER,
        LYON,
        True,
    ),
    (
        "membre",
        "Karim",
        "Benali",
        "Chargé de coopération décentralisée",
        User.Role.MEMBER,
        LYON,
        False,
    ),
    (
        "expert",
        "Sophie",
        "Lefèvre",
        "Ingénieure en gestion de l'eau",
        User.Role.EXPERT,
        LYON,
        False,
    ),
    (
        "ambassade",
        "Thomas",
        "Nguyen",
        "Conseiller de coopération",
        User.Role.EMBASSY,
        "Ambassade de France au Sénégal",
        False,
    ),
]


def seed(stdout) -> None:
    ensure_groups()
    now = timezone.now()
    for local, first, last, position, role, organisation, referent in ACCOUNTS:
        email = f"{local}@{DEMO_DOMAIN}"
        embassy = Embassy.objects.get(name=organisation) if role == User.Role.EMBASSY else None
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "position": position,
                "role": role,
                "embassy": embassy,
                "email_confirmed_at": now,
                "is_staff": role == User.Role.DAECT,
            },
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
        user.save()
        if role == User.Role.DAECT:
            user.groups.add(*Group.objects.filter(name__in=[INSTRUCTION_GROUP, ACCOUNTS_GROUP]))
            _demo_second_factor(user)
        if role in (User.Role.MEMBER, User.Role.EXPERT):
            Membership.objects.get_or_create(
                user=user,
                defaults={
                    "collectivity": Collectivity.objects.get(siren=organisation),
                    "state": Membership.State.ACTIVE,
                    "is_referent": referent,
                    "decided_at": now,
                },
            )
    stdout.write(
        f"Demo accounts: {', '.join(f'{a[0]}@{DEMO_DOMAIN}' for a in ACCOUNTS)} "
        f"(password {DEMO_PASSWORD})."
    )


def _demo_second_factor(user: User) -> None:
    """A known authenticator key and backup codes, so that anyone trying the demo gets in."""
    key = b32decode(DEMO_TOTP_SECRET).hex()
    TOTPDevice.objects.filter(user=user).exclude(key=key).delete()
    TOTPDevice.objects.get_or_create(
        user=user, key=key, defaults={"name": "Demo authenticator", "confirmed": True}
    )
    static, _created = StaticDevice.objects.get_or_create(
        user=user, name="Backup codes", defaults={"confirmed": True}
    )
    for code in DEMO_BACKUP_CODES:
        StaticToken.objects.get_or_create(device=static, token=code)


def seed_scale(n: int, stdout) -> None:
    """One confirmed referent per generated collectivity, with a shared precomputed password."""
    from expect.organisations.demo import scale_collectivities

    collectivities = scale_collectivities(n)
    password = make_password(DEMO_PASSWORD)
    now = timezone.now()
    existing = set(User.objects.filter(email__startswith="scale-").values_list("email", flat=True))
    users = [
        User(
            email=f"scale-{c.pk}@{DEMO_DOMAIN}",
            first_name="Agent",
            last_name=f"n°{c.pk}",
            role=User.Role.MEMBER,
            password=password,
            email_confirmed_at=now,
        )
        for c in collectivities
        if f"scale-{c.pk}@{DEMO_DOMAIN}" not in existing
    ]
    User.objects.bulk_create(users, batch_size=1000)
    by_email = dict(User.objects.filter(email__startswith="scale-").values_list("email", "pk"))
    Membership.objects.bulk_create(
        (
            Membership(
                user_id=by_email[f"scale-{c.pk}@{DEMO_DOMAIN}"],
                collectivity=c,
                state=Membership.State.ACTIVE,
                is_referent=True,
                decided_at=now,
            )
            for c in collectivities
        ),
        ignore_conflicts=True,
        batch_size=1000,
    )
    stdout.write(f"Scale: {len(users)} new member accounts.")
