"""A ClamAV daemon for the tests, run from its own directory with a database of one signature."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from clamav_client.clamd import ClamdUnixSocket

from tests.security.pdf_corpus import EICAR

CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"
# A body signature (.ndb: name, target type 0 = any file, offset *, hex), so that clamd
# finds the string inside a PDF's streams too, which it decompresses.
SIGNATURE = f"Expect.Test.EICAR:0:*:{EICAR.hex()}\n"
START_TIMEOUT = 30  # seconds; it takes about a tenth of a second


class Clamd:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.socket = directory / "clamd.sock"
        self.url = f"unix://{self.socket}"
        database = directory / "db"
        database.mkdir()
        (database / "expect-eicar.ndb").write_text(SIGNATURE)
        self.config = directory / "clamd.conf"
        self.config.write_text(
            f"DatabaseDirectory {database}\n"
            f"LocalSocket {self.socket}\n"
            f"TemporaryDirectory {directory}\n"
            f"PidFile {directory / 'clamd.pid'}\n"
            "Foreground yes\n"
            "LogTime yes\n"
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if self.process and self.process.poll() is None:
            return
        if not Path(CLAMD).exists():
            raise RuntimeError("clamd is missing: apt-get install clamav-daemon")
        with open(self.directory / "clamd.log", "ab") as log:
            self.process = subprocess.Popen(
                [CLAMD, "--config-file", str(self.config)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not self.answers():
            # Waiting on the process both paces the loop and notices an early exit.
            try:
                self.process.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass
            else:
                raise RuntimeError(f"clamd exited: see {self.directory / 'clamd.log'}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"clamd did not answer: see {self.directory / 'clamd.log'}")

    def answers(self) -> bool:
        try:
            return ClamdUnixSocket(path=str(self.socket), timeout=2).ping() == "PONG"
        except Exception:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=START_TIMEOUT)
        self.process = None
