"""The real limits the stand-ins enforce, over real HTTP: the Sheets API's per-minute quotas
(per user, per project, reads and writes apart, in rolling windows, Google's 429 body), its
403 reasons, a hanging Sheets call, and Cloud Run's request timeout in front of the function.
Windows and timeouts are scaled down to seconds."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from sandbox.server import LoopbackServer
from sandbox.sheets_api import DEFAULT_PROJECT_NUMBER, QuotaLimits, SheetsStandIn
from sandbox.world import FunctionProcess, Sandbox, invite, menu_request

SID = "sheet-under-test"
OTHER_SID = "another-sheet"
ALICE = "alice@example.com"
BOB = "bob@example.com"
PROJECT = DEFAULT_PROJECT_NUMBER


@dataclass
class Api:
    """A running Sheets stand-in and a tiny client for it."""

    standin: SheetsStandIn
    server: LoopbackServer

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str = "alice-token",
        timeout: float = 10,
        **params: Any,
    ) -> httpx.Response:
        return httpx.request(
            method,
            f"{self.server.url}/v4/spreadsheets/{path}",
            json=body,
            params=params,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    def read(self, sheet: str = SID, token: str = "alice-token") -> httpx.Response:
        return self.call("GET", f"{sheet}/values/{quote('Sheet1!A1:B2', safe='')}", token=token)

    def write(self, sheet: str = SID, token: str = "alice-token") -> httpx.Response:
        body = {"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": [["x"]]}]}
        return self.call("POST", f"{sheet}/values:batchUpdate", body, token=token)


def make_api(standin: SheetsStandIn) -> Iterator[Api]:
    for sheet in (SID, OTHER_SID):
        standin.add_spreadsheet(sheet, tokens=["alice-token", "alice-laptop", "bob-token"])
        standin.add_sheet(sheet, "Sheet1", sheet_id=0, row_count=10, column_count=5)
    standin.set_token_owner("alice-token", ALICE)
    standin.set_token_owner("alice-laptop", ALICE)
    standin.set_token_owner("bob-token", BOB)
    with standin.serve() as server:
        yield Api(standin, server)


@pytest.fixture
def api() -> Iterator[Api]:
    """The stand-in with Google's own figures: 60 a minute per user, 300 per project."""
    yield from make_api(SheetsStandIn())


@pytest.fixture
def small() -> Iterator[Api]:
    """The same rules, scaled down: 3 reads and 2 writes per user, 5 of each per project."""
    limits = QuotaLimits(
        reads_per_user=3, writes_per_user=2, reads_per_project=5, writes_per_project=5
    )
    yield from make_api(SheetsStandIn(quota=limits))


def quota_body(metric: str, per_user: bool, value: int, project: str = PROJECT) -> dict[str, Any]:
    """Google's 429, as gspread's and gargle's users recorded it."""
    word = metric.split()[0]  # "Read" or "Write"
    per = "User" if per_user else "Project"
    limit = f"{metric} per minute per user" if per_user else f"{metric} per minute"
    return {
        "error": {
            "code": 429,
            "message": (
                f"Quota exceeded for quota metric '{metric}' and limit '{limit}' of service "
                f"'sheets.googleapis.com' for consumer 'project_number:{project}'."
            ),
            "status": "RESOURCE_EXHAUSTED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED",
                    "domain": "googleapis.com",
                    "metadata": {
                        "quota_metric": f"sheets.googleapis.com/{word.lower()}_requests",
                        "quota_limit": f"{word}RequestsPerMinutePer{per}",
                        "quota_limit_value": str(value),
                        "consumer": f"projects/{project}",
                        "service": "sheets.googleapis.com",
                    },
                }
            ],
        }
    }


# -- the quotas at Google's figures ------------------------------------------------------------


