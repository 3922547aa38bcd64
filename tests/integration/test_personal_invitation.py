"""Personal invitations (`/invite-users`), test mode and the languages list, through the real
function and the stand-ins over HTTP. Credits and calls are counted from the JobMojito
stand-in's own records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sandbox.jobmojito_api import INVITE_PATH, LANGUAGES_PATH, REGISTER_PATH, Fault
from sandbox.world import (
    INTERVIEW_ID,
    JOBMOJITO_TOKEN,
    MERCHANT_ID,
    OUTSIDER,
    OUTSIDER_TOKEN,
    FunctionProcess,
    Sandbox,
    free_port,
    invite,
)
from tests.integration.conftest import ONE_AT_A_TIME, SheetUnderTest, answer_of, cell

NewSheet = Callable[..., SheetUnderTest]
URL, RESULT, PROFILE = 4, 5, 6  # columns E, F and (created) G
HEADER = ["Name", "Email", "Candidate ID", "Notes", "Interview URL", "Result"]
OTHER_INTERVIEW = "11111111-2222-4333-8444-555555555555"
PERSONAL = {
    "type": "personal_invitation",
    "message_from_recruiter": "We enjoyed your CV; here is your interview.",
    "mojito_language_code": "fr",
}
INVITED = "Invited: JobMojito emailed the invitation"
ACTIVATED = "Activated: JobMojito emailed the invitation (the candidate already had a profile)"
ALREADY_INVITED = "Skipped: already invited; JobMojito sent nothing"


pytestmark = pytest.mark.usefixtures("stand_ins_cleaned")


def statuses(answer: dict[str, Any]) -> dict[int, str]:
    return {r["row"]: r["status"] for r in answer["rows"]}


def jobmojito_post(world: Sandbox, path: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """What another JobMojito user did before the run, straight to the stand-in."""
    response = httpx.post(
        world.servers["jobmojito"].url + path,
        json={**body, "merchant_id": MERCHANT_ID},
        headers={"Authorization": f"Bearer {JOBMOJITO_TOKEN}"},
    )
    assert response.status_code == 200, response.text
    answer: list[dict[str, Any]] = response.json()
    return answer


def people() -> list[list[str]]:
    return [
        HEADER,
        ["Ann New", "ann@example.com", "C-1", ""],  # 2: a new profile -> Invited
        ["Bob Known", "bob@example.com", "C-2", ""],  # 3: a profile JobMojito has -> Activated
        ["Cy Enrolled", "cy@example.com", "C-3", ""],  # 4: already has this interview -> Skipped
        ["Dee Refused", "dee@example.com", "C-4", ""],  # 5: JobMojito's Error: ...
        ["Eve Done", "eve@example.com", "C-5", "", "https://i/earlier", "ok"],  # 6: registered
    ]


def arrange_jobmojito(world: Sandbox) -> None:
    world.jobmojito.add_interview(OTHER_INTERVIEW)
    user = {"type": "candidate", "interview_id": OTHER_INTERVIEW}
    jobmojito_post(world, INVITE_PATH, {"users": [{**user, "email": "bob@example.com"}]})
    jobmojito_post(
        world,
        REGISTER_PATH,
        {"interview_id": INTERVIEW_ID, "users": [{"name": "Cy", "email": "cy@example.com"}]},
    )
    world.jobmojito.reject_email("dee@example.com", "Error: Candidate blocked by merchant")
    world.jobmojito.calls.clear()


def invite_credits(world: Sandbox) -> list[str]:
    return sorted(
        c.email
        for c in world.jobmojito.credits
        if c.endpoint == INVITE_PATH and c.interview_id == INTERVIEW_ID
    )


def test_a_personal_invitation_writes_jobmojitos_answer_and_no_link_and_spends_once(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(people())
    arrange_jobmojito(world)
    answer = answer_of(sheet.call(function, ["A2:B6"], **PERSONAL))
    assert statuses(answer) == {
        2: "invited", 3: "activated", 4: "already_invited", 5: "error", 6: "registered",
    }  # fmt: skip
    summary = answer["summary"]
    assert (summary["sent"], summary["ok"], summary["skipped"], summary["errors"]) == (4, 2, 2, 1)
    values = sheet.values()
    assert [cell(values, r, RESULT) for r in (2, 3, 4, 5)] == [
        INVITED, ACTIVATED, ALREADY_INVITED, "Error: Candidate blocked by merchant",
    ]  # fmt: skip
    assert [cell(values, r, URL) for r in (2, 3, 4, 5)] == ["", "", "", ""]  # no link
    assert all("interview_url" not in r for r in answer["rows"] if r["row"] != 6)
    assert answer["columns"]["profile_interview_id"] == "G"
    profiles = {e["candidate_email"]: e["profile_interview_id"] for e in world.jobmojito.results()}
    for row, email in ((2, "ann@example.com"), (4, "cy@example.com")):
        assert cell(values, row, PROFILE) == profiles[email] != ""
    assert values[5][:6] == people()[5]  # the registered row is untouched
    # The body JobMojito got: every candidate of this interview, with message and language.
    (call,) = world.jobmojito.calls
    assert call.endpoint == INVITE_PATH
    assert call.json["message_from_recruiter"] == PERSONAL["message_from_recruiter"]
    assert call.json["mojito_language_code"] == "fr"
    assert {(u["type"], u["interview_id"]) for u in call.json["users"]} == {
        ("candidate", INTERVIEW_ID)
    }
    assert sorted(u["email"] for u in call.json["users"]) == [
        "ann@example.com", "bob@example.com", "cy@example.com", "dee@example.com",
    ]  # fmt: skip
    # One credit each for the new invitations; the skipped and refused ones cost nothing.
    assert invite_credits(world) == ["ann@example.com", "bob@example.com"]

    again = answer_of(sheet.call(function, ["A2:B6"], **PERSONAL))
    assert {r: again_status for r, again_status in statuses(again).items() if r != 5} == {
        2: "registered", 3: "registered", 4: "registered", 6: "registered",
    }  # fmt: skip
    assert [u["email"] for c in world.jobmojito.calls[1:] for u in c.json["users"]] == [
        "dee@example.com"  # only the row JobMojito refused may be sent again
    ]
    assert invite_credits(world) == ["ann@example.com", "bob@example.com"]
    # A link run of the same candidates leaves them alone too.
    links = answer_of(sheet.call(function, ["A2:B4"]))
    assert set(statuses(links).values()) == {"registered"}
    assert len(world.jobmojito.calls) == 2


def test_the_system_of_record_keeps_a_personal_invitation_across_spreadsheets(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    first = new_sheet([HEADER, ["Ann", "ann@example.com"]])
    answer_of(first.call(function, ["A2:B2"], **PERSONAL))
    other = new_sheet([HEADER, ["Ann", "ANN@example.com"]])
    again = answer_of(other.call(function, ["A2:B2"], **PERSONAL))
    # Registered with no link kept: left alone, nothing sent.
    assert statuses(again) == {2: "registered"}
    assert len(world.jobmojito.calls) == 1
    assert invite_credits(world) == ["ann@example.com"]


def test_a_personal_invitation_preview_says_would_send_and_sends_nothing(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(people())
    before = sheet.values()
    answer = answer_of(sheet.call(function, ["A2:B6"], dry_run=True, **PERSONAL))
    assert statuses(answer) == {
        2: "would_send", 3: "would_send", 4: "would_send", 5: "would_send", 6: "registered",
    }  # fmt: skip
    assert {r["result"] for r in answer["rows"] if r["status"] == "would_send"} == {"Would send"}
    assert answer["summary"]["sent"] == 4 and answer["dry_run"] is True
    assert world.jobmojito.calls == [] and world.jobmojito.credits == []
    assert sheet.values() == before


def test_an_ambiguous_invitation_leaves_rows_pending_and_a_later_run_does_not_resend_them(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(**ONE_AT_A_TIME)
    sheet = new_sheet(people())
    world.jobmojito.inject(Fault.status(500))
    answer = answer_of(sheet.call(function, ["A2:B3"], **PERSONAL))
    assert statuses(answer) == {2: "pending", 3: "pending"}
    assert cell(sheet.values(), 2, RESULT).startswith("Pending (run ")
    again = answer_of(sheet.call(function, ["A2:B3"], **PERSONAL))
    assert statuses(again) == {2: "interrupted", 3: "interrupted"}
    assert len(world.jobmojito.calls) == 1


def test_an_invitation_answer_missing_a_row_leaves_it_pending(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(**ONE_AT_A_TIME)
    sheet = new_sheet(people())
    world.jobmojito.inject(Fault.shorter(1))
    answer = answer_of(sheet.call(function, ["A2:B3"], **PERSONAL))
    assert statuses(answer) == {2: "invited", 3: "pending"}
    assert cell(sheet.values(), 3, RESULT).startswith("Pending (run ")


def test_a_reordered_invitation_answer_reaches_each_row_by_email(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet(people())
    arrange_jobmojito(world)
    world.jobmojito.inject(Fault.reorder())
    answer = answer_of(sheet.call(function, ["A2:B5"], **PERSONAL))
    assert statuses(answer) == {2: "invited", 3: "activated", 4: "already_invited", 5: "error"}


@pytest.mark.parametrize(
    ("status", "answered"),
    [(401, 502), (403, 403), (404, 404), (409, 409), (422, 422), (429, 502)],
)
def test_an_invitation_jobmojito_did_not_process_gets_back_exactly_what_it_held(
    start_function: Callable[..., FunctionProcess],
    new_sheet: NewSheet,
    world: Sandbox,
    status: int,
    answered: int,
) -> None:
    function = start_function(**ONE_AT_A_TIME)
    sheet = new_sheet(
        [HEADER, ["Ann", "ann@example.com", "C-1", "", "", "Error: earlier typo"],
         ["Bob", "bob@example.com", "C-2", "", "", ""]]
    )  # fmt: skip
    before = sheet.values()
    world.jobmojito.inject(Fault.status(status, times=10))
    response = sheet.call(function, ["A2:B3"], **PERSONAL)
    assert response.status_code == answered, response.text
    assert sheet.values()[1:] == before[1:]
    assert world.jobmojito.credits == []
    assert {c.endpoint for c in world.jobmojito.calls} == {INVITE_PATH}


def test_personal_invitations_over_the_invitations_left_are_refused_before_anything(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    from sandbox.jobmojito_api import Balance

    world.jobmojito.balance = Balance(invitations_limit=10, invitations_sent=9)
    try:
        sheet = new_sheet(people())
        before = sheet.values()
        response = sheet.call(function, ["A2:B5"], **PERSONAL)
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "not_enough_invitations"
        assert world.jobmojito.calls == [] and sheet.values() == before
    finally:
        world.jobmojito.balance = Balance()
        world.jobmojito.reset()


# --- test mode ---------------------------------------------------------------------------


def test_test_mode_passes_is_test_and_writes_ok_test(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    sheet = new_sheet([HEADER, ["Ann", "ann@example.com"], ["Bob", "bob@example.com"]])
    answer = answer_of(sheet.call(function, ["A2:B3"], is_test=True))
    assert answer["is_test"] is True
    assert statuses(answer) == {2: "ok", 3: "ok"}
    assert {r["result"] for r in answer["rows"]} == {"ok (test)"}
    assert answer["summary"]["ok"] == 2
    (call,) = world.jobmojito.calls
    assert call.endpoint == REGISTER_PATH and call.json["is_test"] is True
    values = sheet.values()
    assert [cell(values, r, RESULT) for r in (2, 3)] == ["ok (test)", "ok (test)"]
    assert all(cell(values, r, URL).startswith("https://") for r in (2, 3))
    assert {e["is_test"] for e in world.jobmojito.results()} == {True}
    # `ok (test)` reads back as registered: a real run leaves the rows alone unless forced.
    real = answer_of(sheet.call(function, ["A2:B3"]))
    assert statuses(real) == {2: "registered", 3: "registered"} and "is_test" not in real
    assert len(world.jobmojito.calls) == 1
    forced = answer_of(sheet.call(function, ["A2:B2"], force=True))
    assert forced["rows"][0]["result"] == "ok" and forced["rows"][0]["status"] == "ok"
    assert "is_test" not in world.jobmojito.calls[-1].json
    assert cell(sheet.values(), 2, URL) == forced["rows"][0]["interview_url"]
    assert cell(sheet.values(), 2, URL) != cell(values, 2, URL)


def test_a_real_run_never_recovers_a_test_registration_from_the_system_of_record(
    function: FunctionProcess, new_sheet: NewSheet, world: Sandbox
) -> None:
    tested = new_sheet([HEADER, ["Ann", "ann@example.com"]])
    test_link = answer_of(tested.call(function, ["A2:B2"], is_test=True))["rows"][0]
    assert test_link["result"] == "ok (test)"
    # Another spreadsheet lists the same candidate; the Sheet cannot tell, only the record can.
    real = new_sheet([HEADER, ["Ann", "Ann@Example.com"]])
    row = answer_of(real.call(function, ["A2:B2"]))["rows"][0]
    assert (row["status"], row["result"]) == ("ok", "ok")  # sent for real, not `recovered`
    assert row["interview_url"] != test_link["interview_url"]
    assert [c.json.get("is_test") for c in world.jobmojito.calls] == [True, None]
    # A second test run elsewhere finds the test record: recovered, as a test.
    retest = new_sheet([HEADER, ["Ann", "ann@example.com"]])
    again = answer_of(retest.call(function, ["A2:B2"], is_test=True))["rows"][0]
    assert (again["status"], again["result"]) == ("recovered", "ok (test)")
    assert again["interview_url"] == test_link["interview_url"]
    assert len(world.jobmojito.calls) == 2


def test_a_pending_row_of_a_test_run_is_not_recovered_by_a_real_run(
    start_function: Callable[..., FunctionProcess], new_sheet: NewSheet, world: Sandbox
) -> None:
    function = start_function(**ONE_AT_A_TIME)
    sheet = new_sheet([HEADER, ["Ann", "ann@example.com"]])
    # The marker lands; the result never does (the answer says `written: false`, and this
    # caller does not write it): the row stays pending, its test link kept only in the record.
    world.sheets.inject("values.batchUpdate", 500, times=-1, retry_after=0, after=1)
    tested = answer_of(sheet.call(function, ["A2:B2"], is_test=True))["rows"][0]
    assert tested["written"] is False and tested["result"] == "ok (test)"
    world.sheets.clear_faults()
    assert cell(sheet.values(), 2, RESULT).startswith("Pending (run ")
    real = answer_of(sheet.call(function, ["A2:B2"]))["rows"][0]
    assert real["status"] == "interrupted" and "interview_url" not in real
    assert cell(sheet.values(), 2, URL) == ""
    retest = answer_of(sheet.call(function, ["A2:B2"], is_test=True))["rows"][0]
    assert (retest["status"], retest["result"]) == ("recovered", "ok (test)")
    assert cell(sheet.values(), 2, URL) == tested["interview_url"]
    assert len(world.jobmojito.calls) == 1


# --- languages ---------------------------------------------------------------------------


def _languages(
    function: FunctionProcess, world: Sandbox, email: str | None = None, **kwargs: Any
) -> httpx.Response:
    id_token = world.id_token() if email is None else world.id_token(email)
    return invite(function.url, {"action": "languages"}, id_token=id_token, **kwargs)


def test_languages_are_answered_from_jobmojito_without_any_sheets_call(
    function: FunctionProcess, world: Sandbox
) -> None:
    sheets_calls, reads = len(world.sheets.requests), len(world.jobmojito.reads)
    response = _languages(function, world)
    assert response.status_code == 200, response.text
    listed = response.json()["languages"]
    assert {"code": "en", "name": "English", "local_name": "English"} in listed
    assert [entry["name"] for entry in listed] == sorted(entry["name"] for entry in listed)
    assert all(set(entry) == {"code", "name", "local_name"} for entry in listed)
    assert len(world.sheets.requests) == sheets_calls
    assert [r.endpoint for r in world.jobmojito.reads[reads:]] == [LANGUAGES_PATH]


def test_languages_check_the_caller_as_any_call(function: FunctionProcess, world: Sandbox) -> None:
    outsider = _languages(function, world, OUTSIDER, access_token=OUTSIDER_TOKEN)
    assert outsider.status_code == 403 and outsider.json()["error"]["code"] == "user_not_allowed"
    borrowed = _languages(function, world, access_token=OUTSIDER_TOKEN)
    assert borrowed.status_code == 403 and borrowed.json()["error"]["code"] == "token_mismatch"
    unsigned = invite(function.url, {"action": "languages"}, id_token=None)
    assert unsigned.status_code == 401


@pytest.mark.parametrize(
    ("env", "code"),
    [
        ({"JOBMOJITO_API_TOKEN": "revoked-key"}, "jobmojito_credentials_rejected"),
        ({"JOBMOJITO_API_URL": "http://127.0.0.1:{port}"}, "jobmojito_unreachable"),
    ],
)
def test_languages_jobmojito_refuses_or_cannot_give_are_answered_plainly(
    start_function: Callable[..., FunctionProcess], world: Sandbox, env: dict[str, str], code: str
) -> None:
    function = start_function(**{k: v.format(port=free_port()) for k, v in env.items()})
    response = _languages(function, world)
    assert response.status_code == 502, response.text
    error = response.json()["error"]
    assert error["code"] == code and "revoked-key" not in error["message"]
    assert "Traceback" not in response.text
