"""Settings switches read strictly: a typo stops the start with the variable's name."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from expect.envreader import env_bool, env_int


@pytest.mark.parametrize("value", ["true", "True", "1", "yes", "on", " TRUE "])
def test_it_reads_the_true_spellings(monkeypatch, value):
    monkeypatch.setenv("SOME_SWITCH", value)
    assert env_bool("SOME_SWITCH", False) is True


@pytest.mark.parametrize("value", ["false", "0", "no", "off", "False"])
def test_it_reads_the_false_spellings(monkeypatch, value):
    monkeypatch.setenv("SOME_SWITCH", value)
    assert env_bool("SOME_SWITCH", True) is False


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_switch_takes_its_default(monkeypatch, value):
    monkeypatch.setenv("SOME_SWITCH", value)
    assert env_bool("SOME_SWITCH", True) is True


@pytest.mark.parametrize("value", ["treu", "ture", "oui", "2", "y"])
def test_a_typo_in_a_switch_is_refused_with_its_name(monkeypatch, value):
    monkeypatch.setenv("SOME_SWITCH", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_SWITCH"):
        env_bool("SOME_SWITCH", False)


@pytest.mark.parametrize("value", ["12", "-3"])
def test_it_reads_whole_numbers(monkeypatch, value):
    monkeypatch.setenv("SOME_NUMBER", value)
    assert env_int("SOME_NUMBER", 0, minimum=None) == int(value)


@pytest.mark.parametrize("value", ["1e3", "12.5", "٣", "1_000", "dix", "0x10"])
def test_a_malformed_number_is_refused_with_its_name(monkeypatch, value):
    monkeypatch.setenv("SOME_NUMBER", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 0)


def test_a_number_out_of_its_range_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "60")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 5, maximum=59)


@pytest.mark.parametrize(
    "variable",
    ["SECURE_COOKIES", "SECURE_SSL_REDIRECT", "DEBUG", "BEHIND_PROXY", "SECURE_HSTS_SECONDS"],
)
def test_a_typo_in_a_security_switch_stops_the_start(variable):
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**inherited, variable: "treu"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert f"{variable}='treu'" in result.stderr