def test_the_61st_read_of_a_minute_gets_googles_429_and_writes_still_pass(api: Api) -> None:
    for _ in range(60):
        assert api.read().status_code == 200
    refused = api.read()
    assert refused.status_code == 429
    assert refused.json() == quota_body("Read requests", per_user=True, value=60)
    assert "Retry-After" not in refused.headers
    assert api.write().status_code == 200  # writes have their own 60
    assert api.read(token="bob-token").status_code == 200  # and so has every other user
    assert [(r.kind, r.user, r.quota_limit) for r in api.standin.quota.refusals] == [
        ("values.get", ALICE, "ReadRequestsPerMinutePerUser")
    ]
    assert api.standin.requests[60].status == 429
    assert api.standin.requests[60].user == ALICE


def test_the_61st_write_is_refused_and_changes_nothing(api: Api) -> None:
    api.standin.spend_quota(ALICE, writes=60)
    refused = api.write()
    assert refused.json() == quota_body("Write requests", per_user=True, value=60)
    assert api.standin.values(SID, "Sheet1") == []
    assert api.read().status_code == 200


def test_the_project_shares_300_among_its_users(api: Api) -> None:
    for user in ("u1", "u2", "u3", "u4", "u5"):
        api.standin.spend_quota(user, reads=60)
    refused = api.read(token="bob-token")  # Bob's own quota is untouched
    assert refused.status_code == 429
    assert refused.json() == quota_body("Read requests", per_user=False, value=300)
    assert api.standin.quota.refusals[0].quota_limit == "ReadRequestsPerMinutePerProject"
    assert api.write(token="bob-token").status_code == 200


# -- the rules, scaled down --------------------------------------------------------------------


def test_a_users_quota_spans_their_spreadsheets_and_their_tokens(small: Api) -> None:
    assert small.read(SID).status_code == 200
    assert small.read(OTHER_SID).status_code == 200
    assert small.read(SID, token="alice-laptop").status_code == 200
    refused = small.read(OTHER_SID, token="alice-laptop")
    assert refused.json() == quota_body("Read requests", per_user=True, value=3)
    assert small.read(token="bob-token").status_code == 200


def test_a_token_is_its_own_user_unless_told_otherwise(small: Api) -> None:
    small.standin.grant(SID, "anonymous-token")
    for _ in range(3):
        assert small.read(token="anonymous-token").status_code == 200
    assert small.read(token="anonymous-token").status_code == 429
    assert small.standin.requests[-1].user == "anonymous-token"
    assert small.read().status_code == 200  # Alice is someone else


def test_an_unmetered_token_is_never_counted(small: Api) -> None:
    small.standin.grant(SID, "spreadsheetapp")
    small.standin.set_token_owner("spreadsheetapp", ALICE, metered=False)
    assert all(small.read(token="spreadsheetapp").status_code == 200 for _ in range(6))
    assert small.standin.quota_used("read", user=ALICE) == 0
    for _ in range(3):
        assert small.read().status_code == 200  # Alice's own API calls still have all three
    assert small.read().status_code == 429
    small.standin.set_token_owner("spreadsheetapp", ALICE)  # metered again
    assert small.read(token="spreadsheetapp").status_code == 429


def test_the_project_quota_spans_users_and_other_projects_are_apart(small: Api) -> None:
    for token in ("alice-token", "alice-token", "alice-token", "bob-token", "bob-token"):
        assert small.read(token=token).status_code == 200
    refused = small.read(token="bob-token")  # Bob made 2 of his 3, the project 5 of 5
    assert refused.json() == quota_body("Read requests", per_user=False, value=5)
    small.standin.grant(SID, "carol-token")
    small.standin.set_token_owner("carol-token", "carol@example.com", project_number="777")
    assert small.read(token="carol-token").status_code == 200
    assert small.standin.token_project("carol-token") == "777"


