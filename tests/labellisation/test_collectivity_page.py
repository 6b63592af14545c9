"""A labelled collectivity's public page: each labelled expertise with its description,
the contact the referent chose to publish, and the completed missions with their
published reports and the foreign partner's feedback; a report links back to it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from missions.models import Mission, PartnerFeedback
from reports.models import MissionReport
from tests.labellisation.test_catalogue import labelled
from tests.missions.factories import MissionFactory
from tests.organisations.factories import CollectivityFactory, ThemeFactory
from tests.reports.factories import MissionReportFactory

pytestmark = pytest.mark.django_db
PROFILE = reverse("organisations:my_collectivity")


def page_of(collectivity) -> str:
    return reverse("labellisation:collectivity_detail", args=[collectivity.pk])


def done_mission(collectivity, **kwargs) -> Mission:
    return MissionFactory(
        proposal__collectivity=collectivity,
        state=Mission.State.CLOSED,
        departure_date=datetime.date(2025, 3, 1),
        return_date=datetime.date(2025, 3, 10),
        **kwargs,
    )


def published(mission: Mission) -> MissionReport:
    return MissionReportFactory(
        mission=mission,
        state=MissionReport.State.ACCEPTED,
        is_published=True,
        published_at=timezone.now(),
    )


def answered(mission: Mission, **answers) -> PartnerFeedback:
    now = timezone.now()
    return PartnerFeedback.objects.create(
        mission=mission,
        token_hash=f"{mission.pk:064d}",
        email="maire@podor.sn",
        expires_at=now,
        answered_at=now,
        need_met=answers.pop("need_met", PartnerFeedback.NeedMet.PARTLY),
        **answers,
    )


def test_it_shows_each_labelled_expertise_with_its_description(client):
    collectivity = CollectivityFactory()
    label = labelled(collectivity, ThemeFactory(name="Eau potable"))
    label.application.expertise = "Régie publique de l’eau depuis 1990."
    label.application.save()
    page = client.get(page_of(collectivity)).content.decode()
    assert "Eau potable" in page
    assert "Régie publique de l’eau depuis 1990." in page


def test_a_published_contact_shows_an_unpublished_one_does_not(client):
    collectivity = CollectivityFactory(
        public_contact_service="Direction des relations internationales",
        public_contact_email="ri@ville.fr",
        public_contact_phone="04 72 00 00 00",
    )
    labelled(collectivity)
    assert "ri@ville.fr" not in client.get(page_of(collectivity)).content.decode()
    collectivity.publish_contact = True
    collectivity.save()
    page = client.get(page_of(collectivity)).content.decode()
    assert "Direction des relations internationales" in page
    assert 'href="mailto:ri@ville.fr"' in page
    assert 'href="tel:+33472000000"' in page


def test_it_links_a_mission_to_its_published_report_only(client):
    collectivity = CollectivityFactory()
    labelled(collectivity)
    report = published(done_mission(collectivity, proposal__request__country="SN"))
    draft = MissionReportFactory(mission=done_mission(collectivity))
    page = client.get(page_of(collectivity)).content.decode()
    assert reverse("reports:library_report", args=[report.pk]) in page
    assert reverse("reports:library_report", args=[draft.pk]) not in page
    assert "Rapport non publié" in page


def test_it_shows_the_partners_closed_answers_and_keeps_its_comments_private(client):
    collectivity = CollectivityFactory()
    labelled(collectivity)
    answered(
        done_mission(collectivity),
        usefulness=4,
        rating_expertise=5,
        comment="Merci à Jean Dupont.",
        next_steps="Une seconde mission.",
    )
    page = client.get(page_of(collectivity)).content.decode()
    assert "En partie" in page
    assert "4/5" in page and "5/5" in page
    for private in ("Merci à Jean Dupont.", "Une seconde mission.", "maire@podor.sn"):
        assert private not in page


def test_an_unanswered_request_for_feedback_shows_nothing_of_it(client):
    collectivity = CollectivityFactory()
    labelled(collectivity)
    mission = done_mission(collectivity)
    PartnerFeedback.objects.create(
        mission=mission, token_hash="f" * 64, expires_at=timezone.now(), need_met=""
    )
    page = client.get(page_of(collectivity)).content.decode()
    assert "Non reçu" in page or "Not received" in page


def test_an_archived_mission_leaves_the_page(client):
    collectivity = CollectivityFactory()
    labelled(collectivity)
    mission = done_mission(collectivity)
    Mission.objects.filter(pk=mission.pk).update(archived_at=timezone.now())
    assert list(client.get(page_of(collectivity)).context["missions"]) == []


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_labels_missions_and_reports(client):
    collectivity = CollectivityFactory()
    labelled(collectivity)
    answered(published(done_mission(collectivity)).mission)
    small = _queries(client, page_of(collectivity))
    for _n in range(4):
        labelled(collectivity)
        mission = done_mission(collectivity)
        published(mission)
        answered(mission, usefulness=3)
        done_mission(collectivity)
    collectivity.languages.set(["es", "en"])
    assert _queries(client, page_of(collectivity)) == small


# The report's page leads to its facets


def test_a_report_links_its_country_theme_and_collectivity(client):
    collectivity = CollectivityFactory()
    labelled(collectivity)
    theme = ThemeFactory()
    report = published(
        done_mission(collectivity, proposal__request__country="SN", proposal__request__theme=theme)
    )
    page = client.get(reverse("reports:library_report", args=[report.pk])).content.decode()
    library = reverse("reports:library")
    assert f'href="{library}?country=SN"' in page
    assert f'href="{library}?theme={theme.pk}"' in page
    assert f'href="{page_of(collectivity)}"' in page


def test_a_report_of_a_collectivity_no_longer_labelled_names_it_without_a_link(client):
    collectivity = CollectivityFactory()
    report = published(done_mission(collectivity))
    collectivity.labels.update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    page = client.get(reverse("reports:library_report", args=[report.pk])).content.decode()
    assert str(collectivity) in page
    assert f'href="{page_of(collectivity)}"' not in page


# The referent chooses the public contact


def test_the_referent_publishes_a_service_contact(client, referent):
    client.force_login(referent)
    response = client.post(
        PROFILE,
        {
            "public_contact_service": "Relations internationales",
            "public_contact_email": "ri@ville.fr",
            "publish_contact": "on",
        },
    )
    assert response.status_code == 302
    collectivity = referent.membership.collectivity
    collectivity.refresh_from_db()
    assert collectivity.public_contact == {
        "service": "Relations internationales",
        "email": "ri@ville.fr",
        "phone": "",
    }


def test_publishing_a_contact_without_an_address_or_a_number_is_refused(client, referent):
    client.force_login(referent)
    response = client.post(PROFILE, {"public_contact_service": "RI", "publish_contact": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["publish_contact"]
    referent.membership.collectivity.refresh_from_db()
    assert not referent.membership.collectivity.publish_contact


def test_a_member_who_is_not_the_referent_cannot_publish_a_contact(client, member):
    client.force_login(member)
    assert "publish_contact" not in client.get(PROFILE).content.decode()
    client.post(PROFILE, {"public_contact_email": "moi@gmail.com", "publish_contact": "on"})
    collectivity = member.membership.collectivity
    collectivity.refresh_from_db()
    assert not collectivity.publish_contact and collectivity.public_contact_email == ""


def test_nothing_is_published_by_default():
    assert CollectivityFactory(email="maire@ville.fr").public_contact is None
