"""`manage.py seed_demo`: a demo that shows the whole programme, the README's accounts,
and `--scale N` with the national proportions."""

import gzip
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from expect.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from expect.accounts.models import Membership, User
from expect.core.demo_texts import MAX_REPORT_BYTES, MIN_REPORT_BYTES, report_size
from expect.core.models import Event
from expect.core.references import format_reference
from expect.organisations.demo import demo_rows
from expect.organisations.models import Collectivity
from labellisation.models import CommitteeSession, Label, LabelApplication
from missions.models import Mission, MissionProposal, MissionRequest
from reports.models import MissionReport

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parents[2] / "README.md"
EXTRACT = Path(__file__).resolve().parents[2] / "expect/organisations/data/collectivities.csv.gz"
MODELS = [Collectivity, User, LabelApplication, Label, MissionRequest, Mission, MissionReport]
CONTENT = MissionReport.CONTENT_FIELDS


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in [*MODELS, Event]}


def _sign_in(client, email: str):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": DEMO_PASSWORD}, follow=True
    )


def test_it_creates_one_account_per_role_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first
    roles = set(
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").values_list("role", flat=True)
    )
    assert roles == {"daect", "member", "expert", "embassy"}
    assert User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").count() == 5
    daect = User.objects.get(email=f"daect@{DEMO_DOMAIN}")
    assert daect.is_staff and not daect.is_superuser
    assert set(daect.groups.values_list("name", flat=True)) == {
        "Instruction DAECT",
        "Administration des comptes",
    }
    assert daect.has_perm("labellisation.grant_label")
    assert daect.has_perm("accounts.anonymise_user")


def test_the_readme_lists_exactly_the_demo_accounts(demo):
    listed = set(re.findall(r"`([a-z]+@demo\.expe-ct\.fr)`", README.read_text()))
    assert listed == set(
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").values_list("email", flat=True)
    )


READ_ME_DASHBOARDS = [
    ("referent", "Lyon (69)"),
    ("membre", "Lyon (69)"),
    ("expert", "Rapports de mission"),
    ("ambassade", "Ambassade de France au Sénégal"),
]


def test_the_readme_accounts_sign_in_to_their_dashboard(client, demo):
    for account, shown in READ_ME_DASHBOARDS:
        response = _sign_in(client, f"{account}@{DEMO_DOMAIN}")
        assert response.redirect_chain[-1][0] == reverse("core:dashboard"), account
        assert shown in response.content.decode()
        client.logout()


def test_the_readme_daect_account_signs_in_with_its_authenticator(client, demo):
    response = _sign_in(client, f"daect@{DEMO_DOMAIN}")
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_verify"))
    device = TOTPDevice.objects.get(user__email=f"daect@{DEMO_DOMAIN}")
    code = f"{totp(device.bin_key):06d}"
    client.post(reverse("accounts:otp_verify"), {"code": code})
    assert client.get("/admin/").status_code == 200


def test_the_demo_collectivities_are_rows_of_the_official_list():
    with gzip.open(EXTRACT, "rt", encoding="utf-8") as extract:
        official = set(extract.read().splitlines())
    rows = [",".join(row.values()) for row in demo_rows()]
    assert len(rows) >= 40 and not set(rows) - official
    assert {row["kind"] for row in demo_rows()} == {"commune", "epci", "departement", "region"}


def test_every_public_page_has_something_to_show(client, demo):
    today = timezone.localdate()
    catalogue = client.get(reverse("labellisation:catalogue"))
    assert catalogue.context["page_obj"].paginator.count >= 30
    labels = Label.objects.valid_on(today)
    assert labels.values("theme").distinct().count() >= 10
    assert labels.values("collectivity__region").distinct().count() >= 10
    for pk in set(labels.values_list("collectivity", flat=True)):
        page = client.get(reverse("labellisation:collectivity_detail", args=[pk]))
        assert page.status_code == 200
    library = client.get(reverse("reports:library"))
    assert library.context["page_obj"].paginator.count >= 12
    for report in MissionReport.objects.published():
        page = client.get(reverse("reports:library_report", args=[report.pk]))
        assert report.results[:40] in page.content.decode()
    figures = client.get(reverse("reports:figures")).context["figures"]
    assert [figure.slug for figure in figures if not figure.rows] == []
    code = labels.first().verification_code
    assert client.get(reverse("labellisation:verify", args=[code])).status_code == 200


def test_published_reports_are_two_to_five_kilobytes_of_french():
    call_command("seed_demo", verbosity=0)
    for report in MissionReport.objects.published():
        texts = {field: getattr(report, field) for field in CONTENT}
        assert MIN_REPORT_BYTES <= report_size(texts) <= MAX_REPORT_BYTES
    words = " ".join(MissionReport.objects.values_list("activities", flat=True))
    assert "déchets" in words and "é" in words


def test_the_showcase_has_every_step_of_the_programme(demo):
    for model in (LabelApplication, MissionRequest, Mission, MissionReport, Label):
        assert set(model.objects.values_list("state", flat=True)) == set(model.State.values)
    proposals = set(MissionProposal.objects.values_list("state", flat=True))
    assert proposals >= {"open", "accepted", "declined", "confirmed"}
    assert len(set(Label.objects.values_list("granted_on__year", flat=True))) >= 4
    assert MissionRequest.objects.values("country").distinct().count() == 10


