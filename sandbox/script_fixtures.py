"""Record the real function's answers for the Apps Script's unit tests.

    python -m sandbox.script_fixtures           # rewrite apps_script/test/fixtures/*.json
    python -m sandbox.script_fixtures --check   # fail, naming each stale file, when they differ

Each scenario seeds a tab in the Sheets stand-in, starts the real function under
functions-framework (with the scenario's settings), makes the calls the Apps Script menu would
make (a dry run, then the real run following `remaining`; a status refresh; the languages of
Settings), and keeps every request body and answer. Calls that only set the scene (an earlier
run that left a row pending, before a refresh) are made but not kept.

The script's fake function (`apps_script/test/fake-function.js`) answers from these files, so
its answers are the function's, not a copy that can drift from the contract.

What varies between two recordings is replaced by stable placeholders (see `normalise`):
pending-marker run ids and times, interview-link tokens, generated UUIDs, JobMojito's update
times, loopback ports and tokens. The rest of an answer is deterministic: the scenarios are
built so that timing decides nothing (the time-budget scenario sends exactly one batch per call,
whatever the machine's speed; the refresh whose deadline stops its paging waits for a page that
JobMojito answers 15 s after the deadline).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from sandbox.firestore_emulator import FirestoreEmulator
from sandbox.jobmojito_api import REGISTER_PATH, RESULT_LIST_PATH, Fault
from sandbox.world import (
    INTERVIEW_ID,
    JOBMOJITO_TOKEN,
    MERCHANT_ID,
    OUTSIDER_TOKEN,
    RECRUITER_TOKEN,
    ROOT,
    TAB,
    TAB_GID,
    FunctionProcess,
    Sandbox,
    demo_rows,
    invite,
)

FIXTURES_DIR = ROOT / "apps_script" / "test" / "fixtures"
# An interview id that is a UUID (so the function takes it) but that JobMojito does not know.
UNKNOWN_INTERVIEW_ID = "00000000-0000-4000-8000-000000000000"
# An earlier run's write-ahead marker, left in a row whose run was interrupted.
EARLIER_MARKER = "Pending (run e4r1y0, 2026-01-05 09:30 UTC)"
EARLIER_LINK = f"https://interview.jobmojito.test/interview/{INTERVIEW_ID}?token=earlier-run"
NOT_A_TOKEN = "not-a-google-id-token"
# Another of the merchant's interviews: a candidate enrolled there has a profile JobMojito knows.
OTHER_INTERVIEW_ID = "5c0ffee0-1a2b-4c3d-8e4f-000000000002"
# A profile_interview_id of no result of the interview: a row of another interview.
FOREIGN_PROFILE_INTERVIEW_ID = "9d7c1b2a-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
PERSONAL_MESSAGE = "Looking forward to meeting you.\nThe interview takes about 20 minutes."
# Candidates enrolled straight with JobMojito for the refresh whose deadline stops its paging:
# more than one page of results (1,000 a page).
LATE_RESULTS = 1100
STATUS_HEADER = [
    "Name", "Email", "Interview URL", "Result", "Profile interview ID",
    "Interview status", "Score", "Decision", "Status updated",
]  # fmt: skip

# The function's settings per scenario kind, on top of `Sandbox.function_env`. A short write
# interval keeps the recording fast where timing decides nothing. The deadline scenario gives
# each call 2 s (1.8 s before the reserve for the last write) with JobMojito answering a batch
# in 1 s: the first batch starts (it needs 1 s), the next would need 1.25 s and is left to the
# next call, so each call sends exactly one batch whatever the machine's speed.
FUNCTIONS: dict[str, dict[str, str]] = {
    "default": {"SHEETS_WRITE_INTERVAL_SECONDS": "0.01"},
    "one_at_a_time": {
        "BATCH_SIZE": "2", "CONCURRENCY": "1", "SHEETS_WRITE_INTERVAL_SECONDS": "0.01",
    },
    "short_budget": {"BATCH_SIZE": "2", "CONCURRENCY": "1", "DEADLINE_SECONDS": "2"},
    # The refresh whose second page of results JobMojito answers too late: 5 s is ample for the
    # first page and short of the 20 s the second takes.
    "status_deadline": {"DEADLINE_SECONDS": "5"},
}  # fmt: skip

Prepare = Callable[[Sandbox], None]


def _nothing(_world: Sandbox) -> None:
    return None


@dataclass(frozen=True)
class Call:
    """One call as the menu makes it; `follow` sends the answer's `remaining` until it is empty,
    as the script does, each follow-up recorded as a call of its own."""

    ranges: tuple[str, ...] = ()
    dry_run: bool = False
    force: bool = False
    follow: bool = True
    id_token: str | None = None  # None: a valid token of the recruiter
    before: Prepare = _nothing  # e.g. inject a fault, just before this call
    action: str = "invite"  # or "status" (Refresh interview status), "languages" (Settings)
    type: str | None = None  # the run's kind, when not the scenario's
    kept: bool = True  # False: a call that only sets the scene; made, not recorded


@dataclass(frozen=True)
class Scenario:
    """A seeded tab, the function's settings and the calls to record. `is_test`: test mode
    (every body has `is_test: true`); `message` and `language`: a personal invitation's."""

    name: str
    about: str
    rows: list[list[str]]
    calls: tuple[Call, ...]
    function: str = "default"
    type: str = "invitation"
    interview_id: str = INTERVIEW_ID
    is_test: bool = False
    message: str = ""
    language: str = "en"


