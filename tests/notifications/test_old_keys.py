"""Rows logged before the keys named their deadline are given such keys by the migration,
so that an upgraded site does not plan (and send) those steps again."""

import datetime
import importlib

import pytest

migration = importlib.import_module(
    "expect.notifications.migrations.0002_rem_deadline_keys_lease_outbox"
)
ON = datetime.date(2027, 4, 14)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("d-14", "d-14@2027-04-28"),
        ("d-0", "d-0@2027-04-14"),
        ("overdue-2", "overdue-2@2027-03-31"),
        ("m-6", "m-6@2027-10-14"),
        ("expired", "expired@2027-04-13"),
        ("committee-4-d-10", "c4-d-10@2027-04-24"),
        ("info-12", "d+7@2027-04-07"),
        ("d+7", "d+7@2027-04-07"),
    ],
)
def test_an_old_key_gets_the_deadline_it_belonged_to(old, new):
    key, deadline = migration._new_key(old, ON)
    assert key == new
    assert key.endswith(f"@{deadline.isoformat()}")


def test_a_digest_key_is_left_alone():
    assert migration._new_key("2027-04-14", ON) is None
