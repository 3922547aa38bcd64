"""The real Firestore emulator of the gcloud CLI, on a free loopback port, for the tests.

`gcloud emulators firestore start` needs the Debian package
`google-cloud-cli-firestore-emulator` and Java 17; `scripts/ensure-firestore-emulator.sh`
(run by `make test`) installs them when it can. The function reaches the emulator through
`FIRESTORE_EMULATOR_HOST`, as Google's client libraries do.

    with FirestoreEmulator() as emulator:
        env = emulator.env()     # STATE_STORE=firestore, GOOGLE_CLOUD_PROJECT, ...HOST
        emulator.clear()         # forget every document (between tests)
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx

PROJECT = "demo-jobmojito-sheets"
START_SECONDS = 60.0
MISSING = (
    "The Firestore emulator is missing: install the Debian packages google-cloud-cli, "
    "google-cloud-cli-firestore-emulator and openjdk-17-jre-headless (make test does it when "
    "run as root)."
)


class EmulatorMissing(RuntimeError):
    """gcloud or its Firestore emulator component is not installed."""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class FirestoreEmulator:
    """One emulator process; `clear()` empties it, `stop()` ends it."""

    def __init__(self, project: str = PROJECT) -> None:
        self.project = project
        self.port = _free_port()
        self.host = f"127.0.0.1:{self.port}"
        self._log = Path(tempfile.mkstemp(prefix="firestore-emulator-", suffix=".log")[1])
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> FirestoreEmulator:
        gcloud = shutil.which("gcloud")
        if gcloud is None:
            raise EmulatorMissing(MISSING)
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                [gcloud, "emulators", "firestore", "start", f"--host-port={self.host}",
                 "--quiet"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
        # Its Java server outlives an interrupted test run otherwise (CI shares the machine).
        atexit.register(self.stop)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                text = self._log.read_text(errors="replace")
                self.stop()
                if "not installed" in text or "component" in text.lower():
                    raise EmulatorMissing(MISSING)
                raise RuntimeError(f"The Firestore emulator stopped at start: {text[-500:]}")
            try:
                if httpx.get(f"http://{self.host}/", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"The Firestore emulator did not start within {START_SECONDS:.0f} s.")

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def env(self) -> dict[str, str]:
        """What the function needs to keep its records in this emulator."""
        return {
            "STATE_STORE": "firestore",
            "GOOGLE_CLOUD_PROJECT": self.project,
            "FIRESTORE_EMULATOR_HOST": self.host,
        }

    def clear(self) -> None:
        """Delete every document of the project's default database."""
        url = (
            f"http://{self.host}/emulator/v1/projects/{self.project}/databases/(default)/documents"
        )
        httpx.delete(url, timeout=10.0).raise_for_status()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        # gcloud starts Java in the same session: end the whole group.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def __enter__(self) -> FirestoreEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