def _people(count: int, prefix: str = "candidate") -> list[list[str]]:
    """A header (Name, Email) and `count` candidates with distinct valid emails."""
    return [["Name", "Email"]] + [
        [f"Candidate {i}", f"{prefix}{i}@example.com"] for i in range(1, count + 1)
    ]


def _menu(ranges: Sequence[str], **call: Any) -> tuple[Call, ...]:
    """The menu's two steps: the dry run, then the real run on the same selection."""
    return (Call(tuple(ranges), dry_run=True), Call(tuple(ranges), **call))


def _reject_second(world: Sandbox) -> None:
    world.jobmojito.reject_email("candidate2@example.com", "Error: no credits left")


def _slow_jobmojito(world: Sandbox) -> None:
    world.jobmojito.latency = 1.0  # back to 0 after the scenario


def _drop_first_batch(world: Sandbox) -> None:
    world.jobmojito.inject(Fault.drop_after_processing())


def _unreachable_after_first_batch(world: Sandbox) -> None:
    world.jobmojito.inject(Fault.delay_after_processing(0.0))  # call 1 goes through untouched
    world.jobmojito.inject(Fault.status(503, retry_after=0, times=10))  # then "unreachable"


def _credentials_rejected_after_first_batch(world: Sandbox) -> None:
    world.jobmojito.inject(Fault.delay_after_processing(0.0))
    world.jobmojito.inject(Fault.status(401))


def _sheets_work_again(world: Sandbox) -> None:
    world.sheets.clear_faults()


def _sheets_take_only_the_markers(world: Sandbox) -> None:
    world.sheets.inject("values.batchUpdate", 500, times=-1, retry_after=0, after=1)


def enrol(world: Sandbox, emails: Sequence[str], interview_id: str = INTERVIEW_ID) -> None:
    """Register candidates straight with the JobMojito stand-in, as another tool would: the
    function's record does not know them."""
    url = world.servers["jobmojito"].url + REGISTER_PATH
    for start in range(0, len(emails), 1000):
        body = {
            "interview_id": interview_id,
            "merchant_id": MERCHANT_ID,
            "users": [{"name": "Someone", "email": e} for e in emails[start : start + 1000]],
        }
        answer = httpx.post(
            url, json=body, headers={"Authorization": f"Bearer {JOBMOJITO_TOKEN}"}, timeout=60
        )
        answer.raise_for_status()


