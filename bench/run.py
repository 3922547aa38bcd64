"""`make bench`: the whole path a recruiter uses, timed, against the stand-ins with limits on.

Prints figures only; tests assert behaviour, not timings (make test never runs this).

Each case is one recruiter choosing "Generate interview links" on a selection of 1,000 or
10,000 rows: the Apps Script runs in Node as the end-to-end test runs it
(`apps_script/bench/menu-run.js`: dry run, confirmation accepted at once, real run with its
follow-up calls, Apps Script's 6-minute and 60 s limits on a real clock), calling the real
function under functions-framework behind the 60 s Cloud-Run-like proxy, which reads and
writes the Sheets stand-in (Google's per-user quotas on: 60 reads and 60 writes a minute) and
calls the JobMojito stand-in (each call answered after 0.3 s or 2 s). Every run starts with a
fresh function process (so its peak memory is its own) and a fresh minute of Sheets quota;
each case runs 3 times and the run with the median wall time is shown.

At 1,000 rows a baseline does the same selection the way most scripts do it: one JobMojito call
and one Sheets write per row, in sequence, under the same limits. The quota alone makes that
at least ~16 minutes, so it runs the first 60 rows and extrapolates linearly to 1,000.

Then a status refresh ("Refresh interview status") of 5,000 rows a real invite run
registered and the JobMojito stand-in moved through the interview: the function's JobMojito
and Sheets calls are counted for a first refresh and for one after a few more candidates moved
(targets: at most 6 JobMojito and 4 Sheets calls).

Last, the function's import time (a fresh interpreter timing `import main`, best of 5) against
a bare import of its main libraries, as a cold start pays both.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import httpx
from jobmojito_sheets.config import load_settings

from sandbox.server import LoopbackServer
from sandbox.world import (
    INTERVIEW_ID,
    JOBMOJITO_TOKEN,
    MERCHANT_ID,
    RECRUITER,
    RECRUITER_TOKEN,
    TAB,
    TAB_GID,
    FunctionProcess,
    Sandbox,
    process_peaks_mib,
)

ROOT = Path(__file__).resolve().parent.parent
DRIVER = ROOT / "apps_script" / "bench" / "menu-run.js"
FUNCTION_DIR = ROOT / "cloud_function"

SIZES = (1_000, 10_000)
LATENCIES = (0.3, 2.0)  # seconds JobMojito takes to answer one call (a batch of up to 100)
BASELINE_SIZE = 1_000
BASELINE_SAMPLE = 60  # rows the per-row baseline really runs: one minute of write quota
QUOTA_PER_MINUTE = 60  # Google's per-user Sheets quota, reads and writes each
IMPORT_TRIES = 5
REPEAT = 3  # runs of each case; the one with the median wall time is shown

# The fake SpreadsheetApp's own token: Apps Script's SpreadsheetApp is not Sheets API quota,
# so its calls are not metered (as in the end-to-end test).
SPREADSHEETAPP_TOKEN = "ya29.bench-spreadsheetapp"

TARGET_RATIO = 1.3
TARGET_CALLS_PER_1000 = 12.0
TARGET_SPEEDUP = 50.0
TARGET_PEAK_MIB = 150.0
TARGET_IMPORT_RATIO = 1.2
REFRESH_ROWS = 5_000
SHEET_COLUMNS = 26  # a new Google Sheets tab's width (A to Z)
TARGET_REFRESH_JOBMOJITO = 6
TARGET_REFRESH_SHEETS = 4

BARE_IMPORTS = (
    "gspread",
    "google.oauth2.id_token",
    "google.auth.transport.requests",
    "httpx",
    "functions_framework",
)

# --- timing the stand-ins' traffic -------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One HTTP request a stand-in answered, timed (seconds since the epoch)."""

    start: float
    end: float
    method: str
    path: str
    status: int
    token: str

    @property
    def write(self) -> bool:
        return self.method != "GET"


