import pytest

from reports import tasks


class Queue:
    """The booklet tasks queued by the requests, run when the test says so."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def run(self) -> None:
        ids = list(self.ids)
        self.ids.clear()
        for booklet_id in ids:
            tasks.build_booklet(booklet_id)


@pytest.fixture
def queued(monkeypatch) -> Queue:
    queue = Queue()
    monkeypatch.setattr(tasks.build_booklet, "delay", queue.ids.append)
    return queue
