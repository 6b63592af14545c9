"""`celery worker` whose clock is moved by time-machine, for the real-worker tests.

The test writes the moment it wants (ISO 8601) into the file named by
EXPECT_TEST_CLOCK_FILE; before each task the worker moves its clock there if the file
changed (the clock ticks in between), so one worker process sweeps on several days.
Tests only; run with `--pool solo`, so that the task runs where the clock is moved.
"""

import os
import sys
from pathlib import Path

import time_machine

CLOCK = Path(os.environ["EXPECT_TEST_CLOCK_FILE"])
_last = CLOCK.read_text().strip()
_coordinates = time_machine.travel(_last, tick=True).start()

from celery.__main__ import main  # noqa: E402 - the clock first
from celery.signals import task_prerun  # noqa: E402


@task_prerun.connect
def _move_clock(**kwargs) -> None:
    global _last
    wanted = CLOCK.read_text().strip()
    if wanted != _last:
        _coordinates.move_to(wanted)
        _last = wanted


sys.argv = ["celery", *sys.argv[1:]]
sys.exit(main())
