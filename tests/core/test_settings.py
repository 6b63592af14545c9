"""The production configuration passes Django's deployment checks without a word."""

import os
import subprocess
import sys

from django.conf import settings


def test_a_production_configuration_passes_check_deploy(tmp_path):
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DEBUG": "false",
        "SECRET_KEY": "x" * 30 + "production-secret-key-for-the-check-only-0123456789",
        "ALLOWED_HOSTS": "expe-ct.diplomatie.gouv.fr",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_COOKIES": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "CLAMAV_URL": "unix:///run/clamav/clamd.ctl",
        "EXPECT_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Not a warning, not a silenced check, not a line of logging: nothing but the summary.
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert result.stderr == ""
