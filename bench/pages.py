"""The pages `make bench` measures, family by family, with the objects they show.

Run inside the portal (`manage.py shell`), after the seeding: it picks the busiest
objects of each kind (the demo embassy relays every generated need, the demo
collectivity has the demo's applications and missions), opens one session per role
the way a sign-in does (with the second factor given, for DAECT staff) and writes
the list as JSON for bench/run.py.
"""

from __future__ import annotations

import json
from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Count
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from expect.accounts.demo import DEMO_DOMAIN
from expect.accounts.models import User
from expect.organisations.models import Collectivity, Theme
from labellisation.models import CommitteeSession, Label, LabelApplication
from missions.models import Mission, MissionRequest
from reports.models import MissionReport

# The admin lists of the tables that grow with the programme.
CHANGELISTS = [
    "organisations.collectivity",
    "accounts.user",
    "accounts.membership",
    "labellisation.labelapplication",
    "labellisation.label",
    "missions.missionrequest",
    "missions.missionproposal",
    "missions.mission",
    "reports.missionreport",
    "notifications.reminder",
    "notifications.outboxmessage",
]


def session_cookie(email: str) -> str:
    """A signed-in session of this account, as after the sign-in page (and its code page)."""
    user = User.objects.get(email=email)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if user.is_daect or user.is_staff or user.is_superuser:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _first(queryset):
    found = queryset.first()
    return found.pk if found is not None else None


def public() -> list[tuple[str, str]]:
    collectivity = (
        Collectivity.objects.annotate(n=Count("labels"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .first()
    )
    label = Label.objects.order_by("pk").first()
    report = _first(MissionReport.objects.filter(is_published=True).order_by("pk"))
    theme = Theme.objects.order_by("pk").first()
    pages = [
        ("home", reverse("core:home")),
        ("catalogue", reverse("labellisation:catalogue")),
        ("catalogue filtered", f"{reverse('labellisation:catalogue')}?theme={theme.pk}&name=saint"),
        ("collectivity page", reverse("labellisation:collectivity_detail", args=[collectivity.pk])),
        ("library", reverse("reports:library")),
        ("library search", f"{reverse('reports:library')}?q=eau+potable"),
        ("figures", reverse("reports:figures")),
        ("label verification", reverse("labellisation:verify", args=[label.verification_code])),
    ]
    if report:
        pages.append(("library report", reverse("reports:library_report", args=[report])))
    return pages


def member(user: User) -> list[tuple[str, str]]:
    collectivity = user.collectivity
    application = _first(LabelApplication.objects.filter(collectivity=collectivity))
    mission = _first(Mission.objects.filter(collectivity=collectivity).order_by("-pk"))
    pages = [
        ("member dashboard", reverse("core:dashboard")),
        ("my collectivity", reverse("organisations:my_collectivity")),
        ("members", reverse("organisations:members")),
        ("applications", reverse("labellisation:application_list")),
        ("proposals", reverse("missions:proposal_list")),
        ("member missions", reverse("missions:mission_list")),
        ("deadlines", reverse("notifications:deadlines")),
    ]
    if application:
        pages.append(
            ("application", reverse("labellisation:application_detail", args=[application]))
        )
    if mission:
        pages.append(("member mission", reverse("missions:mission_detail", args=[mission])))
    return pages


def expert(user: User) -> list[tuple[str, str]]:
    mission = _first(Mission.objects.visible_to(user).order_by("-pk"))
    pages = [
        ("expert dashboard", reverse("core:dashboard")),
        ("expert missions", reverse("missions:mission_list")),
    ]
    if mission:
        pages.append(("expert mission", reverse("missions:mission_detail", args=[mission])))
        pages.append(("expert report", reverse("reports:report_detail", args=[mission])))
    return pages


def embassy(user: User) -> list[tuple[str, str]]:
    need = _first(MissionRequest.objects.filter(embassy=user.embassy).order_by("-pk"))
    mission = _first(Mission.objects.visible_to(user).order_by("-pk"))
    pages = [
        ("embassy dashboard", reverse("core:dashboard")),
        ("my embassy", reverse("organisations:my_embassy")),
        ("needs", reverse("missions:request_list")),
        ("embassy missions", reverse("missions:mission_list")),
        ("opinions", reverse("labellisation:opinion_list")),
    ]
    if need:
        pages.append(("need", reverse("missions:request_detail", args=[need])))
    if mission:
        pages.append(("embassy mission", reverse("missions:mission_detail", args=[mission])))
    return pages


def daect() -> list[tuple[str, str]]:
    need = _first(
        MissionRequest.objects.filter(theme__in=Label.objects.values("theme")).order_by("-pk")
    )
    committee = _first(CommitteeSession.objects.order_by("-date"))
    pages = [
        ("DAECT dashboard", reverse("core:dashboard")),
        ("DAECT needs", reverse("missions:request_list")),
        ("DAECT missions", reverse("missions:mission_list")),
    ]
    if need:
        pages.append(("matching", reverse("missions:request_matching", args=[need])))
    if committee:
        pages.append(("committee", reverse("labellisation:committee_detail", args=[committee])))
    return pages


def changelists() -> list[tuple[str, str]]:
    registered = {model._meta.label_lower for model in admin.site._registry}
    pages = [("admin index", reverse("admin:index"))]
    for label in CHANGELISTS:
        if label in registered:
            app, model = label.split(".")
            pages.append((f"admin {model}", reverse(f"admin:{app}_{model}_changelist")))
    return pages


def main(out: str) -> None:
    accounts = {
        role: f"{role}@{DEMO_DOMAIN}" for role in ("referent", "expert", "ambassade", "daect")
    }
    users = {role: User.objects.get(email=email) for role, email in accounts.items()}
    families = [
        ("public", "", public()),
        ("member", session_cookie(accounts["referent"]), member(users["referent"])),
        ("expert", session_cookie(accounts["expert"]), expert(users["expert"])),
        ("embassy", session_cookie(accounts["ambassade"]), embassy(users["ambassade"])),
        ("DAECT portal", session_cookie(accounts["daect"]), daect()),
        ("admin", session_cookie(accounts["daect"]), changelists()),
    ]
    pages = [
        {"family": family, "name": name, "path": path, "cookie": cookie}
        for family, cookie, found in families
        for name, path in found
    ]
    facts = {
        "collectivities": Collectivity.objects.count(),
        "labels": Label.objects.count(),
        "applications": LabelApplication.objects.count(),
        "needs": MissionRequest.objects.count(),
        "missions": Mission.objects.count(),
        "published reports": MissionReport.objects.filter(is_published=True).count(),
        "accounts": User.objects.count(),
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"pages": pages, "facts": facts}, handle)
