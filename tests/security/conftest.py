import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase

from tests.security.clamd import Clamd
from tests.security.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    """The data set of tests/security/world.py, built once per module and rolled back after.

    Each test runs in a savepoint inside this transaction: what it changes is undone.
    """
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="session")
def clamd(tmp_path_factory) -> Iterator[Clamd]:
    """A real ClamAV daemon on a signature database made here: the EICAR test string only.

    No signature can be downloaded here (nor in CI), and none is needed: the EICAR file is
    the industry's test virus. The daemon listens on a Unix socket of its own, with its
    own configuration (not the system's clamav-daemon service); it starts in well under a
    second with one signature, and is stopped at the end of the session.
    """
    daemon = Clamd(tmp_path_factory.mktemp("clamd"))
    daemon.start()
    yield daemon
    daemon.stop()


@pytest.fixture
def scanning(clamd, settings) -> Clamd:
    """Uploads are scanned by the test daemon, running."""
    settings.CLAMAV_URL = clamd.url
    clamd.start()
    return clamd


# Hypothesis: in CI (CI set), every run draws the same examples (derandomize) and keeps
# no example database, so a failure is reproducible and never flaky; on a workstation,
# examples that failed once are kept under var/ and tried first the next time.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile(
    "dev", database=DirectoryBasedExampleDatabase(str(settings.BASE_DIR / "var" / "hypothesis"))
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