def _candidates_move_on(world: Sandbox) -> None:
    """Between the invitation and the refresh: one candidate completes and is selected, one
    completes unscored and undecided, one starts; the others have not started."""
    world.jobmojito.complete("ann.lee@example.com", score=87)
    world.jobmojito.decide("ann.lee@example.com", "selected")
    world.jobmojito.complete("bo.chen@example.com", score=None)
    world.jobmojito.start("cy.diaz@example.com")


def _jobmojito_and_sheets_work_again(world: Sandbox) -> None:
    world.jobmojito.clear_faults()
    world.sheets.clear_faults()


def _sheets_work_again_and_the_answer_is_lost(world: Sandbox) -> None:
    world.sheets.clear_faults()
    world.jobmojito.inject(Fault.drop_after_processing())


def _results_past_the_first_page(world: Sandbox) -> None:
    """Newest update first: the last enrolled is on the first page of results, the first on
    the second, which JobMojito answers only after the function's deadline."""
    enrol(world, [f"late{i}@example.com" for i in range(LATE_RESULTS)])
    world.jobmojito.inject(Fault.delay_after_processing(0.0).only(RESULT_LIST_PATH))
    world.jobmojito.inject(Fault.delay_after_processing(20.0).only(RESULT_LIST_PATH))


def _personal_candidates(world: Sandbox) -> None:
    """One candidate JobMojito knows from another interview (Activated), one another tool
    already enrolled in this interview (Skipped), one it refuses (Error)."""
    world.jobmojito.add_interview(OTHER_INTERVIEW_ID)
    enrol(world, ["gus.hale@example.com"], OTHER_INTERVIEW_ID)
    enrol(world, ["hana.ito@example.com"])
    world.jobmojito.reject_email("ivo.jun@example.com", "Error: this candidate cannot be invited")


