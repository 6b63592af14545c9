"""DAECT asks opinions; each is given once and shown beside the others."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from labellisation import services
from tests.accounts.factories import EmbassyAgentFactory, UserFactory
from tests.labellisation.factories import complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = complete_application()
    return services.application_submit(application=draft, by=draft.created_by)


def test_an_embassy_agent_gives_an_opinion_once(
    client, daect, submitted, django_capture_on_commit_callbacks
):
    agent = EmbassyAgentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        opinion = services.opinion_request(
            application=submitted,
            by=daect,
            of=agent,
            question="Le poste connaît-il ce partenaire ?",
        )
    assert mail.outbox[-1].to == [agent.email]
    client.force_login(agent)
    url = reverse("labellisation:opinion_give", args=[opinion.pk])
    assert submitted.expertise in client.get(url).content.decode()
    client.post(url, {"recommendation": "favourable", "text": "Partenaire sérieux."})
    client.post(url, {"recommendation": "unfavourable", "text": "Changement d’avis."})
    opinion.refresh_from_db()
    assert (opinion.recommendation, opinion.text) == ("favourable", "Partenaire sérieux.")


def test_nobody_else_reaches_the_opinion_page(client, daect, submitted):
    opinion = services.opinion_request(application=submitted, by=daect, of=UserFactory())
    client.force_login(UserFactory())
    assert client.get(reverse("labellisation:opinion_give", args=[opinion.pk])).status_code == 404


def test_the_same_person_is_not_asked_twice(daect, submitted):
    expert = UserFactory()
    services.opinion_request(application=submitted, by=daect, of=expert)
    with pytest.raises(ValidationError):
        services.opinion_request(application=submitted, by=daect, of=expert)


def test_daect_reminds_an_awaited_opinion(daect, submitted, django_capture_on_commit_callbacks):
    person = UserFactory()
    opinion = services.opinion_request(application=submitted, by=daect, of=person)
    with django_capture_on_commit_callbacks(execute=True):
        services.opinion_remind(opinion=opinion, by=daect)
    assert "Relance" in mail.outbox[-1].subject
    opinion.refresh_from_db()
    assert opinion.reminded_at is not None


def test_the_decision_page_shows_the_opinions(client, daect, submitted):
    person = UserFactory(first_name="Hélène", last_name="Bureau-Thématique")
    opinion = services.opinion_request(application=submitted, by=daect, of=person)
    services.opinion_give(
        opinion=opinion, by=person, recommendation="reserved", text="Expertise encore jeune."
    )
    client.force_login(daect)
    page = client.get(
        reverse("admin:labellisation_labelapplication_change", args=[submitted.pk])
    ).content.decode()
    assert "Expertise encore jeune." in page
