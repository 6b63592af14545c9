"""One demo account per role, all with the same password (printed in the README)."""

from __future__ import annotations

from base64 import b32decode
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from expect.core.demo import day_rng
from expect.core.demo_texts import COUNTRIES, POSITIONS, person
from expect.organisations.models import Collectivity, Embassy

from .groups import ACCOUNTS_GROUP, INSTRUCTION_GROUP, ensure_groups
from .models import Membership, User

DEMO_PASSWORD = "Demo-EXPE-CT-2026"
# The demo DAECT account's second factor (printed in the README): this key typed into an
# authenticator app, or one of these backup codes (seed_demo gives back used ones).
DEMO_TOTP_SECRET = "DEMODAECTEXPECTTOTPSECRETKEY2345"
DEMO_BACKUP_CODES = ["demo-daect-1", "demo-daect-2", "demo-daect-3", "demo-daect-4"]
DEMO_DOMAIN = "demo.expe-ct.fr"
# The other people of the demo stories (referents and experts of other collectivities,
# agents of other embassies, DAECT colleagues): they cannot sign in (no password).
CAST_DOMAIN = "exemple.demo.expe-ct.fr"
UNUSABLE_PASSWORD = "!demo-no-password"
# A collectivity without a referent yet, whose first member waits for DAECT.
WITHOUT_REFERENT = "95127"  # Cergy
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
    hashed = ""  # hashed once: a password hash costs most of a second by design
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
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
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
    cast = seed_cast()
    stdout.write(
        f"Demo accounts: {', '.join(f'{a[0]}@{DEMO_DOMAIN}' for a in ACCOUNTS)} "
        f"(password {DEMO_PASSWORD}); {cast} other people of the demo."
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


def _cast_user(email: str, role: str, rng, *, embassy=None, position: str = "") -> User:
    first, last = person(rng)
    return User(
        email=email,
        first_name=first,
        last_name=last,
        position=position or rng.choice(POSITIONS),
        role=role,
        embassy=embassy,
        password=UNUSABLE_PASSWORD,
        email_confirmed_at=timezone.now(),
    )


def seed_cast() -> int:
    """A referent and an expert for each demo collectivity (Lyon has the README's), an
    agent for each other embassy, two DAECT colleagues and two requests to join."""
    from expect.organisations.demo import seed_collectivities

    existing = set(
        User.objects.filter(email__endswith=f"@{CAST_DOMAIN}").values_list("email", flat=True)
    )
    people: list[tuple[User, Collectivity | None, bool, str]] = []
    for collectivity in seed_collectivities():
        if collectivity.siren == LYON:
            continue
        key = collectivity.siren or f"{collectivity.kind}-{collectivity.insee_code}"
        rng = day_rng(f"cast-{key}")
        if collectivity.insee_code == WITHOUT_REFERENT:
            people.append(
                (
                    _cast_user(f"demande.{key}@{CAST_DOMAIN}", User.Role.MEMBER, rng),
                    collectivity,
                    False,
                    Membership.State.PENDING,
                )
            )
            continue
        people.append(
            (
                _cast_user(f"referent.{key}@{CAST_DOMAIN}", User.Role.MEMBER, rng),
                collectivity,
                True,
                Membership.State.ACTIVE,
            )
        )
        people.append(
            (
                _cast_user(f"expert.{key}@{CAST_DOMAIN}", User.Role.EXPERT, rng),
                collectivity,
                False,
                Membership.State.ACTIVE,
            )
        )
    lyon = Collectivity.objects.get(siren=LYON)
    people.append(
        (
            _cast_user(f"demande.lyon@{CAST_DOMAIN}", User.Role.MEMBER, day_rng("lyon")),
            lyon,
            False,
            Membership.State.PENDING,
        )
    )
    for code, (_name, _language, embassy_name, _city, _partners) in COUNTRIES.items():
        if code != "SN":
            embassy = Embassy.objects.get(name=embassy_name)
            agent = _cast_user(
                f"ambassade.{code.lower()}@{CAST_DOMAIN}",
                User.Role.EMBASSY,
                day_rng(code),
                embassy=embassy,
                position="Attaché de coopération",
            )
            people.append((agent, None, False, ""))
    for local in ("instruction", "comite"):
        people.append(
            (
                _cast_user(
                    f"{local}@{CAST_DOMAIN}",
                    User.Role.DAECT,
                    day_rng(local),
                    position="Chargé de mission DAECT",
                ),
                None,
                False,
                "",
            )
        )
    new = [entry for entry in people if entry[0].email not in existing]
    User.objects.bulk_create([user for user, *_rest in new])
    by_email = dict(
        User.objects.filter(email__endswith=f"@{CAST_DOMAIN}").values_list("email", "pk")
    )
    now = timezone.now()
    Membership.objects.bulk_create(
        [
            Membership(
                user_id=by_email[user.email],
                collectivity=collectivity,
                state=state,
                is_referent=referent,
                decided_at=now if state == Membership.State.ACTIVE else None,
                # Waiting for five days: the referent's reminder (after three) is due.
                requested_at=now - timedelta(days=5),
            )
            for user, collectivity, referent, state in new
            if collectivity is not None
        ]
    )
    return len(new)


def cast_member(collectivity: Collectivity, *, expert: bool = False) -> User:
    """The referent (or the expert) of a demo collectivity."""
    if collectivity.siren == LYON:
        return User.objects.get(email=f"{'expert' if expert else 'referent'}@{DEMO_DOMAIN}")
    key = collectivity.siren or f"{collectivity.kind}-{collectivity.insee_code}"
    return User.objects.get(email=f"{'expert' if expert else 'referent'}.{key}@{CAST_DOMAIN}")


def scale_expert_email(collectivity_id: int) -> str:
    return f"expert-scale-{collectivity_id}@{DEMO_DOMAIN}"


def scale_embassy_email(code: str) -> str:
    return f"ambassade-scale-{code.lower()}@{DEMO_DOMAIN}"


def seed_scale(n: int, stdout) -> None:
    """A confirmed referent for each generated collectivity, an expert for each one that
    applies for a label, and an agent per embassy who relays the generated needs; all
    share one precomputed password."""
    from expect.core.demo import applies
    from expect.organisations.demo import scale_collectivity_ids

    ids = scale_collectivity_ids(n)
    password = make_password(DEMO_PASSWORD)
    now = timezone.now()
    existing = set(
        User.objects.filter(
            email__contains="scale-", email__endswith=f"@{DEMO_DOMAIN}"
        ).values_list("email", flat=True)
    )
    wanted: list[tuple[str, str, int | None, bool]] = []
    for position, pk in enumerate(ids):
        wanted.append((f"scale-{pk}@{DEMO_DOMAIN}", User.Role.MEMBER, pk, True))
        if applies(position):
            wanted.append((scale_expert_email(pk), User.Role.EXPERT, pk, False))
    embassies = dict(Embassy.objects.values_list("name", "pk"))
    agents = [
        (scale_embassy_email(code), embassies[country[2]])
        for code, country in COUNTRIES.items()
        if country[2] in embassies
    ]
    users = [
        User(
            email=email,
            first_name="Expert" if role == User.Role.EXPERT else "Agent",
            last_name=f"n°{pk}",
            role=role,
            password=password,
            email_confirmed_at=now,
        )
        for email, role, pk, _referent in wanted
        if email not in existing
    ] + [
        User(
            email=email,
            first_name="Agent",
            last_name="de l’ambassade",
            role=User.Role.EMBASSY,
            embassy_id=embassy_id,
            password=password,
            email_confirmed_at=now,
        )
        for email, embassy_id in agents
        if email not in existing
    ]
    User.objects.bulk_create(users, batch_size=2000)
    by_email = dict(
        User.objects.filter(
            email__contains="scale-", email__endswith=f"@{DEMO_DOMAIN}"
        ).values_list("email", "pk")
    )
    Membership.objects.bulk_create(
        (
            Membership(
                user_id=by_email[email],
                collectivity_id=pk,
                state=Membership.State.ACTIVE,
                is_referent=referent,
                decided_at=now,
            )
            for email, _role, pk, referent in wanted
            if email not in existing
        ),
        ignore_conflicts=True,
        batch_size=2000,
    )
    stdout.write(f"Scale: {len(users)} new accounts.")