def test_reads_and_writes_are_counted_apart(small: Api) -> None:
    for _ in range(3):
        assert small.read().status_code == 200
    assert small.read().status_code == 429
    assert small.write().status_code == 200
    assert small.write().status_code == 200
    refused = small.write()
    assert refused.json() == quota_body("Write requests", per_user=True, value=2)
    assert small.standin.quota_used("read", user=ALICE) == 3
    assert small.standin.quota_used("write", user=ALICE) == 2


def test_a_batch_call_counts_once(small: Api) -> None:
    ranges = ["Sheet1!A1", "Sheet1!B1", "Sheet1!C1", "Sheet1!D1"]
    assert small.call("GET", f"{SID}/values:batchGet", ranges=ranges).status_code == 200
    assert small.standin.quota_used("read", user=ALICE) == 1


def test_the_window_rolls_rather_than_refills(small: Api) -> None:
    small.standin.set_quota(window=1.6)
    started = time.monotonic()
    assert small.read().status_code == 200
    assert small.read().status_code == 200
    time.sleep(0.8)
    assert small.read().status_code == 200
    assert small.read().status_code == 429
    time.sleep(max(0.0, started + 1.8 - time.monotonic()))
    # The first two have left the window, the third is still in it: two reads, not three.
    assert small.read().status_code == 200
    assert small.read().status_code == 200
    assert small.read().status_code == 429


def test_a_refused_call_does_not_count(small: Api) -> None:
    small.standin.set_quota(window=1.0)
    started = time.monotonic()
    for _ in range(3):
        assert small.read().status_code == 200
    refused = 0
    while time.monotonic() < started + 0.8:
        assert small.read().status_code == 429
        refused += 1
        time.sleep(0.1)
    time.sleep(max(0.0, started + 1.1 - time.monotonic()))
    assert small.read().status_code == 200  # the refused calls did not fill the window
    assert refused >= 1 and len(small.standin.quota.refusals) == refused


def test_only_calls_google_would_meter_count(small: Api) -> None:
    small.standin.inject("values.get", 503, times=3)
    for _ in range(3):
        assert small.read().status_code == 503  # answered before metering
    for _ in range(3):
        assert small.read(token="never-granted").status_code == 401
    assert small.standin.quota_used("read", user=ALICE) == 0
    assert small.call("GET", "no-such-sheet").status_code == 404  # metered, then not found
    small.standin.revoke(OTHER_SID, "alice-token")
    assert small.read(OTHER_SID).status_code == 403  # metered, then refused
    assert small.standin.quota_used("read", user=ALICE) == 2


def test_an_injected_429_is_googles_body_for_the_current_limits(small: Api) -> None:
    small.standin.inject("values.batchUpdate", 429, retry_after=1)
    refused = small.write()
    assert refused.json() == quota_body("Write requests", per_user=True, value=2)
    assert refused.headers["Retry-After"] == "1"
    assert small.standin.quota.refusals == []  # injected, not metered


# -- switching off, resetting, spending --------------------------------------------------------


def test_quota_none_switches_metering_off() -> None:
    for api in make_api(SheetsStandIn(quota=None)):
        assert all(api.read().status_code == 200 for _ in range(70))
        assert api.standin.quota_used("read", user=ALICE) == 0


def test_enabled_false_lets_calls_through_and_true_restores_the_rule(small: Api) -> None:
    for _ in range(3):
        small.read()
    assert small.read().status_code == 429
    small.standin.quota.enabled = False
    assert all(small.read().status_code == 200 for _ in range(5))
    small.standin.quota.enabled = True
    assert small.read().status_code == 429


def test_reset_gives_a_fresh_window_and_forgets_the_429s(small: Api) -> None:
    for _ in range(3):
        small.read()
    assert small.read().status_code == 429
    small.standin.reset_quota()
    assert small.standin.quota.refusals == []
    for _ in range(3):
        assert small.read().status_code == 200
    assert small.read().status_code == 429


def test_quota_spent_elsewhere_leaves_less_here(small: Api) -> None:
    small.standin.spend_quota(ALICE, reads=2)
    assert small.read().status_code == 200
    assert small.read().status_code == 429
    assert small.write().status_code == 200