def _status_rows() -> list[list[str]]:
    """The refresh's tab: the output and status columns present (the hourly refresh looks for
    an interview_status header), and a row for each of the refresh's row statuses."""
    blank = ["", "", "", "", "", "", ""]
    return [
        STATUS_HEADER,
        ["Ann Lee", "ann.lee@example.com", *blank],  # invited, completes, selected
        ["Bo Chen", "bo.chen@example.com", *blank],  # invited, completes unscored
        ["Cy Diaz", "cy.diaz@example.com", *blank],  # invited, starts
        ["Di Evans", "di.evans@example.com", *blank],  # never invited: not started
        ["Ed Fox", "ed.fox@example.com", "", "", FOREIGN_PROFILE_INTERVIEW_ID, "", "", "", ""],
        ["Fay Gray", "fay.gray@example", *blank],  # no usable email
        ["Gil Hart", "gil.hart@example.com", "", EARLIER_MARKER, "", "", "", "", ""],
        ["Hal Ives", "hal.ives@example.com", *blank],  # left pending, the link kept
        ["Ida Joy", "ida.joy@example.com", *blank],  # left pending, the answer lost
    ]


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "preview",
        "Preview of the demo tab: would_send, registered, duplicate and invalid (email, name).",
        demo_rows(),
        (Call(("2:13",), dry_run=True),),
    ),
    Scenario(
        "menu_run",
        "Dry run then real run of the demo tab: ok, registered, duplicate, invalid.",
        demo_rows(),
        _menu(["2:13"]),
    ),
    Scenario(
        "force",
        "Every selected row is registered: the dry run finds nothing new; the run with force "
        "sends them again.",
        [
            ["Name", "Email", "Interview URL", "Result"],
            ["Ann Lee", "ann.lee@example.com", EARLIER_LINK, "ok"],
            ["Bo Chen", "bo.chen@example.com", EARLIER_LINK, "ok"],
        ],
        _menu(["2:3"], force=True),
    ),
    Scenario(
        "nothing_to_send",
        "Only rows the function refuses: an invalid email and an empty name.",
        [["Name", "Email"], ["Cy Diaz", "cy.diaz@example"], ["", "no.name@example.com"]],
        (Call(("2:3",), dry_run=True),),
    ),
    Scenario(
        "jobmojito_error",
        "JobMojito refuses one candidate (a per-row error); the others are ok.",
        _people(3),
        _menu(["2:4"], before=_reject_second),
    ),
    Scenario(
        "continuation",
        "12 rows, 2 per batch, a 2 s deadline and JobMojito at 1 s a batch: each call sends one "
        "batch and answers the rest as not_yet in `remaining`; the follow-up calls finish them.",
        _people(12),
        _menu(["2:13"], before=_slow_jobmojito),
        function="short_budget",
        type="url",
    ),
    Scenario(
        "pending",
        "JobMojito processes the first batch but the connection drops: its rows stay pending.",
        _people(4),
        _menu(["2:5"], before=_drop_first_batch),
        function="one_at_a_time",
    ),
    Scenario(
        "interrupted",
        "A row still holds the pending marker of an interrupted run: left alone, not sent.",
        [
            ["Name", "Email", "Result"],
            ["Di Evans", "di.evans@example.com", EARLIER_MARKER],
            ["Ed Fox", "ed.fox@example.com", ""],
        ],
        _menu(["2:3"]),
    ),
    Scenario(
        "not_sent",
        "JobMojito becomes unreachable after the first batch: the run goes through, the rest "
        "is not_sent.",
        _people(4),
        _menu(["2:5"], before=_unreachable_after_first_batch),
        function="one_at_a_time",
    ),
    Scenario(
        "sheets_write_failure",
        "Google Sheets takes the pending markers, then refuses every write: the answer has "
        "the rows with written: false for the script to write.",
        demo_rows(),
        _menu(["2:13"], before=_sheets_take_only_the_markers),
        function="one_at_a_time",
    ),
    Scenario(
        "recovered",
        "Google Sheets takes the pending markers and nothing after, and the script never writes "
        "the answer's links; the next menu run finds them in the system of record, writes "
        "them into the rows (recovered) and sends nothing.",
        _people(3),
        (
            Call(("2:4",), before=_sheets_take_only_the_markers),
            *_menu(["2:4"], before=_sheets_work_again),
        ),
        function="one_at_a_time",
    ),
    Scenario(
        "credentials_rejected",
        "JobMojito rejects the function's credentials on the second batch: a 502 error answer "
        "that still lists the rows of the run.",
        _people(4),
        _menu(["2:5"], before=_credentials_rejected_after_first_batch),
        function="one_at_a_time",
    ),
    Scenario(
        "interview_rejected",
        "An interview id JobMojito does not know: the dry run passes, the real run is a 422.",
        _people(2),
        _menu(["2:3"]),
        interview_id=UNKNOWN_INTERVIEW_ID,
    ),
    Scenario(
        "unauthenticated",
        "An identity token the function does not accept: 401.",
        _people(2),
        (Call(("2:3",), dry_run=True, id_token=NOT_A_TOKEN),),
    ),
    Scenario(
        "status_refresh",
        "Refresh interview status on the whole tab, twice. Before it (calls not kept): rows 2-4 "
        "get links; row 9's run is interrupted after JobMojito answered (Google Sheets takes "
        "only the pending marker: the record keeps its link); row 10's answer is lost (the "
        "record has no link); then the candidates of rows 2-4 move on. The first refresh: "
        "changed (completed and selected; completed unscored; started; not started), "
        "other_interview, invalid, still_pending, settled with its link and settled without. "
        "The second: unchanged, the settled rows now ok.",
        _status_rows(),
        (
            Call(("2:4",), type="url", kept=False),
            Call(("9:9",), type="url", kept=False, before=_sheets_take_only_the_markers),
            Call(
                ("10:10",),
                type="url",
                kept=False,
                before=_sheets_work_again_and_the_answer_is_lost,
            ),
            Call(("2:10",), action="status", before=_candidates_move_on),
            Call(("2:10",), action="status"),
        ),
        function="one_at_a_time",
    ),
    Scenario(
        "status_continuation",
        f"A refresh whose deadline (5 s) comes before JobMojito's second page of results "
        f"({LATE_RESULTS} results, 1,000 a page): row 2's result is on the first page "
        "(changed), row 3's on the second (not_yet, in `remaining`); the next call, for row 3, "
        "reads both pages.",
        [
            ["Name", "Email"],
            ["New", f"late{LATE_RESULTS - 1}@example.com"],
            ["Old", "late0@example.com"],
        ],
        (
            Call(("2:3",), action="status", follow=False, before=_results_past_the_first_page),
            Call(("3:3",), action="status", before=_jobmojito_and_sheets_work_again),
        ),
        function="status_deadline",
    ),
    Scenario(
        "personal_invitation",
        "Send personal invitations with a message, in German: the dry run, then the run. "
        "JobMojito emails a new candidate (invited) and one it knew from another interview "
        "(activated), sends nothing to one another tool already enrolled in this interview "
        "(already_invited) and refuses one (error).",
        [
            ["Name", "Email"],
            ["Fin Gale", "fin.gale@example.com"],
            ["Gus Hale", "gus.hale@example.com"],
            ["Hana Ito", "hana.ito@example.com"],
            ["Ivo Jun", "ivo.jun@example.com"],
        ],
        (Call(("2:5",), dry_run=True, before=_personal_candidates), Call(("2:5",))),
        type="personal_invitation",
        message=PERSONAL_MESSAGE,
        language="de",
    ),
    Scenario(
        "test_mode",
        "Generate interview links in test mode: the preview and the run carry is_test; the rows "
        "get ok (test).",
        _people(2, "trial"),
        _menu(["2:3"]),
        type="url",
        is_test=True,
    ),
    Scenario(
        "languages",
        'The languages Settings offers for personal invitations (`"action": "languages"`).',
        [["Name", "Email"]],
        (Call(action="languages"),),
    ),
)


