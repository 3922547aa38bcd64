"""The whole local world: the three stand-ins, a seeded candidate sheet, and the real function.

Used by `make demo`, the integration tests and the benchmarks. Every piece is a real HTTP
server on 127.0.0.1; the function runs under functions-framework in its own process, with
the same environment variables it has in Google Cloud, pointed at the stand-ins, behind
Cloud Run's request timeout (60 s, as deployed). The Sheets stand-in meters Google's quotas:
the recruiter's access token belongs to the recruiter, in the Apps Script's project.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from sandbox.firestore_emulator import FirestoreEmulator
from sandbox.google_identity import GoogleIdentityStandIn
from sandbox.jobmojito_api import JobMojitoStandIn
from sandbox.server import LoopbackServer, RequestTimeout
from sandbox.sheets_api import SheetsStandIn

ROOT = Path(__file__).resolve().parent.parent
FUNCTION_SOURCE = ROOT / "cloud_function" / "main.py"

PROJECT_NUMBER = "1234567890"  # the Apps Script's Cloud project, owner of its OAuth client
CLIENT_ID = f"{PROJECT_NUMBER}-sandbox.apps.googleusercontent.com"
JOBMOJITO_TOKEN = "sandbox-jobmojito-service-key"
MERCHANT_ID = "b5201178-46dd-4a20-a1af-7ffd647f834b"
INTERVIEW_ID = "04e09fa5-3fb8-4236-b37d-fca2bcd1cb66"
RECRUITER = "recruiter@example.com"
RECRUITER_TOKEN = "ya29.sandbox-recruiter-access-token"
OUTSIDER = "outsider@example.org"
OUTSIDER_TOKEN = "ya29.sandbox-outsider-access-token"
SPREADSHEET_ID = "1SandboxCandidateList"
TAB = "Candidates"
TAB_GID = 0
REQUEST_TIMEOUT = 60.0  # seconds, as `make deploy` sets it (--timeout=60s)


def demo_rows() -> list[list[str]]:
    """The sample candidate list (header first), with a duplicate, a bad email and more."""
    text = resources.files("sandbox").joinpath("data/demo_candidates.csv").read_text("utf-8")
    return [list(row) for row in csv.reader(io.StringIO(text))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Sandbox:
    """The three stand-ins, started, with one recruiter and one candidate spreadsheet."""

    sheets: SheetsStandIn = field(
        default_factory=lambda: SheetsStandIn(project_number=PROJECT_NUMBER)
    )
    jobmojito: JobMojitoStandIn = field(
        default_factory=lambda: JobMojitoStandIn(
            tokens=[JOBMOJITO_TOKEN], interviews=[INTERVIEW_ID], merchant_id=MERCHANT_ID
        )
    )
    google: GoogleIdentityStandIn = field(default_factory=GoogleIdentityStandIn)
    servers: dict[str, LoopbackServer] = field(default_factory=dict)
    # The function's system of record: the real Firestore emulator in the tests; None keeps
    # the function's in-memory default (the demo).
    firestore: FirestoreEmulator | None = None
    _stops: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.sheets.set_token_owner(RECRUITER_TOKEN, RECRUITER)
        self.sheets.set_token_owner(OUTSIDER_TOKEN, OUTSIDER)
        for token, owner in ((RECRUITER_TOKEN, RECRUITER), (OUTSIDER_TOKEN, OUTSIDER)):
            self.google.register_access_token(token, owner, CLIENT_ID, expires_in=7 * 86400)

    def start(self) -> Sandbox:
        self.servers["sheets"] = self.sheets.serve()
        self.servers["jobmojito"] = self.jobmojito.serve()
        self.servers["google"] = self.google.serve()
        if self.firestore is not None:
            if not self.firestore.running:  # else the caller started it and stops it
                self.firestore.start()
                self._stops.append(self.firestore.stop)
            self.firestore.clear()
            # The records mirror JobMojito's registrations: when the stand-in forgets them,
            # the function's records of them go too.
            self.jobmojito.on_reset.append(self.firestore.clear)
        return self

    def stop(self) -> None:
        while self._stops:
            self._stops.pop()()
        for server in self.servers.values():
            server.stop()
        self.servers.clear()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def seed(
        self,
        rows: list[list[str]] | None = None,
        *,
        spreadsheet_id: str = SPREADSHEET_ID,
        title: str = TAB,
        sheet_id: int = TAB_GID,
        tokens: tuple[str, ...] = (RECRUITER_TOKEN,),
    ) -> None:
        """A spreadsheet with one tab sized to its data, as a CSV import makes it."""
        self.sheets.add_spreadsheet(spreadsheet_id, title="Candidates", tokens=tokens)
        self.sheets.add_sheet(spreadsheet_id, title, sheet_id=sheet_id, rows=rows or demo_rows())

    def function_env(self, **overrides: str) -> dict[str, str]:
        """The function's environment, as `gcloud functions deploy` would set it."""
        env = {
            "JOBMOJITO_API_URL": self.servers["jobmojito"].url,
            "JOBMOJITO_API_TOKEN": JOBMOJITO_TOKEN,
            "JOBMOJITO_MERCHANT_ID": MERCHANT_ID,
            "SHEETS_API_URL": self.servers["sheets"].url,
            "ALLOWED_AUDIENCES": CLIENT_ID,
            "ALLOWED_USERS": f"{RECRUITER},@hr.example.com",
            "GOOGLE_CERTS_URL": self.google.certs_url,
            "GOOGLE_TOKENINFO_URL": self.google.tokeninfo_url,
        }
        if self.firestore is not None:
            env.update(self.firestore.env())
        env.update(overrides)
        return env

    def id_token(self, email: str = RECRUITER, **claims: Any) -> str:
        return self.google.mint_id_token(email, CLIENT_ID, **claims)


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (gunicorn's worker runs the function)."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            pids += process_tree(int(child))
    return pids


def process_peaks_mib(pid: int) -> list[float]:
    """The peak resident memory (VmHWM) of each process of the tree, in MiB."""
    return [
        int(line.split()[1]) / 1024
        for each in process_tree(pid)
        for line in Path(f"/proc/{each}/status").read_text().splitlines()
        if line.startswith("VmHWM:")
    ]


class FunctionProcess:
    """`functions-framework --target invite_candidates` in a child process, behind Cloud Run.

    Callers use ``url``: a loopback proxy that answers a request still running after
    ``request_timeout`` seconds (None: never) with Cloud Run's 504 and drops the function's
    later answer, while the function goes on working, as Cloud Run leaves the instance running.
    ``function_url`` reaches functions-framework directly.
    """

    def __init__(self, env: dict[str, str], *, request_timeout: float | None = REQUEST_TIMEOUT):
        self.env = env
        self.request_timeout = request_timeout
        self.port = free_port()
        self.function_port = free_port()
        self.log_path = Path(tempfile.mkstemp(prefix="function-", suffix=".log")[1])
        self._process: subprocess.Popen[bytes] | None = None
        self._proxy: RequestTimeout | None = None
        self._server: LoopbackServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def function_url(self) -> str:
        return f"http://127.0.0.1:{self.function_port}"

    @property
    def timeouts(self) -> int:
        """How many requests Cloud Run's timeout has cut so far."""
        return self._proxy.timeouts if self._proxy is not None else 0

    def start(self, timeout: float = 30.0) -> FunctionProcess:
        env = function_process_env(self.env)
        command = [
            sys.executable, "-m", "functions_framework",
            "--target", "invite_candidates",
            "--source", str(FUNCTION_SOURCE),
            "--host", "127.0.0.1",
            "--port", str(self.function_port),
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                command, cwd=FUNCTION_SOURCE.parent, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_ready(timeout)
        self._proxy = RequestTimeout(self.function_url, self.request_timeout)
        self._server = LoopbackServer(self._proxy, port=self.port).start()
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"the function exited early:\n{self.logs()}")
            try:
                httpx.get(self.function_url, timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"the function did not start in {timeout} s:\n{self.logs()}")

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def logs(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._proxy is not None:
            self._proxy.close()
            self._proxy = None
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def __enter__(self) -> FunctionProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


_FUNCTION_VARIABLES = frozenset(
    {
        "JOBMOJITO_API_URL", "JOBMOJITO_API_TOKEN", "JOBMOJITO_MERCHANT_ID", "SHEETS_API_URL",
        "ALLOWED_AUDIENCES", "ALLOWED_USERS", "GOOGLE_CERTS_URL", "GOOGLE_TOKENINFO_URL",
        "BATCH_SIZE", "CONCURRENCY",
        "MAX_ROWS", "TIME_BUDGET_SECONDS", "JOBMOJITO_TIMEOUT_SECONDS", "SHEETS_TIMEOUT_SECONDS",
        "DEADLINE_SECONDS", "SHEETS_WRITE_INTERVAL_SECONDS", "SHEETS_CALLS_PER_MINUTE",
        "SHEETS_QUOTA_WINDOW_SECONDS", "STATE_STORE_TIMEOUT_SECONDS",
        # The system of record: a sandbox with the Firestore emulator names it in its own
        # environment (`Sandbox.function_env`), never through a developer's shell.
        "STATE_STORE", "GOOGLE_CLOUD_PROJECT", "FIRESTORE_DATABASE", "FIRESTORE_EMULATOR_HOST",
    }
)  # fmt: skip


def function_process_env(own: dict[str, str]) -> dict[str, str]:
    """A function process's environment: this process's, without any setting of the function
    a developer's shell may hold (a deployment's STATE_STORE=firestore, another emulator), and
    then the sandbox's own settings."""
    env = {k: v for k, v in os.environ.items() if k not in _FUNCTION_VARIABLES}
    env.update(own)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def invite(
    function_url: str,
    body: dict[str, Any],
    *,
    id_token: str | None,
    access_token: str | None = RECRUITER_TOKEN,
    timeout: float = 120.0,
) -> httpx.Response:
    """Call the function exactly as the Apps Script menu does."""
    headers = {}
    if id_token is not None:
        headers["Authorization"] = f"Bearer {id_token}"
    if access_token is not None:
        headers["X-Sheets-Access-Token"] = access_token
    return httpx.post(function_url, json=body, headers=headers, timeout=timeout)


def menu_request(ranges: list[str], **fields: Any) -> dict[str, Any]:
    """The body the menu sends for a selection of the sample tab."""
    body: dict[str, Any] = {
        "spreadsheet_id": SPREADSHEET_ID,
        "sheet_id": TAB_GID,
        "ranges": ranges,
        "type": "url",
        "interview_id": INTERVIEW_ID,
        "hide_menu": False,
        "dry_run": False,
        "force": False,
    }
    body.update(fields)
    return body
