"""Test connection and credits before sending, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from sandbox.jobmojito_api import Balance, Fault
from sandbox.world import JOBMOJITO_TOKEN, RECRUITER, FunctionProcess, Sandbox, invite
from tests.integration.conftest import SheetUnderTest

NewSheet = Callable[..., SheetUnderTest]
PEOPLE = [["Name", "Email"]] + [[f"Candidate {i}", f"credit{i}@example.com"] for i in range(6)]
UNKNOWN_INTERVIEW = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(autouse=True)
def _balance(world: Sandbox) -> Iterator[None]:
    world.jobmojito.balance = Balance(invitations_limit=200, invitations_sent=197)
    world.jobmojito.reset()
    yield
    world.jobmojito.balance = Balance()
    world.jobmojito.reset()
    world.jobmojito.forbidden_tokens.discard(JOBMOJITO_TOKEN)


def _check(function: FunctionProcess, sheet: SheetUnderTest, **fields: Any) -> dict[str, Any]:
    body = {"spreadsheet_id": sheet.spreadsheet_id, "sheet_id": 0, "action": "check"}
    body["interview_id"] = fields.pop("interview_id", sheet.body(["2:2"])["interview_id"])
    response = invite(function.url, {**body, **fields}, id_token=sheet.world.id_token())
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_a_check_says_each_link_of_the_chain(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(PEOPLE)
    answer = _check(function, sheet)
    names = [c["name"] for c in answer["checks"]]
    assert names == ["function", "caller", "sheets", "jobmojito", "interview", "credits"]
    assert all(c["ok"] for c in answer["checks"][:5]), answer
    assert RECRUITER in answer["checks"][1]["message"]
    assert answer["credits"]["invitations_available"] == 3
    assert "3 invitations left this period (of 200)" in answer["checks"][5]["message"]
    assert world.jobmojito.credits == []  # a check spends nothing


def test_a_broken_link_names_its_fix(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(PEOPLE)
    unknown = _check(function, sheet, interview_id=UNKNOWN_INTERVIEW)
    interview = next(c for c in unknown["checks"] if c["name"] == "interview")
    assert not interview["ok"] and "Settings" in interview["message"]
    world.jobmojito.forbidden_tokens.add(JOBMOJITO_TOKEN)
    refused = _check(function, sheet)
    jobmojito = next(c for c in refused["checks"] if c["name"] == "jobmojito")
    assert not jobmojito["ok"] and "JobMojito API key" in jobmojito["message"]
    assert refused["credits"] is None


def test_an_unknown_action_is_400_naming_the_field(
    function: FunctionProcess, new_sheet: NewSheet
) -> None:
    sheet = new_sheet(PEOPLE)
    response = sheet.call(function, ["2:3"], action="delete")
    assert response.status_code == 400 and "'action'" in response.json()["error"]["message"]


def test_the_preview_carries_the_credits(function: FunctionProcess, new_sheet: NewSheet) -> None:
    sheet = new_sheet(PEOPLE)
    answer = sheet.call(function, ["2:7"], dry_run=True).json()
    assert answer["credits"] == {
        "invitations_available": 3,
        "invitations_limit": 200,
        "credits_interview_monthly": 100,
        "credits_interview_extra": 0,
    }


def test_a_run_over_the_balance_is_refused_and_changes_nothing(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(PEOPLE)
    before = sheet.values()
    response: httpx.Response = sheet.call(function, ["2:7"])
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "not_enough_invitations"
    assert "6 candidates" in error["message"] and "only 3 invitations" in error["message"]
    assert sheet.values() == before and world.jobmojito.credits == []
    assert sheet.call(function, ["2:4"]).status_code == 200  # three fit


def test_an_unreadable_balance_lets_the_run_go_on(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(PEOPLE)
    world.jobmojito.balance = Balance()  # unlimited
    world.jobmojito.reset()
    world.jobmojito.inject(Fault.status(500).only("/merchant-status"))
    answer = sheet.call(function, ["2:3"], dry_run=True).json()
    assert answer["credits"] is None and answer["summary"]["sent"] == 2