# --- normalising ---------------------------------------------------------------------------

_MARKER = re.compile(r"Pending \(run [0-9a-f]{6}, \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\)")
_LINK_TOKEN = re.compile(r"([?&]token=)([A-Za-z0-9_-]+)")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_LOOPBACK = re.compile(r"https?://(?:127\.0\.0\.1|localhost)(?::\d+)?")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_UPDATED = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z")
_FIXED_UUIDS = frozenset({INTERVIEW_ID, MERCHANT_ID, UNKNOWN_INTERVIEW_ID, OTHER_INTERVIEW_ID})
_SECRETS = {
    RECRUITER_TOKEN: "<access-token>",
    OUTSIDER_TOKEN: "<access-token>",
    JOBMOJITO_TOKEN: "<jobmojito-token>",
}


class _Numbering:
    """Stable names for values that vary between runs, numbered by first appearance."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.names: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        return self.names.setdefault(value, f"<{self.label}-{len(self.names) + 1}>")


def _seeded(rows: list[list[str]]) -> frozenset[str]:
    """The link tokens, UUIDs, markers and times the recorder itself wrote into the tab: fixed
    values."""
    found: set[str] = set()
    for cell in (cell for row in rows for cell in row):
        found.update(m.group(2) for m in _LINK_TOKEN.finditer(cell))
        found.update(m.group(0) for m in _UUID.finditer(cell))
        found.update(m.group(0) for m in _MARKER.finditer(cell))
        found.update(m.group(0) for m in _UPDATED.finditer(cell))
    return frozenset(found)


def normalise(value: Any, fixed: frozenset[str] = frozenset()) -> Any:
    """A copy of a recorded JSON value with what varies between runs made stable.

    - a pending marker's run id and time: `Pending (run <run-id>, <time> UTC)`;
    - an interview link's token: `token=<token-N>`, the same token getting the same N;
    - a UUID the recorder did not choose (profile_interview_id…): `<uuid-N>`;
    - a JobMojito update time (a refresh's `status_updated`, `2026-11-30T09:15:00Z`):
      `<updated>`, the same for every time (they are to the second, so two updates can fall in
      one second or in two, by chance);
    - a loopback URL's host and port: `http://<loopback>`;
    - an access, JobMojito or identity token: `<access-token>`, `<jobmojito-token>`,
      `<id-token>`.
    N counts from 1 in the order the values first appear, in the value's own order. Markers,
    tokens, UUIDs and times in `fixed` (those the recorder chose) are kept as they are.
    """
    tokens, uuids = _Numbering("token"), _Numbering("uuid")
    keep = fixed | _FIXED_UUIDS

    def text(s: str) -> str:
        for secret, placeholder in _SECRETS.items():
            s = s.replace(secret, placeholder)
        s = _JWT.sub("<id-token>", s)
        s = _LOOPBACK.sub("http://<loopback>", s)
        s = _MARKER.sub(
            lambda m: m.group(0) if m.group(0) in keep else "Pending (run <run-id>, <time> UTC)",
            s,
        )
        s = _LINK_TOKEN.sub(
            lambda m: m.group(0) if m.group(2) in keep else m.group(1) + tokens(m.group(2)), s
        )
        s = _UPDATED.sub(lambda m: m.group(0) if m.group(0) in keep else "<updated>", s)
        return _UUID.sub(lambda m: m.group(0) if m.group(0) in keep else uuids(m.group(0)), s)

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return text(node)
        if isinstance(node, list):
            return [walk(item) for item in node]
        if isinstance(node, dict):
            return {key: walk(item) for key, item in node.items()}
        return node

    return walk(value)


def _json(node: Any, indent: str = "") -> str:
    """JSON with two-space indents, except that a list or object holding no list or object is
    written on one line (a sheet row, a request's ranges, an answer row)."""
    if not isinstance(node, (dict, list)) or not any(
        isinstance(item, (dict, list))
        for item in (node.values() if isinstance(node, dict) else node)
    ):
        return json.dumps(node, ensure_ascii=False)
    inner = indent + "  "
    if isinstance(node, list):
        items = [inner + _json(item, inner) for item in node]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    fields = [f"{inner}{json.dumps(key)}: {_json(value, inner)}" for key, value in node.items()]
    return "{\n" + ",\n".join(fields) + "\n" + indent + "}"


def render(fixture: dict[str, Any]) -> str:
    """The file's text: normalised (the seeded tab's own values kept), keys in the function's
    order (see `_json`)."""
    return _json(normalise(fixture, _seeded(fixture["sheet"]["rows"]))) + "\n"


# --- recording -----------------------------------------------------------------------------


def _spreadsheet_id(scenario: Scenario) -> str:
    return "1Fixture_" + scenario.name


def _body(scenario: Scenario, call: Call, ranges: Sequence[str]) -> dict[str, Any]:
    """The request body, field for field as the script builds it (`requestBody` in Run.js;
    Settings' `{"action": "languages"}`)."""
    if call.action == "languages":
        return {"action": "languages"}
    body: dict[str, Any] = {
        "spreadsheet_id": _spreadsheet_id(scenario),
        "sheet_id": TAB_GID,
        "ranges": list(ranges),
    }
    kind = call.type or scenario.type
    if call.action == "status":
        body.update(action="status", interview_id=scenario.interview_id)
    else:
        body.update(
            type=kind, interview_id=scenario.interview_id, hide_menu=False,
            dry_run=call.dry_run, force=call.force,
        )  # fmt: skip
        if kind == "personal_invitation":
            if scenario.message:
                body["message_from_recruiter"] = scenario.message
            body["mojito_language_code"] = scenario.language
    if scenario.is_test:
        body["is_test"] = True
    return body


def record(scenario: Scenario, world: Sandbox, function: FunctionProcess) -> dict[str, Any]:
    """Seed the scenario's tab, make its calls, and return the fixture (not yet normalised)."""
    world.jobmojito.reset()
    world.sheets.clear_faults()
    # One recruiter's token records every scenario: each starts with a fresh minute of Sheets
    # quota, as each test does, so that no scenario's answer depends on the ones before it.
    world.sheets.reset_quota()
    world.seed(scenario.rows, spreadsheet_id=_spreadsheet_id(scenario), sheet_id=TAB_GID)
    exchanges: list[dict[str, Any]] = []
    try:
        for call in scenario.calls:
            call.before(world)
            ranges: Sequence[str] = call.ranges
            while True:
                body = _body(scenario, call, ranges)
                token = world.id_token() if call.id_token is None else call.id_token
                response = invite(function.url, body, id_token=token)
                answer = response.json()
                if call.kept:
                    exchanges.append(
                        {"request": body, "status": response.status_code, "answer": answer}
                    )
                remaining = answer.get("remaining") if response.status_code == 200 else None
                ranges = remaining if call.follow and remaining else []
                if not ranges:
                    break
    finally:
        world.jobmojito.reset()
        world.jobmojito.latency = 0.0
        world.sheets.clear_faults()
    return {
        "scenario": scenario.name,
        "about": scenario.about,
        "function": FUNCTIONS[scenario.function],
        "sheet": {
            "spreadsheet_id": _spreadsheet_id(scenario),
            "sheet_id": TAB_GID,
            "title": TAB,
            "rows": scenario.rows,
        },
        "calls": exchanges,
    }


@contextlib.contextmanager
def _functions(world: Sandbox) -> Iterator[Callable[[str], FunctionProcess]]:
    """Function processes by kind, started on first use and stopped at the end."""
    started: dict[str, FunctionProcess] = {}

    def get(kind: str) -> FunctionProcess:
        if kind not in started:
            started[kind] = FunctionProcess(world.function_env(**FUNCTIONS[kind])).start()
        return started[kind]

    try:
        yield get
    finally:
        for process in started.values():
            process.stop()


def record_all(directory: Path, scenarios: Sequence[Scenario] = SCENARIOS) -> dict[str, Path]:
    """Record every scenario into `directory/<name>.json`; returns the files by name."""
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    # The function keeps its records in the Firestore emulator, emptied with the JobMojito
    # stand-in before each scenario, so no scenario sees another's candidates.
    with Sandbox(firestore=FirestoreEmulator()) as world, _functions(world) as function:
        for scenario in scenarios:
            fixture = record(scenario, world, function(scenario.function))
            path = directory / f"{scenario.name}.json"
            path.write_text(render(fixture), encoding="utf-8")
            written[scenario.name] = path
    return written


def stale(recorded: Path, committed: Path) -> list[str]:
    """What differs between a fresh recording and the committed fixtures, one line per file."""
    problems = []
    fresh = {p.name: p for p in recorded.glob("*.json")}
    kept = {p.name: p for p in committed.glob("*.json")}
    for name in sorted(fresh.keys() | kept.keys()):
        where = committed / name
        if name not in kept:
            problems.append(f"{where} is missing")
        elif name not in fresh:
            problems.append(f"{where} belongs to no scenario")
        elif fresh[name].read_text("utf-8") != kept[name].read_text("utf-8"):
            problems.append(f"{where} differs from what the function answers now")
    return problems


def check(committed: Path = FIXTURES_DIR) -> list[str]:
    """Record into a temporary directory and compare with `committed`."""
    with tempfile.TemporaryDirectory(prefix="script-fixtures-") as temp:
        record_all(Path(temp))
        return stale(Path(temp), committed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.script_fixtures",
        description="Record the real function's answers for the Apps Script's unit tests.",
    )
    parser.add_argument(
        "--check", action="store_true", help="only compare with the committed fixtures"
    )
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for problem in problems:
            print(f"stale fixture: {problem}", file=sys.stderr)
        if problems:
            print("Run `make fixtures` and commit the result.", file=sys.stderr)
            return 1
        print(f"{len(SCENARIOS)} fixtures in {FIXTURES_DIR} match the function.")
        return 0
    names = {scenario.name for scenario in SCENARIOS}
    for leftover in FIXTURES_DIR.glob("*.json"):
        if leftover.stem not in names:  # a scenario that was removed or renamed
            leftover.unlink()
    written = record_all(FIXTURES_DIR)
    print(f"Wrote {len(written)} fixtures to {FIXTURES_DIR}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