def test_set_quota_changes_figures_and_switches_metering_on() -> None:
    for api in make_api(SheetsStandIn(quota=None)):
        api.standin.set_quota(QuotaLimits(reads_per_user=1))
        assert api.read().status_code == 200
        assert api.read().json() == quota_body("Read requests", per_user=True, value=1)
        with pytest.raises(ValueError):
            api.standin.set_quota(window=0)


# -- 403 reasons -------------------------------------------------------------------------------


def test_service_disabled_names_the_tokens_project(api: Api) -> None:
    api.standin.set_token_owner("alice-token", ALICE, project_number="555000")
    api.standin.inject(None, 403, times=-1, reason="SERVICE_DISABLED")
    answer = api.read()
    url = "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=555000"
    message = (
        "Google Sheets API has not been used in project 555000 before or it is disabled. "
        f"Enable it by visiting {url} then retry. If you enabled this API recently, wait a few "
        "minutes for the action to propagate to our systems and retry."
    )
    assert answer.status_code == 403
    error = answer.json()["error"]
    assert (error["code"], error["message"], error["status"]) == (403, message, "PERMISSION_DENIED")
    info = error["details"][0]
    assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert (info["reason"], info["domain"]) == ("SERVICE_DISABLED", "googleapis.com")
    assert info["metadata"]["consumer"] == "projects/555000"
    assert info["metadata"]["service"] == "sheets.googleapis.com"
    assert info["metadata"]["activationUrl"] == url
    assert api.write().status_code == 403  # every call, every kind


def test_scope_insufficient_names_the_method(api: Api) -> None:
    api.standin.inject("values.batchUpdate", 403, reason="ACCESS_TOKEN_SCOPE_INSUFFICIENT")
    assert api.read().status_code == 200  # the read-only scope still reads
    assert api.write().json() == {
        "error": {
            "code": 403,
            "message": "Request had insufficient authentication scopes.",
            "status": "PERMISSION_DENIED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                    "domain": "googleapis.com",
                    "metadata": {
                        "service": "sheets.googleapis.com",
                        "method": "google.apps.sheets.v4.SpreadsheetsService.BatchUpdateValues",
                    },
                }
            ],
        }
    }
    assert api.standin.values(SID, "Sheet1") == []


def test_a_403_without_reason_is_plain_no_access(api: Api) -> None:
    api.standin.inject("values.get", 403)
    injected = api.read().json()
    api.standin.revoke(SID, "alice-token")
    real = api.read().json()
    assert (
        injected
        == real
        == {
            "error": {
                "code": 403,
                "message": "The caller does not have permission",
                "status": "PERMISSION_DENIED",
            }
        }
    )


@pytest.mark.parametrize(("status", "reason"), [(500, "SERVICE_DISABLED"), (403, "NOPE")])
def test_a_reason_belongs_to_a_403_the_stand_in_knows(api: Api, status: int, reason: str) -> None:
    with pytest.raises(ValueError):
        api.standin.inject(None, status, reason=reason)


# -- a hanging call ----------------------------------------------------------------------------


def test_a_delayed_write_hangs_then_lands(api: Api) -> None:
    api.standin.inject_delay("values.batchUpdate", seconds=1.5)
    started = time.monotonic()
    assert api.read().status_code == 200  # other kinds are not held
    assert time.monotonic() - started < 1.0
    late = {"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": [["late"]]}]}
    with pytest.raises(httpx.ReadTimeout):
        api.call("POST", f"{SID}/values:batchUpdate", late, timeout=0.5)
    assert api.standin.values(SID, "Sheet1") == []  # still hanging
    deadline = time.monotonic() + 5
    while api.standin.values(SID, "Sheet1") == [] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert api.standin.values(SID, "Sheet1") == [["late"]]
    assert time.monotonic() - started >= 1.5
    quick = time.monotonic()
    assert api.write().status_code == 200  # times=1: the next one is not held
    assert time.monotonic() - quick < 1.0