class Timed:
    """A WSGI middleware that records every request's start, end, status and bearer token."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.hits: list[Hit] = []
        self._lock = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        start = time.time()
        status = [0]

        def recording(status_line: str, headers: Any, *rest: Any) -> Any:
            status[0] = int(status_line.split()[0])
            return start_response(status_line, headers, *rest)

        body = list(self.app(environ, recording))
        header = str(environ.get("HTTP_AUTHORIZATION", ""))
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        hit = Hit(
            start,
            time.time(),
            str(environ.get("REQUEST_METHOD", "")),
            unquote(str(environ.get("PATH_INFO", ""))),
            status[0],
            token,
        )
        with self._lock:
            self.hits.append(hit)
        return body

    def since(self, start: float) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.hits if hit.start >= start]


class BenchSandbox(Sandbox):
    """The sandbox, with the Sheets and JobMojito stand-ins served behind `Timed`."""

    sheets_log: Timed
    jobmojito_log: Timed

    def start(self) -> BenchSandbox:
        super().start()
        self.sheets_log = Timed(self.sheets)
        self.jobmojito_log = Timed(self.jobmojito)
        for name, app in (("sheets", self.sheets_log), ("jobmojito", self.jobmojito_log)):
            self.servers[name].stop()
            self.servers[name] = LoopbackServer(app).start()
        return self


def busy_seconds(spans: Iterable[tuple[float, float]]) -> float:
    """How long at least one of the spans was under way (their union's length)."""
    total, reach = 0.0, -math.inf
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


# --- one case -------------------------------------------------------------------------------


@dataclass
class Call:
    """One call the script made to the function, as the Node driver timed it."""

    start: float
    end: float
    dry_run: bool
    rows: int
    status: int
    code: str
    remaining: int
    retry_after: float | None
    thrown: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Call:
        wait = data.get("retryAfterSeconds")
        return cls(
            start=data["start"] / 1000,
            end=data["end"] / 1000,
            dry_run=bool(data.get("dryRun")),
            rows=int(data.get("rows", 0)),
            status=int(data.get("status", 0)),
            code=str(data.get("code", "")),
            remaining=int(data.get("remaining", 0)),
            retry_after=float(wait) if isinstance(wait, int | float) else None,
            thrown=str(data.get("thrown", "")),
        )

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class Case:
    rows: int
    latency: float
    batch_size: int
    concurrency: int
    wall: float = 0.0
    walls: list[float] = field(default_factory=list)  # every repeat's, this one's among them
    started: float = 0.0  # the menu click, seconds since the epoch
    to_dialog: float = 0.0
    menu_runs: int = 0
    calls: list[Call] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    errors_shown: list[str] = field(default_factory=list)
    reads: int = 0
    writes: int = 0
    refusals: int = 0
    peak_mib: float = 0.0
    credits: int = 0
    credited_twice: int = 0
    function_hits: list[Hit] = field(default_factory=list)
    jobmojito_hits: list[Hit] = field(default_factory=list)
    baseline: Baseline | None = None

    @property
    def jobmojito_floor(self) -> float:
        return math.ceil(self.rows / self.batch_size / self.concurrency) * self.latency

    @property
    def quota_floor(self) -> float:
        over = max(0, self.reads - QUOTA_PER_MINUTE, self.writes - QUOTA_PER_MINUTE)
        return over / QUOTA_PER_MINUTE * 60.0

    @property
    def floor(self) -> float:
        return max(self.jobmojito_floor, self.quota_floor)

    @property
    def ratio(self) -> float:
        return self.wall / self.floor if self.floor else math.inf

    def per_1000(self, count: int) -> float:
        return count / self.rows * 1000

    @property
    def quota_errors_shown(self) -> int:
        return sum(1 for text in self.errors_shown if _about_quota(text))


def _about_quota(text: str) -> bool:
    lowered = text.lower()
    return "slow down" in lowered or "google sheets asked to wait" in lowered or "quota" in lowered


def candidate_rows(count: int, prefix: str, extra: Sequence[str] = ()) -> list[list[str]]:
    header = ["Name", "Email", "Candidate ID", *extra]
    return [header] + [
        [f"Candidate {i}", f"{prefix}.candidate{i}@example.com", f"C-{i:05d}"] for i in range(count)
    ]


def run_case(world: BenchSandbox, node: str, rows: int, latency: float, attempt: int = 1) -> Case:
    spreadsheet_id = f"1Bench{rows}x{latency:g}n{attempt}".replace(".", "_")
    world.seed(
        candidate_rows(rows, spreadsheet_id.lower()),
        spreadsheet_id=spreadsheet_id,
        tokens=(RECRUITER_TOKEN, SPREADSHEETAPP_TOKEN),
    )
    world.jobmojito.reset()
    world.jobmojito.latency = latency
    env = world.function_env()
    settings = load_settings(env)
    case = Case(rows, latency, settings.batch_size, settings.concurrency)
    output = Path(tempfile.mkstemp(prefix="bench-", suffix=".json")[1])
    with FunctionProcess(env) as function:
        world.sheets.reset_quota()  # a fresh minute: the recruiter's quota is unspent
        began = time.time()
        driver_env = {
            **os.environ,
            "BENCH_FUNCTION_URL": function.url,
            "BENCH_SHEETS_API_URL": world.servers["sheets"].url,
            "BENCH_SPREADSHEET_ID": spreadsheet_id,
            "BENCH_SHEET_TITLE": TAB,
            "BENCH_SELECTION": f"A2:B{rows + 1}",
            "BENCH_ID_TOKEN": world.id_token(),
            "BENCH_ACCESS_TOKEN": RECRUITER_TOKEN,
            "BENCH_SPREADSHEETAPP_TOKEN": SPREADSHEETAPP_TOKEN,
            "BENCH_INTERVIEW_ID": INTERVIEW_ID,
            "BENCH_OUTPUT": str(output),
        }
        done = subprocess.run(
            [node, str(DRIVER)], env=driver_env, capture_output=True, text=True,
            timeout=30 * 60, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            tail = done.stdout[-3000:] + done.stderr[-3000:]
            raise RuntimeError(f"the Node driver failed:\n{tail}")
        case.peak_mib = max(process_peaks_mib(function.pid), default=0.0) if function.pid else 0.0
    function.log_path.unlink(missing_ok=True)
    report = json.loads(output.read_text("utf-8"))
    output.unlink()
    runs: list[dict[str, Any]] = report["runs"]
    case.menu_runs = len(runs)
    for run in runs:
        case.calls += [Call.from_json(call) for call in run["calls"]]
        case.sleeps += [ms / 1000 for ms in run["sleeps"]]
        prompts = [str(alert["prompt"]) for alert in run["alerts"]]
        case.alerts += prompts
        # Every dialog but a question (the confirmation) and a closing "Done:" is one the
        # recruiter has to act on.
        case.errors_shown += [
            str(alert["prompt"])
            for alert in run["alerts"]
            if alert["buttons"] == "OK" and not str(alert["prompt"]).startswith("Done:")
        ]
    started = case.started = runs[0]["startedAt"] / 1000
    sheets_hits = [h for h in world.sheets_log.since(began) if _book(h.path) == spreadsheet_id]
    written = [h.end for h in sheets_hits if h.write and h.status == 200]
    case.to_dialog = runs[-1]["endedAt"] / 1000 - started
    case.wall = (max(written) - started) if written else case.to_dialog
    case.function_hits = [h for h in sheets_hits if h.token == RECRUITER_TOKEN]
    counted = [h for h in case.function_hits if h.status != 429]
    case.reads = sum(1 for h in counted if not h.write)
    case.writes = sum(1 for h in counted if h.write)
    case.refusals = sum(1 for r in world.sheets.quota.refusals if r.user == RECRUITER)
    case.jobmojito_hits = world.jobmojito_log.since(began)
    credits = world.jobmojito.credits_by_email()
    case.credits = len(credits)
    case.credited_twice = sum(1 for n in credits.values() if n > 1)
    return case


# --- the status refresh ---------------------------------------------------------------------


@dataclass
class Refresh:
    """One "Refresh interview status" call on REFRESH_ROWS rows, and what it cost."""

    label: str
    seconds: float
    jobmojito_calls: int
    sheets_reads: int
    sheets_writes: int
    changed: int

    @property
    def sheets_calls(self) -> int:
        return self.sheets_reads + self.sheets_writes


def refresh_cases(world: BenchSandbox, rows: int = REFRESH_ROWS) -> list[Refresh]:
    """Invite `rows` candidates (JobMojito answering at once), move them through the interview
    in the stand-in, then time the status refresh the menu sends: a first one, and another
    after a few more candidates moved. Counts the function's JobMojito and Sheets calls."""
    spreadsheet_id = f"1BenchRefresh{rows}"
    emails = [row[1] for row in candidate_rows(rows, spreadsheet_id.lower())[1:]]
    # A tab as Google Sheets makes one (26 columns wide): a tab sized to its data, as a CSV
    # import makes it, costs one more call the first time, to add the status columns.
    world.sheets.add_spreadsheet(spreadsheet_id, title="Candidates", tokens=(RECRUITER_TOKEN,))
    world.sheets.add_sheet(
        spreadsheet_id, TAB, sheet_id=TAB_GID, column_count=SHEET_COLUMNS,
        rows=candidate_rows(rows, spreadsheet_id.lower()),
    )  # fmt: skip
    world.jobmojito.reset()
    world.jobmojito.latency = 0.0
    body = {
        "spreadsheet_id": spreadsheet_id, "sheet_id": TAB_GID, "ranges": [f"A2:B{rows + 1}"],
        "type": "url", "interview_id": INTERVIEW_ID,
    }  # fmt: skip
    cases: list[Refresh] = []
    with FunctionProcess(world.function_env(MAX_ROWS=str(rows))) as function:
        world.sheets.reset_quota()
        invited = _post(function.url, body, world.id_token())
        if invited.get("summary", {}).get("ok") != rows:
            raise RuntimeError(f"the invite run before the refresh failed: {invited}")
        for number, email in enumerate(emails):
            if number % 10 < 4:
                world.jobmojito.complete(email, 50.0 + number % 50)
            elif number % 10 == 4:
                world.jobmojito.start(email)
            if number % 10 == 0:
                world.jobmojito.decide(email, "selected" if number % 20 == 0 else "rejected")
        status = {**body, "action": "status"}
        status.pop("type")
        for label in ("first refresh", "after 1% more moved"):
            if cases:
                for email in emails[5::100]:
                    world.jobmojito.complete(email, 77.0)
            world.sheets.reset_quota()
            began = time.time()
            answer = _post(function.url, status, world.id_token())
            seconds = time.time() - began
            hits = [
                h for h in world.sheets_log.since(began)
                if _book(h.path) == spreadsheet_id and h.token == RECRUITER_TOKEN
            ]  # fmt: skip
            reads = [h for h in world.jobmojito_log.since(began) if h.token == JOBMOJITO_TOKEN]
            cases.append(
                Refresh(
                    label,
                    seconds,
                    len(reads),
                    sum(1 for h in hits if not h.write),
                    sum(1 for h in hits if h.write),
                    int(answer["summary"]["changed"]),
                )
            )
    function.log_path.unlink(missing_ok=True)
    return cases


def _post(url: str, body: dict[str, Any], id_token: str) -> dict[str, Any]:
    response = httpx.post(
        url, json=body, timeout=120,
        headers={"Authorization": f"Bearer {id_token}", "X-Sheets-Access-Token": RECRUITER_TOKEN},
    )  # fmt: skip
    answer: dict[str, Any] = response.json()
    if response.status_code != 200:
        raise RuntimeError(f"the function answered {response.status_code}: {answer}")
    return answer


def print_refreshes(refreshes: list[Refresh]) -> None:
    print()
    print(f"Status refresh of {REFRESH_ROWS:,} rows (Refresh interview status; JobMojito at once):")
    heads = ("secs", "JM calls", "Sheets", "reads", "writes", "changed")
    print(f"  {'call':<22} " + " ".join(f"{h:>{max(5, len(h))}}" for h in heads))
    for r in refreshes:
        print(
            f"  {r.label:<22} {r.seconds:>5.1f} {r.jobmojito_calls:>8} {r.sheets_calls:>6}"
            f" {r.sheets_reads:>5} {r.sheets_writes:>6} {r.changed:>7}"
        )
    worst_jm = max((r.jobmojito_calls for r in refreshes), default=0)
    worst_sheets = max((r.sheets_calls for r in refreshes), default=0)
    print(
        f"  targets: JobMojito calls {worst_jm} <= {TARGET_REFRESH_JOBMOJITO}:"
        f" {_mark(worst_jm <= TARGET_REFRESH_JOBMOJITO)}; Sheets calls {worst_sheets} <="
        f" {TARGET_REFRESH_SHEETS}: {_mark(worst_sheets <= TARGET_REFRESH_SHEETS)}"
    )


# --- the per-row baseline -----------------------------------------------------------------


@dataclass
class Baseline:
    sample: int
    size: int
    seconds: float  # the sample's time, the read of the selection included
    read_seconds: float
    refusals: int

    @property
    def extrapolated(self) -> float:
        """Linear: the one read, then the sample's time per row for every row."""
        return self.read_seconds + (self.seconds - self.read_seconds) / self.sample * self.size

    @property
    def quota_bound(self) -> float:
        """What the write quota alone forces on one write per row (seconds)."""
        return max(0, self.size - QUOTA_PER_MINUTE) / QUOTA_PER_MINUTE * 60.0


def per_row_baseline(world: BenchSandbox, size: int, sample: int, latency: float) -> Baseline:
    """One JobMojito call and one Sheets write per row, in sequence, as most scripts do it:
    read the selection once, then for each row register it and write its link and result.
    A 429 is waited out (its Retry-After, else 1 s) and the write sent again."""
    spreadsheet_id = f"1Baseline{size}x{latency:g}".replace(".", "_")
    rows = candidate_rows(size, spreadsheet_id.lower(), extra=("interview_url", "result"))
    world.sheets.add_spreadsheet(spreadsheet_id, title="Candidates", tokens=[RECRUITER_TOKEN])
    world.sheets.add_sheet(spreadsheet_id, TAB, sheet_id=TAB_GID, rows=rows)
    world.jobmojito.reset()
    world.jobmojito.latency = latency
    world.sheets.reset_quota()
    sheets = world.servers["sheets"].url + f"/v4/spreadsheets/{spreadsheet_id}/values/"
    register = world.servers["jobmojito"].url + "/job-interview-register-users"
    google = {"Authorization": f"Bearer {RECRUITER_TOKEN}"}
    refusals = 0
    with httpx.Client(timeout=60.0) as http:
        started = time.perf_counter()
        answer = http.get(sheets + quote(f"'{TAB}'!A1:C{size + 1}"), headers=google)
        answer.raise_for_status()
        values: list[list[str]] = answer.json()["values"]
        read_seconds = time.perf_counter() - started
        for index in range(1, sample + 1):
            name, email, external_id = values[index][:3]
            body = {
                "interview_id": INTERVIEW_ID,
                "merchant_id": MERCHANT_ID,
                "type": "url",
                "send_email": False,
                "hide_menu": False,
                "users": [{"name": name, "email": email, "external_id": external_id}],
            }
            registered = http.post(
                register, json=body, headers={"Authorization": f"Bearer {JOBMOJITO_TOKEN}"}
            )
            registered.raise_for_status()
            user = registered.json()[0]
            cells = f"'{TAB}'!D{index + 1}:E{index + 1}"
            payload = {"values": [[user.get("interview_url", ""), user["result"]]]}
            while True:
                wrote = http.put(
                    sheets + quote(cells),
                    params={"valueInputOption": "RAW"},
                    json=payload,
                    headers=google,
                )
                if wrote.status_code != 429:
                    wrote.raise_for_status()
                    break
                refusals += 1
                time.sleep(float(wrote.headers.get("Retry-After", "1")))
        seconds = time.perf_counter() - started
    return Baseline(sample, size, seconds, read_seconds, refusals)


# --- import time --------------------------------------------------------------------------


# --- the system of record's claims ------------------------------------------------------------

STORE_CLAIMS = 5_000  # one call's MAX_ROWS of candidates, claimed before anything is sent


def firestore_store_seconds(count: int = STORE_CLAIMS) -> tuple[float, float] | None:
    """Seconds the Firestore store takes to claim `count` candidates nobody holds, and to
    release those claims again (a call whose deadline left its batches unsent), in the real
    emulator of the gcloud CLI (as deployed, with STATE_STORE=firestore, a run claims its rows
    before marking them); None when the emulator is not installed."""
    from jobmojito_sheets.registry import Record, RecordState
    from jobmojito_sheets.store import FirestoreStore

    from sandbox.firestore_emulator import EmulatorMissing, FirestoreEmulator

    try:
        emulator = FirestoreEmulator().start()
    except EmulatorMissing:
        return None
    saved = {name: os.environ.get(name) for name in emulator.env()}
    try:
        os.environ.update(emulator.env())
        store = FirestoreStore(emulator.project, None, timeout=60.0)
        store.lookup(INTERVIEW_ID, ["warm-up@example.com"])  # the client's channel, once
        claims = [
            Record(interview_id=INTERVIEW_ID, email=f"claim{n}@example.com",
                   state=RecordState.CLAIMED, run_id="bench", caller=RECRUITER,
                   spreadsheet_id="1BenchClaims", tab=TAB, row=n + 2, at="2026-12-06T00:00:00Z")
            for n in range(count)
        ]  # fmt: skip
        started = time.perf_counter()
        store.claim(claims, force=False)
        claimed = time.perf_counter()
        store.release(INTERVIEW_ID, [c.email for c in claims], "bench")
        return claimed - started, time.perf_counter() - claimed
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        emulator.stop()


def import_seconds(statement: str) -> float:
    """Seconds one fresh interpreter takes to run `statement` (an import), timed inside it."""
    code = f"import time\n_t = time.perf_counter()\n{statement}\nprint(time.perf_counter() - _t)\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=FUNCTION_DIR, env=env, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    return float(done.stdout.strip().splitlines()[-1])


def import_times(tries: int = IMPORT_TRIES) -> tuple[float, float]:
    """Best of `tries` for `import main` and for the bare libraries, interleaved."""
    bare = "import " + ", ".join(BARE_IMPORTS)
    mains, bares = [], []
    for _ in range(tries):
        mains.append(import_seconds("import main"))
        bares.append(import_seconds(bare))
    return min(mains), min(bares)


def heaviest_extra_imports(count: int = 4) -> list[tuple[str, float]]:
    """The top-level packages `import main` loads beyond the bare libraries, by their own
    import time (`python -X importtime`, one run: indicative only)."""

    def packages(statement: str) -> dict[str, float]:
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", statement], cwd=FUNCTION_DIR,
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        totals: dict[str, float] = {}
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "|" not in line:
                continue
            parts = line.split("|")
            try:
                own = int(parts[0].split(":")[1])
            except ValueError:
                continue
            top = parts[2].strip().split(".")[0]
            totals[top] = totals.get(top, 0.0) + own / 1e6
        return totals

    bare = packages("import " + ", ".join(BARE_IMPORTS))
    main = packages("import main")
    extra = {name: s for name, s in main.items() if name not in bare}
    return sorted(extra.items(), key=lambda item: -item[1])[:count]


# --- printing -----------------------------------------------------------------------------


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _seconds(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def print_summary(cases: list[Case]) -> None:
    print()
    print(
        f"{'rows':>6} {'JM s':>5} {'wall s':>7} {'floor s':>8} {'wall/floor':>10}"
        f" {'reads/1k':>9} {'writes/1k':>10} {'calls/1k':>9} {'429 met':>8} {'429 shown':>10}"
        f" {'fn calls':>9} {'peak MiB':>9} {'per-row s':>10} {'speedup':>8}"
    )
    print(
        f"{'target':>6} {'':>5} {'':>7} {'':>8} {'<= 1.3':>10} {'':>9} {'':>10} {'<= 12':>9}"
        f" {'':>8} {'0':>10} {'':>9} {'<150@10k':>9} {'':>10} {'>= 50x':>8}"
    )
    for case in cases:
        baseline = case.baseline
        per_row = f"{baseline.extrapolated:.0f}*" if baseline else "-"
        speedup = f"{baseline.extrapolated / case.wall:.0f}x" if baseline else "-"
        calls = case.per_1000(case.reads + case.writes)
        print(
            f"{case.rows:>6} {case.latency:>5.1f} {_seconds(case.wall):>7}"
            f" {_seconds(case.floor):>8} {case.ratio:>10.2f}"
            f" {case.per_1000(case.reads):>9.1f} {case.per_1000(case.writes):>10.1f}"
            f" {calls:>9.1f} {case.refusals:>8} {case.quota_errors_shown:>10}"
            f" {len(case.calls):>9} {case.peak_mib:>9.1f} {per_row:>10} {speedup:>8}"
        )
    samples = {c.baseline.sample for c in cases if c.baseline}
    if samples:
        print(
            f"  * per-row baseline extrapolated linearly to {BASELINE_SIZE:,} rows from its "
            f"first {', '.join(map(str, sorted(samples)))} rows (one JobMojito call and one "
            "Sheets write per row, in sequence)."
        )
    print(
        "  wall: menu click to the last row written. floor: the larger of JobMojito's time at the"
        " configured concurrency, ceil(rows / batch / concurrency) x latency, and the time the"
        " per-user quota needs for the function's calls, max(0, reads - 60, writes - 60) / 60"
        " minutes. reads, writes: the function's Sheets API calls (the script's SpreadsheetApp"
        " calls are not Sheets API quota). 429 met: the stand-in's refusals; 429 shown: dialogs"
        " about the quota. fn calls: the script's calls to the function (dry run included)."
    )


def print_targets(cases: list[Case], imports: tuple[float, float]) -> None:
    print()
    print("Targets")
    for case in cases:
        label = f"{case.rows:,} rows, JobMojito {case.latency:g} s"
        calls = case.per_1000(case.reads + case.writes)
        lines = [
            f"wall/floor {case.ratio:.2f} <= {TARGET_RATIO}: {_mark(case.ratio <= TARGET_RATIO)}",
            f"Sheets calls/1k {calls:.1f} <= {TARGET_CALLS_PER_1000:g}: "
            + _mark(calls <= TARGET_CALLS_PER_1000),
            f"quota errors shown {case.quota_errors_shown} == 0: "
            + _mark(case.quota_errors_shown == 0),
        ]
        if case.baseline:
            speedup = case.baseline.extrapolated / case.wall
            lines.append(
                f"speedup {speedup:.0f}x >= {TARGET_SPEEDUP:g}x: {_mark(speedup >= TARGET_SPEEDUP)}"
            )
        if case.rows >= 10_000:
            lines.append(
                f"peak {case.peak_mib:.0f} MiB < {TARGET_PEAK_MIB:g}: "
                + _mark(case.peak_mib < TARGET_PEAK_MIB)
            )
        print(f"  {label:<28} " + "; ".join(lines))
    main, bare = imports
    ratio = main / bare
    print(
        f"  {'import time':<28} main {main * 1000:.0f} ms, bare libraries {bare * 1000:.0f} ms,"
        f" ratio {ratio:.2f} <= {TARGET_IMPORT_RATIO}: {_mark(ratio <= TARGET_IMPORT_RATIO)}"
    )


@dataclass
class Split:
    """Where one call's time went: before its first JobMojito batch (the function's start: the
    identity checks and the Sheets reads and writes ahead of sending), JobMojito under way,
    between JobMojito's answers and the next wave's calls, and after the last answer (the last
    writes). A call that sends nothing (a dry run) is all `head`."""

    head: float = 0.0
    busy: float = 0.0
    gaps: float = 0.0
    tail: float = 0.0

    def add(self, other: Split) -> None:
        self.head += other.head
        self.busy += other.busy
        self.gaps += other.gaps
        self.tail += other.tail


def split(call: Call, jobmojito: Sequence[Hit]) -> Split:
    # Batches only: the balance read (GET /merchant-status) goes out at the call's start,
    # alongside the tab's properties, and must not end the head there.
    inside = [h for h in jobmojito if h.write and call.start <= h.start <= call.end]
    if not inside:
        return Split(head=call.seconds)
    head = min(h.start for h in inside) - call.start
    tail = max(0.0, call.end - max(h.end for h in inside))
    busy = busy_seconds((h.start, h.end) for h in inside)
    return Split(head, busy, max(0.0, call.seconds - head - busy - tail), tail)


def print_details(case: Case) -> None:
    """Where the time goes: the script's calls, the function's Sheets and JobMojito traffic."""
    print()
    walls = ", ".join(f"{w:.1f}" for w in sorted(case.walls))
    print(
        f"{case.rows:,} rows, JobMojito {case.latency:g} s per batch: wall {case.wall:.1f} s"
        f" (the median of {walls}; closing dialog at {case.to_dialog:.1f} s),"
        f" {case.menu_runs} menu run(s); floor {case.floor:.1f} s = max(JobMojito"
        f" {case.jobmojito_floor:.1f} s, quota {case.quota_floor:.1f} s for {case.reads} reads"
        f" and {case.writes} writes)"
    )
    dry, real = Split(), Split()
    for call in case.calls:
        (dry if call.dry_run else real).add(split(call, case.jobmojito_hits))
    in_calls = sum(call.seconds for call in case.calls)
    waits = sum(case.sleeps)
    own = max(0.0, case.wall - in_calls - waits)
    print(
        f"  time: dry run {dry.head:.2f} s; real calls {real.head:.2f} s before the first batch,"
        f" {real.busy:.2f} s JobMojito under way, {real.gaps:.2f} s between waves,"
        f" {real.tail:.2f} s after the last answer; {waits:.2f} s waiting as asked;"
        f" {own:.2f} s the script's own (selection, dialogs, SpreadsheetApp, HTTP)"
    )
    print(
        f"  JobMojito: {len(case.jobmojito_hits)} calls, each"
        f" {_mean(h.end - h.start for h in case.jobmojito_hits):.2f} s on average;"
        f" credits {case.credits:,} of {case.rows:,}"
        + (f", {case.credited_twice} emails credited twice" if case.credited_twice else "")
    )
    print(
        f"  {'call':>4} {'kind':<5} {'rows':>5} {'secs':>6} {'status':>6} {'left':>5}"
        f" {'wait':>5} {'reads':>5} {'writes':>6} {'429s':>4} {'JM calls':>8} {'head':>5}"
        f" {'JM busy':>7} {'gaps':>5} {'tail':>5}"
    )
    for number, call in enumerate(case.calls, 1):
        inside = [h for h in case.function_hits if call.start <= h.start <= call.end]
        jm = [h for h in case.jobmojito_hits if call.start <= h.start <= call.end]
        status = "threw" if call.thrown else (call.code or str(call.status))
        wait = f"{call.retry_after:.0f}" if call.retry_after is not None else "-"
        parts = split(call, case.jobmojito_hits)
        print(
            f"  {number:>4} {'dry' if call.dry_run else 'real':<5} {call.rows:>5}"
            f" {call.seconds:>6.2f} {status:>6} {call.remaining:>5} {wait:>5}"
            f" {sum(1 for h in inside if not h.write and h.status != 429):>5}"
            f" {sum(1 for h in inside if h.write and h.status != 429):>6}"
            f" {sum(1 for h in inside if h.status == 429):>4} {len(jm):>8} {parts.head:>5.2f}"
            f" {parts.busy:>7.2f} {parts.gaps:>5.2f} {parts.tail:>5.2f}"
        )
    for text in case.errors_shown:
        print(f"  dialog: {text[:200]}")
    if case.baseline:
        b = case.baseline
        print(
            f"  per-row baseline: {b.sample} rows in {b.seconds:.1f} s (one read of the selection,"
            f" then a JobMojito call and a Sheets write per row; {b.refusals} 429s), extrapolated"
            f" linearly to {b.size:,} rows: {b.extrapolated:.0f} s; the write quota alone would"
            f" make {b.size:,} rows take at least {b.quota_bound:.0f} s"
        )


def print_trace(case: Case) -> None:
    """Every Sheets and JobMojito call of the case, in time order (seconds from the menu)."""
    events: list[tuple[float, float, str, str]] = [
        (h.start, h.end, "sheets", f"{h.method} {h.status} {_short(h.path)}")
        for h in case.function_hits
    ]
    events += [
        (h.start, h.end, "jobmojito", f"{h.method} {h.status} {h.path}")
        for h in case.jobmojito_hits
    ]
    events += [(c.start, c.end, "script", "dry run" if c.dry_run else "") for c in case.calls]
    print(f"  trace of {case.rows:,} rows, JobMojito {case.latency:g} s:")
    for start, end, who, what in sorted(events):
        print(f"    {start - case.started:7.2f} {end - case.started:7.2f} {who:<9} {what}")


def _book(path: str) -> str:
    """The spreadsheet ID of a Sheets API path (/v4/spreadsheets/{id}[:…|/…])."""
    return _short(path).split("/")[0].split(":")[0]


def _short(path: str) -> str:
    return path.split("/v4/spreadsheets/")[-1][:90]


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="rows selected")
    parser.add_argument(
        "--latencies", type=float, nargs="+", default=LATENCIES, help="JobMojito s per call"
    )
    parser.add_argument(
        "--repeat", type=int, default=REPEAT, help="runs per case; the median wall is shown"
    )
    parser.add_argument("--baseline-sample", type=int, default=BASELINE_SAMPLE)
    parser.add_argument("--trace", action="store_true", help="print every call of each case")
    parser.add_argument("--no-refresh", action="store_true", help="skip the status refresh")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the stand-ins' request lines
    node = shutil.which("node")
    if node is None:
        sys.exit("make bench needs Node 20 (node on the PATH) to run the Apps Script")
    total = time.perf_counter()
    print(
        "make bench: menu -> Apps Script (Node, Apps Script's limits) -> function"
        " (functions-framework, 60 s proxy) -> Sheets stand-in (60 reads + 60 writes a minute"
        " per user) and JobMojito stand-in"
    )
    cases: list[Case] = []
    world = BenchSandbox().start()
    try:
        world.sheets.set_token_owner(SPREADSHEETAPP_TOKEN, "spreadsheetapp", metered=False)
        for rows in args.sizes:
            for latency in args.latencies:
                print(f"  running {rows:,} rows, JobMojito {latency:g} s per batch…", flush=True)
                runs = [
                    run_case(world, node, rows, latency, attempt)
                    for attempt in range(1, args.repeat + 1)
                ]
                runs.sort(key=lambda run: run.wall)
                case = runs[(len(runs) - 1) // 2]
                case.walls = [run.wall for run in runs]
                if rows == BASELINE_SIZE:
                    sample = args.baseline_sample
                    print(f"  running the per-row baseline, {sample} rows…", flush=True)
                    case.baseline = per_row_baseline(world, rows, sample, latency)
                cases.append(case)
        refreshes: list[Refresh] = []
        if not args.no_refresh:
            print(f"  running the status refresh of {REFRESH_ROWS:,} rows…", flush=True)
            refreshes = refresh_cases(world)
    finally:
        world.stop()
    print(f"  claiming {STORE_CLAIMS:,} candidates in the Firestore emulator…", flush=True)
    store_seconds = firestore_store_seconds()
    print("  timing imports…", flush=True)
    imports = import_times()
    extra = heaviest_extra_imports()
    print_summary(cases)
    print_targets(cases, imports)
    for case in cases:
        print_details(case)
        if args.trace:
            print_trace(case)
    if refreshes:
        print_refreshes(refreshes)
    print()
    if store_seconds is None:
        print("System of record: the Firestore emulator is not installed (make test installs it).")
    else:
        print(
            f"System of record, in the Firestore emulator: {STORE_CLAIMS:,} claims of candidates"
            f" nobody holds took {store_seconds[0]:.1f} s (commits of 500 creates, 8 at once);"
            f" releasing them {store_seconds[1]:.1f} s (one read, commits of 500 deletes)."
        )
    print(
        "Import time, fresh interpreter, best of 5: import main"
        f" {imports[0] * 1000:.0f} ms; import {', '.join(BARE_IMPORTS)} {imports[1] * 1000:.0f} ms;"
        f" ratio {imports[0] / imports[1]:.2f}. Heaviest packages main adds (-X importtime, own"
        " time, one run): " + ", ".join(f"{name} {s * 1000:.0f} ms" for name, s in extra)
    )
    print(f"make bench took {time.perf_counter() - total:.0f} s")


if __name__ == "__main__":
    main()
