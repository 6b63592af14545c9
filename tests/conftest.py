import pytest
from django.core import mail  # noqa: F401  (mail.outbox is reset by pytest-django)
from django.test import override_settings
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from expect.accounts import second_factor
from expect.organisations.taxonomies import seed_taxonomies
from tests.accounts.factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True, scope="session")
def _media_in_a_temporary_folder(tmp_path_factory):
    """Uploads and stored documents (certificates, booklets) go to a folder of this run,
    never to var/media, where a copy left by an earlier run could be served."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def _no_booklet_worker(monkeypatch, settings):
    """A booklet asked for in a test queues nothing on a real broker: its tests run the
    task themselves (tests/reports/conftest.py's `queued`), in the test process, which
    keeps its CPU priority."""
    from reports import tasks

    monkeypatch.setattr(tasks.build_booklet, "delay", lambda *args, **kwargs: None)
    settings.BOOKLET_TASK_NICENESS = 0


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The hashed-names storage needs collectstatic; tests render pages without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )


@pytest.fixture(autouse=True)
def _taxonomies(request):
    """Transactional tests flush the database after each test, taking with it the themes,
    SDGs and languages the migrations seeded: seed them again for the next one."""
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        seed_taxonomies()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Hashing at production strength costs a quarter of a second per account.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_public_page_cache(settings):
    # A test changes data in a transaction that never commits, so no generation moves: a
    # page kept early in a test would hide what the test changed later.
    # tests/core/test_public_page_cache.py turns it on and commits its changes.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _french():
    """Each test starts in French, whatever language an earlier test left active."""
    with translation.override("fr"):
        yield


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """The test client, running on-commit callbacks (the e-mails) of its requests as in production.

    Tests run inside a transaction that never commits; without this, nothing scheduled
    with transaction.on_commit would happen.
    """

    class CommittingClient:
        def __getattr__(self, name):
            return getattr(client, name)

        def post(self, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(*args, **kwargs)

        def get(self, *args, **kwargs):
            # A GET may send an e-mail too (the enrolment link): through the outbox, on commit.
            with django_capture_on_commit_callbacks(execute=True):
                return client.get(*args, **kwargs)

        def force_login(self, user, backend=None):
            """Sign in; for DAECT staff, with the second factor given too, as after the code
            page (tests/accounts/test_second_factor.py proves nothing opens without it)."""
            client.force_login(user, backend)
            if second_factor.is_required(user):
                verify_second_factor(client, user)

    return CommittingClient()


def verify_second_factor(client, user) -> None:
    """Mark the client's session as verified by a confirmed authenticator of `user`."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "Test authenticator"}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _no_login_lockout(settings):
    """Tests sign in and fail to sign in many times; the lockout has tests of its own
    (tests/accounts/test_login_lockout.py), which turn it back on."""
    settings.AXES_ENABLED = False


@pytest.fixture
def member(db):
    """A confirmed member of a collectivity."""
    return MembershipFactory(state="active").user


@pytest.fixture
def referent(db):
    return MembershipFactory(state="active", is_referent=True).user


@pytest.fixture
def daect(db):
    return UserFactory(role="daect", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _empty_cache_of_this_process(settings):
    """Each test starts with an empty cache of its own process's memory.

    What an earlier test cached (figures, public pages, bulk files under a generation its
    rolled-back transaction never moved) is not this one's; and clearing the shared Redis
    would empty it under the other xdist workers, broker queues included.
    """
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests",
        }
    }
    cache.clear()
