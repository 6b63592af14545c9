"""What cannot be undone is confirmed first: in a modal with JavaScript, on a page without."""

import pytest
from django.urls import reverse

from labellisation.models import LabelApplication
from tests.accounts.factories import MembershipFactory
from tests.labellisation.factories import AttachmentFactory, complete_application

pytestmark = pytest.mark.django_db
State = LabelApplication.State


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _url(name, *args):
    return reverse(f"labellisation:{name}", args=args)


def test_the_detail_page_carries_the_modal_of_the_submission(client):
    draft = complete_application()
    client.force_login(draft.created_by)
    page = client.get(_url("application_detail", draft.pk)).content.decode()
    assert 'data-confirm="confirm-submit"' in page
    assert '<dialog id="confirm-submit" class="fr-modal"' in page
    assert 'name="confirmed" value="1"' in page


def test_without_javascript_a_submission_asks_on_a_page_first(client):
    draft = complete_application()
    client.force_login(draft.created_by)
    response = client.post(_url("application_submit", draft.pk))
    assert response.status_code == 200
    assert "Déposer la candidature ?" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    client.post(_url("application_submit", draft.pk), {"confirmed": "1"})
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED


def test_the_withdrawal_comment_is_carried_by_the_confirmation_page(client):
    application = complete_application(state=State.SUBMITTED)
    client.force_login(application.created_by)
    response = client.post(_url("application_withdraw", application.pk), {"comment": "Trop tôt"})
    page = response.content.decode()
    assert 'name="comment" value="Trop tôt"' in page
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_a_document_is_deleted_only_once_confirmed(client):
    draft = complete_application()
    attachment = draft.attachments.get()
    client.force_login(draft.created_by)
    url = _url("attachment_delete", draft.pk, attachment.pk)
    assert client.post(url).status_code == 200
    assert draft.attachments.exists()
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert not draft.attachments.exists()


def test_another_collectivity_gets_no_confirmation_page(client):
    draft = complete_application()
    client.force_login(MembershipFactory(state="active").user)
    assert client.post(_url("application_submit", draft.pk)).status_code == 404
    attachment = AttachmentFactory(application=draft)
    url = _url("attachment_delete", draft.pk, attachment.pk)
    assert client.post(url).status_code == 404


def test_an_expert_of_the_collectivity_is_refused_before_any_question(client):
    draft = complete_application()
    expert = MembershipFactory(
        state="active", collectivity=draft.collectivity, user__role="expert"
    ).user
    client.force_login(expert)
    assert client.post(_url("application_submit", draft.pk)).status_code == 403


def test_an_empty_message_is_called_empty(client):
    application = complete_application(state=State.SUBMITTED)
    client.force_login(application.created_by)
    response = client.post(_url("application_message", application.pk), {"text": ""}, follow=True)
    assert "Le message est vide" in response.content.decode()
