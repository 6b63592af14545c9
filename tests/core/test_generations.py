"""The public side's cache generations move when the record changes, on commit."""

import pytest
from django.core.cache import cache

from expect.core import generations


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_it_starts_a_missing_counter_from_the_clock_not_from_one():
    assert generations.current(generations.LIBRARY) > 1_000_000_000_000


@pytest.mark.django_db
def test_a_bump_moves_the_key_once_the_transaction_commits(django_capture_on_commit_callbacks):
    before = generations.key(generations.LIBRARY, "page", 1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        generations.bump(generations.LIBRARY)
    assert generations.key(generations.LIBRARY, "page", 1) == before
    for callback in callbacks:
        callback()
    assert generations.key(generations.LIBRARY, "page", 1) != before


def test_an_evicted_counter_never_comes_back_to_an_old_value():
    first = generations.current(generations.FIGURES)
    cache.delete("generation:" + generations.FIGURES)
    assert generations.current(generations.FIGURES) >= first


def test_each_public_step_names_what_it_changes():
    assert generations.for_verb("report.published") == (
        generations.LIBRARY,
        generations.CATALOGUE,
        generations.FIGURES,
    )
    assert generations.for_verb("label.expired") == (generations.CATALOGUE, generations.FIGURES)
    assert generations.for_verb("application.note") == ()
    assert generations.for_verb("assigned") == ()