def test_a_delay_can_skip_calls_and_hold_several(api: Api) -> None:
    api.standin.inject_delay("values.get", seconds=0.4, times=2, after=1)
    durations = []
    for _ in range(4):
        started = time.monotonic()
        assert api.read().status_code == 200
        durations.append(time.monotonic() - started)
    assert [d >= 0.4 for d in durations] == [False, True, True, False]
    api.standin.inject_delay(None, seconds=0.4, times=-1)
    api.standin.clear_faults()
    started = time.monotonic()
    api.write()
    assert time.monotonic() - started < 0.4


# -- Cloud Run's request timeout in front of the function ---------------------------------------


@pytest.fixture(scope="module")
def world() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


def settle(world: Sandbox, spreadsheet_id: str, quiet: float = 1.0, limit: float = 20.0) -> None:
    """Wait until the function has stopped calling Sheets on this spreadsheet for a while."""
    deadline = time.monotonic() + limit
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = sum(1 for r in world.sheets.requests if spreadsheet_id in r.path)
        if count != seen:
            seen, since = count, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.1)


@pytest.fixture(scope="module")
def short_timeout(world: Sandbox) -> Iterator[FunctionProcess]:
    """The function behind a 2.5-second request timeout instead of the deploy's 60 (a first
    request to a new process must fit in it even on a busy machine)."""
    with FunctionProcess(world.function_env(), request_timeout=2.5) as process:
        yield process


def test_the_harness_defaults_to_the_deploys_60_seconds(world: Sandbox) -> None:
    assert FunctionProcess(world.function_env()).request_timeout == 60.0


def test_a_request_past_the_timeout_gets_504_and_the_work_goes_on(
    world: Sandbox, short_timeout: FunctionProcess
) -> None:
    world.seed(spreadsheet_id="1CutByTheTimeout")
    world.jobmojito.reset()
    world.jobmojito.latency = 6.0
    body = menu_request(["A2:B13"], spreadsheet_id="1CutByTheTimeout")
    try:
        started = time.monotonic()
        answer = invite(short_timeout.url, body, id_token=world.id_token())
        elapsed = time.monotonic() - started
        assert answer.status_code == 504
        assert answer.text == "upstream request timeout"
        assert answer.headers["content-type"].startswith("text/plain")
        assert 2.5 <= elapsed < 5.0  # cut at the timeout, not when the function answered
        assert short_timeout.timeouts == 1
        deadline = time.monotonic() + 20
        while not world.jobmojito.calls and time.monotonic() < deadline:
            time.sleep(0.1)
        assert world.jobmojito.calls  # the function kept working after its caller was cut
        settle(world, "1CutByTheTimeout")
        assert short_timeout.timeouts == 1  # and nobody heard its answer
    finally:
        world.jobmojito.latency = 0.0


def test_a_request_within_the_timeout_passes_unchanged(
    world: Sandbox, short_timeout: FunctionProcess
) -> None:
    direct = httpx.get(short_timeout.function_url, timeout=5)
    proxied = httpx.get(short_timeout.url, timeout=5)
    assert proxied.status_code == direct.status_code == 405
    assert proxied.content == direct.content
    assert proxied.headers["content-type"] == direct.headers["content-type"]
    # Candidates of its own: the function's system of record remembers the ones other tests
    # of this module registered, and would find nothing new to send among them.
    people = [["Name", "Email"]] + [[f"Within {i}", f"within{i}@example.com"] for i in range(8)]
    world.seed(people, spreadsheet_id="1WithinTheTimeout")
    body = menu_request(["A2:B9"], spreadsheet_id="1WithinTheTimeout", dry_run=True)
    answer = invite(short_timeout.url, body, id_token=world.id_token())
    assert answer.status_code == 200, answer.text
    assert answer.json()["summary"]["sent"] == 8
