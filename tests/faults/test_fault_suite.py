"""Fault injection: whatever fails, no credit is spent twice, no link is lost or misplaced,
no user cell changes.

Each scenario seeds a candidate sheet, injects faults into the stand-ins, then does what a
recruiter does: runs the menu (following `remaining` and writing `written: false` rows the
way the Apps Script does), and runs it again once the faults are gone. The promises are then
counted from the stand-ins' own records and asserted; the table is printed at the end.

Every scenario runs for the link run (`type: url`) and for the personal invitation
(`type: personal_invitation`, `/invite-users`): the stand-in's faults apply to both spending
calls, and the same promises must hold.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from sandbox.firestore_emulator import FirestoreEmulator
from sandbox.jobmojito_api import INVITE_PATH, REGISTER_PATH, Fault
from sandbox.world import (
    INTERVIEW_ID,
    RECRUITER_TOKEN,
    TAB,
    FunctionProcess,
    Sandbox,
    free_port,
    invite,
    menu_request,
)
from tests.faults.promises import TABLE, tally

SPREADSHEET = "1FaultSuite"
HEADER = ["Name", "Email", "Candidate ID", "Notes"]
OUTPUTS = {"interview_url": 4, "result": 5, "profile_interview_id": 6}
KEY, EMAIL = 2, 1
FAST = {
    "BATCH_SIZE": "10",
    "CONCURRENCY": "2",
    "SHEETS_WRITE_INTERVAL_SECONDS": "0.05",
    "JOBMOJITO_TIMEOUT_SECONDS": "1",
    "TIME_BUDGET_SECONDS": "60",
}


@dataclass
class Candidates:
    rows: list[list[str]]
    valid_unique: set[str] = field(default_factory=set)
    bad_emails: set[str] = field(default_factory=set)


def candidates(count: int, seed: int = 7) -> Candidates:
    """`count` rows: mostly good, some invalid, some duplicates, some registered earlier."""
    rng = random.Random(seed)
    made = Candidates([[*HEADER, "interview_url", "result"]])
    registered: set[str] = set()
    for i in range(count):
        name, email = f"Candidate {i}", f"candidate{i}@example.com"
        extra: list[str] = []
        roll = rng.random()
        if roll < 0.05:
            email = f"candidate{i}@example"  # invalid
            made.bad_emails.add(email)
        elif roll < 0.10 and i > 0:
            email = f"CANDIDATE{rng.randrange(i)}@example.com"  # a duplicate
        elif roll < 0.15:
            extra = ["https://interview.jobmojito.test/earlier", "ok"]
            registered.add(email)  # registered before: no credit may be spent on it
        made.rows.append([name, email, f"C-{i:04d}", f"note {i}", *extra])
    emails = {row[EMAIL].lower() for row in made.rows[1:]}
    made.valid_unique = {e for e in emails if e.endswith(".com")} - registered
    made.bad_emails |= registered
    return made


def apply_unwritten(world: Sandbox, answer: dict[str, Any]) -> None:
    """What the Apps Script does with `written: false` rows: write them itself, on their row
    if it still holds their email, and only the values the answer gives."""
    values = world.sheets.values(SPREADSHEET, TAB)
    for entry in answer.get("rows", []):
        if entry.get("written", True):
            continue
        number = entry["row"]
        row = values[number - 1] if number <= len(values) else []
        if len(row) <= EMAIL or row[EMAIL].strip().lower() != entry["email"].strip().lower():
            continue
        for name, column in OUTPUTS.items():
            if entry.get(name):
                world.sheets.set_values(
                    SPREADSHEET, TAB, f"{'ABCDEFG'[column]}{number}", [[entry[name]]]
                )


# The menu items whose runs spend: the link run and the personal invitation (with its message
# and language, as the script sends them).
RUNS: dict[str, dict[str, Any]] = {
    "url": {"type": "url"},
    "personal_invitation": {
        "type": "personal_invitation",
        "message_from_recruiter": "Hello from the fault suite.",
        "mojito_language_code": "en",
    },
}


def run_like_the_menu(
    world: Sandbox, function: FunctionProcess, ranges: list[str], run: dict[str, Any]
) -> None:
    """Call the function until nothing remains, as the Apps Script does."""
    for _ in range(30):
        body = menu_request(ranges, spreadsheet_id=SPREADSHEET, **run)
        response = invite(function.url, body, id_token=world.id_token(), timeout=120)
        answer = response.json()
        apply_unwritten(world, answer)
        if response.status_code != 200 or not answer.get("remaining"):
            return
        ranges = answer["remaining"]


@dataclass
class Scenario:
    name: str
    arrange: Callable[[Sandbox], None] = lambda world: None
    during: Callable[[list[list[str]]], list[list[str]]] | None = None
    env: dict[str, str] = field(default_factory=dict)
    count: int = 60
    refuse_connections: bool = False


def _sort(rows: list[list[str]]) -> list[list[str]]:
    return sorted(rows, key=lambda r: r[0], reverse=True)


def _insert_blank_row(rows: list[list[str]]) -> list[list[str]]:
    return [[""] * len(rows[0]), *rows]


def _while_jobmojito_works(
    world: Sandbox, change: Callable[[list[list[str]]], list[list[str]]]
) -> None:
    """The recruiter rearranges the data rows while JobMojito processes the second batch.

    JobMojito takes 0.5 s a batch, so the change falls while the function waits for it, after
    it wrote the first batch's results: what is tested is that later writes find each row where
    it now stands. (A change in the instant between a write's locating read and the write
    itself would still put that write's cells one row off: the Sheets API has no conditional
    write; see docs/failures.md.)"""
    world.jobmojito.latency = 0.5

    def act(call_number: int) -> None:
        if call_number != 2:
            return
        values = world.sheets.values(SPREADSHEET, TAB)
        width = max(len(r) for r in values)
        body = [r + [""] * (width - len(r)) for r in values[1:]]
        world.sheets.set_values(SPREADSHEET, TAB, "A2", change(body))

    world.jobmojito.on_processed = act


def _jm(*faults: Fault) -> Callable[[Sandbox], None]:
    def arrange(world: Sandbox) -> None:
        for fault in faults:
            world.jobmojito.inject(fault)

    return arrange


def _sheets(kind: str, status: int, times: int = 2, after: int = 0) -> Callable[[Sandbox], None]:
    def arrange(world: Sandbox) -> None:
        world.sheets.inject(kind, status, times=times, after=after)

    return arrange


def _latency(seconds: float) -> Callable[[Sandbox], None]:
    def arrange(world: Sandbox) -> None:
        world.jobmojito.latency = seconds

    return arrange


def _random_mix(world: Sandbox) -> None:
    rng = random.Random(2026)
    choices: list[Callable[[], Fault]] = [
        lambda: Fault.status(429, retry_after=0.1),
        lambda: Fault.status(429),
        lambda: Fault.status(500),
        lambda: Fault.status(502),
        lambda: Fault.status(503),
        Fault.drop_after_processing,
        lambda: Fault.delay_after_processing(1.5),
        Fault.malformed_json,
        Fault.shorter,
        Fault.reorder,
        Fault.foreign_email,
        lambda: Fault.delay_after_processing(0.0),  # a clean call
    ]
    for _ in range(25):
        world.jobmojito.inject(rng.choice(choices)())
    for kind in ("values.batchGet", "values.batchUpdate", "spreadsheets.get"):
        for _ in range(rng.randrange(1, 4)):
            world.sheets.inject(kind, rng.choice([429, 500, 503]), after=rng.randrange(0, 6))


SCENARIOS = [
    Scenario("no fault"),
    Scenario("JobMojito latency 0.2 s", _latency(0.2)),
    Scenario("JobMojito 429 with Retry-After", _jm(Fault.status(429, retry_after=0.2, times=2))),
    Scenario("JobMojito 429 without Retry-After", _jm(Fault.status(429, times=2))),
    Scenario("JobMojito 500", _jm(Fault.status(500))),
    Scenario("JobMojito 502", _jm(Fault.status(502))),
    Scenario("JobMojito 503", _jm(Fault.status(503, times=2))),
    Scenario("JobMojito connection refused", refuse_connections=True),
    Scenario("JobMojito drops the connection after processing", _jm(Fault.drop_after_processing())),
    Scenario("JobMojito times out after processing", _jm(Fault.delay_after_processing(2.0))),
    Scenario("JobMojito malformed JSON", _jm(Fault.malformed_json())),
    Scenario("JobMojito answer shorter", _jm(Fault.shorter(2))),
    Scenario("JobMojito answer reordered", _jm(Fault.reorder(times=3))),
    Scenario("JobMojito answer names a foreign email", _jm(Fault.foreign_email())),
    Scenario("JobMojito 401 mid-run", _jm(Fault.reorder(), Fault.status(401))),
    Scenario("Sheets 429 on reads", _sheets("values.batchGet", 429)),
    Scenario("Sheets 500 on reads", _sheets("values.batchGet", 500)),
    Scenario("Sheets 429 on writes", _sheets("values.batchUpdate", 429)),
    Scenario("Sheets 500 on writes", _sheets("values.batchUpdate", 500)),
    Scenario(
        "Sheets write always fails after the first", _sheets("values.batchUpdate", 500, -1, 1)
    ),
    Scenario("recruiter sorts the sheet mid-run", during=_sort, env={"CONCURRENCY": "1"}),
    Scenario("recruiter inserts a row mid-run", during=_insert_blank_row, env={"CONCURRENCY": "1"}),
    Scenario("seeded random mix", _random_mix, count=300),
]


@pytest.fixture(scope="module")
def emulator() -> Iterator[FirestoreEmulator]:
    """One Firestore emulator for the scenarios (it takes seconds to start); each scenario's
    sandbox starts it empty."""
    with FirestoreEmulator() as started:
        yield started


@pytest.fixture
def world(emulator: FirestoreEmulator) -> Iterator[Sandbox]:
    with Sandbox(firestore=emulator) as sandbox:
        yield sandbox


def table_name(scenario: Scenario, kind: str) -> str:
    """The scenario's line in the fault table (the link run's keeps its plain name)."""
    return scenario.name if kind == "url" else f"{scenario.name} (personal invitation)"


@pytest.mark.parametrize("kind", list(RUNS))
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_promises_hold(world: Sandbox, scenario: Scenario, kind: str) -> None:
    made = candidates(scenario.count)
    world.sheets.add_spreadsheet(SPREADSHEET, tokens=[RECRUITER_TOKEN])
    world.sheets.add_sheet(
        SPREADSHEET, TAB, sheet_id=0, rows=made.rows, row_count=len(made.rows) + 5
    )
    before = world.sheets.values(SPREADSHEET, TAB)
    selection = [f"A2:B{len(made.rows)}"]
    env = dict(FAST, **scenario.env)
    if scenario.refuse_connections:
        env["JOBMOJITO_API_URL"] = f"http://127.0.0.1:{free_port()}"
    scenario.arrange(world)
    if scenario.during is not None:
        _while_jobmojito_works(world, scenario.during)
    with FunctionProcess(world.function_env(**env)) as function:
        run_like_the_menu(world, function, selection, RUNS[kind])
        logs = function.logs()
    world.jobmojito.on_processed = None
    # The recruiter runs the menu again once things work (rows in the sheet may have moved).
    world.sheets.clear_faults()
    world.jobmojito.clear_faults()
    world.jobmojito.latency = 0.0
    with FunctionProcess(world.function_env(**FAST)) as function:
        run_like_the_menu(world, function, [f"A2:B{len(made.rows) + 1}"], RUNS[kind])
        logs += function.logs()

    after = world.sheets.values(SPREADSHEET, TAB)
    result = tally(
        table_name(scenario, kind), world.jobmojito, before, after,
        key=KEY, email=EMAIL, outputs=OUTPUTS,
        valid_unique=made.valid_unique, bad_emails=made.bad_emails,
        formulas=len(world.sheets.formula_cells(SPREADSHEET, TAB)),
    )  # fmt: skip
    TABLE.append(result)
    assert result.double_spends == 0
    assert result.double_sends == 0
    assert result.spent_on_bad_rows == 0
    assert result.links_returned == result.links_in_right_rows
    assert result.misplaced_links == 0
    assert result.misplaced_profiles == 0
    assert result.user_cells_changed == 0
    assert result.formulas_written == 0
    assert result.not_done == 0
    assert result.sent_once + result.pending_left >= result.candidates - result.not_done
    for secret in (RECRUITER_TOKEN, world.function_env()["JOBMOJITO_API_TOKEN"]):
        assert secret not in logs
    assert INTERVIEW_ID  # the interview id is not a secret; it may be logged
    spending = {call.endpoint for call in world.jobmojito.calls}
    if kind == "personal_invitation":
        assert spending <= {INVITE_PATH}
        # No link comes from a personal invitation: only the rows registered before hold one.
        registered_before = {row[KEY] for row in before[1:] if row[OUTPUTS["result"] :] == ["ok"]}
        assert registered_before, "the scenario seeds rows registered earlier"
        linked = {
            row[KEY] for row in after[1:]
            if len(row) > OUTPUTS["interview_url"] and row[OUTPUTS["interview_url"]]
        }  # fmt: skip
        assert linked <= registered_before
    else:
        assert spending <= {REGISTER_PATH}
