"""Fixtures: the stand-ins over loopback HTTP and the real function under functions-framework."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from sandbox.firestore_emulator import FirestoreEmulator
from sandbox.sheets_api import REAL_LIMITS
from sandbox.world import (
    RECRUITER_TOKEN,
    REQUEST_TIMEOUT,
    TAB,
    TAB_GID,
    FunctionProcess,
    Sandbox,
    demo_rows,
    invite,
    menu_request,
)

_ids = itertools.count(1)

# One batch of 2 at a time, results written at once: runs whose faults land on a known call.
ONE_AT_A_TIME = {"BATCH_SIZE": "2", "CONCURRENCY": "1", "SHEETS_WRITE_INTERVAL_SECONDS": "0.01"}


def cell(values: list[list[str]], row: int, column: int) -> str:
    """A cell of a tab's values by 1-based row and 0-based column ("" beyond the data)."""
    line = values[row - 1] if row <= len(values) else []
    return line[column] if column < len(line) else ""


def answer_of(response: httpx.Response) -> dict[str, Any]:
    """The body of a 200 answer (anything else fails the test, showing the body)."""
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def stand_ins_cleaned(world: Sandbox) -> Iterator[None]:
    """After the test: no JobMojito hook, fault or latency, and no Sheets fault, left behind."""
    yield
    world.jobmojito.on_processed = None
    world.jobmojito.clear_faults()
    world.jobmojito.latency = 0.0
    world.sheets.clear_faults()


@pytest.fixture(scope="session")
def world() -> Iterator[Sandbox]:
    with Sandbox(firestore=FirestoreEmulator()) as sandbox:
        yield sandbox


@pytest.fixture(autouse=True)
def fresh_sheets_quota(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with a fresh minute of Google's Sheets quota (and no 429s met yet): the
    whole session calls with one recruiter's token, and a test's calls must not spend the
    next's. A test may spend quota elsewhere (`world.sheets.spend_quota(...)`) or change the
    limits (`world.sheets.set_quota(...)`, saying why); Google's figures are back after it."""
    if "world" not in request.fixturenames:
        yield
        return
    sheets = request.getfixturevalue("world").sheets
    sheets.reset_quota()
    yield
    sheets.set_quota(REAL_LIMITS)
    sheets.reset_quota()


@pytest.fixture(scope="session")
def function(world: Sandbox) -> Iterator[FunctionProcess]:
    """The function with the default configuration, shared by the tests that need no other."""
    with FunctionProcess(world.function_env()) as process:
        yield process


@pytest.fixture
def start_function(world: Sandbox) -> Iterator[Callable[..., FunctionProcess]]:
    """Start a function with other settings for one test (stopped after it); `request_timeout`
    (seconds) replaces Cloud Run's 60."""
    started: list[FunctionProcess] = []

    def start(request_timeout: float | None = REQUEST_TIMEOUT, **env: str) -> FunctionProcess:
        process = FunctionProcess(world.function_env(**env), request_timeout=request_timeout)
        process.start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@dataclass
class SheetUnderTest:
    """A fresh spreadsheet in the Sheets stand-in, and helpers to call the function on it."""

    world: Sandbox
    spreadsheet_id: str
    title: str = TAB

    def values(self) -> list[list[str]]:
        return self.world.sheets.values(self.spreadsheet_id, self.title)

    def body(self, ranges: list[str], **fields: Any) -> dict[str, Any]:
        return menu_request(ranges, **{"spreadsheet_id": self.spreadsheet_id, **fields})

    def call(
        self,
        function: FunctionProcess,
        ranges: list[str],
        *,
        token: str | None = None,
        **fields: Any,
    ) -> httpx.Response:
        id_token = self.world.id_token() if token is None else token
        return invite(function.url, self.body(ranges, **fields), id_token=id_token)

    def requests(self, kind: str) -> int:
        return sum(
            1
            for r in self.world.sheets.requests
            if r.kind == kind and self.spreadsheet_id in r.path
        )


@pytest.fixture
def new_sheet(world: Sandbox) -> Callable[..., SheetUnderTest]:
    """Seed a new spreadsheet (its tab sized to the data, as a CSV import makes it)."""
    world.jobmojito.reset()

    def make(rows: list[list[str]] | None = None, **kwargs: Any) -> SheetUnderTest:
        spreadsheet_id = f"1TestSheet{next(_ids):04d}"
        tokens = kwargs.pop("tokens", (RECRUITER_TOKEN,))
        world.seed(
            rows or demo_rows(), spreadsheet_id=spreadsheet_id, sheet_id=TAB_GID, tokens=tokens
        )
        return SheetUnderTest(world, spreadsheet_id, **kwargs)

    return make