def test_the_next_committee_has_its_agenda(client, demo):
    session = CommitteeSession.objects.open_on(timezone.localdate()).first()
    assert session.applications.filter(state=LabelApplication.State.SCHEDULED).count() >= 3
    client.force_login(User.objects.get(email=f"daect@{DEMO_DOMAIN}"))
    response = client.get(reverse("labellisation:committee_detail", args=[session.pk]))
    assert "Villeurbanne" in response.content.decode()


DASHBOARD_WORDS = {
    "daect": ["Cergy"],
    "referent": ["Mbour", "Gouvernance locale", "Sénégal"],
    "expert": ["Sénégal", "Lyon"],
    "ambassade": ["Gironde", "Lyon"],
}


def test_each_dashboard_has_something_to_show(client, demo):
    for account, words in DASHBOARD_WORDS.items():
        client.force_login(User.objects.get(email=f"{account}@{DEMO_DOMAIN}"))
        content = client.get(reverse("core:dashboard")).content.decode()
        assert [word for word in words if word not in content] == [], account


def test_daect_has_work_waiting_at_every_step(demo):
    today = timezone.localdate()
    assert LabelApplication.objects.to_review().exists()
    assert MissionRequest.objects.filter(state=MissionRequest.State.SUBMITTED).exists()
    assert MissionProposal.objects.filter(
        state=MissionProposal.State.ACCEPTED, request__state=MissionRequest.State.MATCHED
    ).exists()
    assert MissionReport.objects.to_evaluate().exists()
    assert Mission.objects.report_overdue(today).exists()
    assert Membership.objects.pending().exists()


def _last_transitions(*verbs, **subject):
    events = Event.objects.filter(*verbs, kind=Event.Kind.TRANSITION, **subject)
    events = events.order_by("at", "pk")
    return list(events.values_list("to_state", flat=True))


def test_each_object_s_timeline_ends_in_its_state(demo):
    for application in LabelApplication.objects.exclude(state="draft"):
        assert _last_transitions(application=application, label=None)[-1] == application.state
    for need in MissionRequest.objects.exclude(state="draft"):
        own = Q(verb__startswith="request.") | Q(verb=Event.Verb.MISSION_CREATED)
        assert _last_transitions(own, request=need)[-1] == need.state
    for mission in Mission.objects.exclude(state="planned"):
        own = Q(verb__startswith="mission.") & ~Q(verb=Event.Verb.MISSION_CREATED)
        moves = _last_transitions(own, mission=mission)
        assert moves[-1] in (mission.state, "returned")
    for report in MissionReport.objects.exclude(state="draft"):
        assert _last_transitions(report=report)[-1] == report.state
    for label in Label.objects.exclude(state="active"):
        assert _last_transitions(label=label)[-1] == label.state
    assert not Event.objects.filter(at__gt=timezone.now()).exists()
    _references_are_stored_and_unique()


def _references_are_stored_and_unique() -> None:
    for model in (LabelApplication, MissionRequest, Mission):
        rows = list(model.objects.values_list("pk", "reference"))
        expected = [
            (pk, format_reference(model.REFERENCE_PREFIX, model.REFERENCE_WIDTH, pk))
            for pk, _reference in rows
        ]
        assert rows == expected


def test_scale_generates_collectivities_with_a_referent_each():
    call_command("seed_demo", scale=30, verbosity=0)
    scale = Membership.objects.filter(user__email__startswith="scale-")
    assert scale.filter(is_referent=True).count() == 30
    call_command("seed_demo", scale=30, verbosity=0)
    assert scale.count() == 30
    assert Collectivity.objects.count() >= 30


@pytest.fixture
def national_sample(db):
    """A thirty-sixth of the country: 1,000 collectivities."""
    call_command("seed_demo", verbosity=0)
    before = _counts()
    call_command("seed_demo", scale=1000, verbosity=0)
    return before


def _generated(model, before) -> int:
    return model.objects.count() - before[model.__name__]


def test_scale_keeps_the_national_proportions_at_every_step(national_sample):
    labels = Label.objects.filter(application__created_by__email__startswith="scale-")
    assert 100 <= labels.count() <= 180  # 5,000 for 36,000
    assert 1050 <= _generated(MissionRequest, national_sample) <= 1150  # 40,000
    published = MissionReport.objects.published().filter(
        mission__request__created_by__email__startswith="ambassade-scale-"
    )
    assert 480 <= published.count() <= 640  # 20,000
    for model in (LabelApplication, MissionRequest, Mission, MissionReport, Label):
        assert set(model.objects.values_list("state", flat=True)) == set(model.State.values)
    assert Mission.objects.report_overdue(timezone.localdate()).count() > 10


def test_scale_is_idempotent_and_consistent(client, national_sample):
    counts = _counts()
    call_command("seed_demo", scale=1000, verbosity=0)
    assert _counts() == counts
    _references_are_stored_and_unique()
    assert not MissionReport.objects.published().exclude(mission__state=Mission.State.CLOSED)
    assert not Event.objects.filter(at__gt=timezone.now()).exists()
    report = MissionReport.objects.published().order_by("pk").last()
    texts = {field: getattr(report, field) for field in CONTENT}
    assert MIN_REPORT_BYTES <= report_size(texts) <= MAX_REPORT_BYTES
    expert = User.objects.filter(email__startswith="expert-scale-", missions__isnull=False).first()
    assert expert is not None and expert.active_membership is not None
    client.force_login(User.objects.get(email=f"ambassade@{DEMO_DOMAIN}"))
    assert client.get(reverse("missions:request_list")).status_code == 200
