"""One data set with an object of every kind for two owners of each sort, built once.

Collectivity A (labelled, with a mission, a report, a draft application…) and
collectivity B; the embassy for Senegal (country X, which relays A's mission) and the
embassy for Morocco (country Y); and one user for each role the permission rules know.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from expect.accounts.models import Membership, User
from expect.core.models import SavedFilter
from expect.notifications.models import CalendarFeed
from labellisation.models import Attachment, LabelApplication, Opinion
from missions.models import Mission, MissionRequest, RequestAttachment
from reports.models import MissionReport, ReportAnnex
from tests.accounts.factories import EmbassyAgentFactory, MembershipFactory, UserFactory
from tests.labellisation.factories import (
    AttachmentFactory,
    CommitteeSessionFactory,
    LabelApplicationFactory,
    LabelFactory,
    ProposedExpertFactory,
)
from tests.missions.factories import MissionFactory, MissionProposalFactory, MissionRequestFactory
from tests.organisations.factories import CollectivityFactory, EmbassyFactory, ThemeFactory


def real_pdf() -> bytes:
    """A one-page PDF that pypdf reads, as the upload checks require."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


ROLES = (
    "visitor",
    "member_a",
    "member_b",
    "referent_a",
    "expert_on",
    "expert_off",
    "embassy_x",
    "embassy_y",
    "daect",
)


@dataclass
class World:
    users: dict[str, User | None] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name: str):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _member(collectivity, *, role=User.Role.MEMBER, **kwargs) -> User:
    return MembershipFactory(
        collectivity=collectivity, state=Membership.State.ACTIVE, user__role=role, **kwargs
    ).user


def _upload(model, pdf: bytes, **kwargs):
    return model.objects.create(
        file=ContentFile(pdf, name="document.pdf"),
        original_name="document.pdf",
        size=len(pdf),
        **kwargs,
    )


def build_world() -> World:
    pdf = real_pdf()
    theme = ThemeFactory()
    embassy_x = EmbassyFactory(countries=["SN"])
    embassy_y = EmbassyFactory(countries=["MA"], city="Rabat")
    label = LabelFactory(application__theme=theme)
    collectivity_a = label.collectivity
    collectivity_b = CollectivityFactory()
    daect = UserFactory(role=User.Role.DAECT, is_staff=True, is_superuser=True)

    users = {
        "visitor": None,
        "member_a": _member(collectivity_a),
        "member_b": _member(collectivity_b),
        "referent_a": _member(collectivity_a, is_referent=True),
        "expert_on": _member(collectivity_a, role=User.Role.EXPERT),
        # An expert of the same collectivity, but not on the mission's team.
        "expert_off": _member(collectivity_a, role=User.Role.EXPERT),
        "embassy_x": EmbassyAgentFactory(embassy=embassy_x),
        "embassy_y": EmbassyAgentFactory(embassy=embassy_y),
        "daect": daect,
    }
    pending = MembershipFactory(collectivity=collectivity_a, state=Membership.State.PENDING)

    draft = LabelApplicationFactory(
        collectivity=collectivity_a, created_by=users["member_a"], theme=theme
    )
    ProposedExpertFactory(application=draft)
    attachment = AttachmentFactory(
        application=draft,
        file=ContentFile(pdf, name="lettre.pdf"),
        size=len(pdf),
        uploaded_by=users["member_a"],
    )
    submitted = LabelApplicationFactory(
        collectivity=collectivity_a,
        created_by=users["member_a"],
        theme=ThemeFactory(),
        state=LabelApplication.State.SUBMITTED,
        submitted_at=timezone.now(),
    )
    submitted_attachment = _upload(
        Attachment, pdf, application=submitted, uploaded_by=users["member_a"]
    )
    opinion = Opinion.objects.create(
        application=submitted, requested_from=users["embassy_x"], requested_by=daect
    )
    committee = CommitteeSessionFactory()

    need = MissionRequestFactory(created_by=users["embassy_x"], embassy=embassy_x, theme=theme)
    need_attachment = _upload(RequestAttachment, pdf, request=need, uploaded_by=users["embassy_x"])
    proposed_need = MissionRequestFactory(
        created_by=users["embassy_x"],
        embassy=embassy_x,
        theme=theme,
        state=MissionRequest.State.PROPOSED,
    )
    proposal = MissionProposalFactory(
        request=proposed_need, collectivity=collectivity_a, proposed_by=daect
    )

    back = timezone.localdate() - datetime.timedelta(days=1)
    mission = MissionFactory(
        proposal__request__created_by=users["embassy_x"],
        proposal__request__embassy=embassy_x,
        proposal__request__theme=theme,
        proposal__collectivity=collectivity_a,
        proposal__proposed_by=daect,
        state=Mission.State.RETURNED,
        departure_date=back - datetime.timedelta(days=8),
        return_date=back,
    )
    mission.experts.add(users["expert_on"])
    report = MissionReport.objects.create(
        mission=mission,
        summary="Appui au budget participatif.",
        results="Un règlement adopté.",
        file=ContentFile(pdf, name="rapport.pdf"),
        file_name="rapport.pdf",
    )
    annex = _upload(ReportAnnex, pdf, report=report, uploaded_by=users["expert_on"])

    published_mission = MissionFactory(
        proposal__request__created_by=users["embassy_x"],
        proposal__request__embassy=embassy_x,
        proposal__request__theme=theme,
        proposal__collectivity=collectivity_a,
        proposal__proposed_by=daect,
        state=Mission.State.CLOSED,
        departure_date=back - datetime.timedelta(days=200),
        return_date=back - datetime.timedelta(days=190),
    )
    published = MissionReport.objects.create(
        mission=published_mission,
        summary="Gestion des déchets.",
        results="Un plan de collecte.",
        file=ContentFile(pdf, name="publie.pdf"),
        file_name="publie.pdf",
        state=MissionReport.State.ACCEPTED,
        submitted_at=timezone.now(),
        is_published=True,
        published_at=timezone.now(),
        publish_file=True,
    )
    objects = {
        "theme": theme,
        "collectivity_a": collectivity_a,
        "collectivity_b": collectivity_b,
        "embassy_x": embassy_x,
        "embassy_y": embassy_y,
        "label": label,
        "pending": pending,
        "draft": draft,
        "attachment": attachment,
        "submitted": submitted,
        "submitted_attachment": submitted_attachment,
        "opinion": opinion,
        "saved_filter": SavedFilter.objects.create(
            owner=daect, name="Mes dossiers", path="/admin/", query="assigned=me"
        ),
        "committee": committee,
        "need": need,
        "need_attachment": need_attachment,
        "proposal": proposal,
        "mission": mission,
        "report": report,
        "annex": annex,
        "published": published,
        # The calendar feed of the member of A: its token is the only key to it.
        "feed": CalendarFeed.objects.create(user=users["member_a"]),
    }
    return World(users=users, objects=objects)
