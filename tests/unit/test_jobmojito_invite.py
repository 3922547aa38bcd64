"""The JobMojito client's personal invitation (`/invite-users`), test mode and languages, over
httpx.MockTransport: the bodies, and that `invite` ends every way exactly as `register` does."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from jobmojito_sheets import jobmojito
from jobmojito_sheets.deadline import Deadline
from jobmojito_sheets.errors import InviteError
from jobmojito_sheets.jobmojito import (
    MAX_ATTEMPTS,
    Ambiguous,
    CredentialsRejected,
    JobMojitoClient,
    JobMojitoFailure,
    NotProcessed,
    RequestRefused,
    UserPayload,
)
from jobmojito_sheets.languages import language_error, language_list, languages

from tests.unit.test_jobmojito_client import BASE, TOKEN, USERS, Recorder

INTERVIEW = "04e09fa5-3fb8-4236-b37d-fca2bcd1cb66"
INVITED = [{"email": "ann@example.com", "result": "Invited", "profile_interview_id": "pi"}]


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobmojito, "MAX_RETRY_AFTER", 0.0)
    monkeypatch.setattr(jobmojito, "_backoff", lambda state: 0.0)


def _client(recorder: Recorder, merchant_id: str | None = None) -> JobMojitoClient:
    return JobMojitoClient(
        BASE, TOKEN, merchant_id, httpx.Client(transport=httpx.MockTransport(recorder))
    )


def test_the_invitation_goes_to_invite_users_each_user_a_candidate_of_the_interview() -> None:
    recorder = Recorder(httpx.Response(200, json=INVITED))
    client = _client(recorder, merchant_id="m-7")
    answer = client.invite(INTERVIEW, USERS, message="Hello from Acme", language="fr")
    assert answer == INVITED
    (request,) = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == "https://jm.test/functions/v1/invite-users"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert recorder.bodies[0] == {
        "users": [
            {"name": "Ann Lee", "email": "ann@example.com", "type": "candidate",
             "interview_id": INTERVIEW},
            {"name": "Bob", "email": "bob@example.com", "type": "candidate",
             "interview_id": INTERVIEW},
        ],
        "message_from_recruiter": "Hello from Acme",
        "mojito_language_code": "fr",
        "merchant_id": "m-7",
    }  # fmt: skip


def test_the_invitation_sends_only_the_fields_given() -> None:
    body = _client(Recorder()).invite_body(INTERVIEW, USERS[1:])
    assert body == {
        "users": [
            {"name": "Bob", "email": "bob@example.com", "type": "candidate",
             "interview_id": INTERVIEW}
        ]
    }  # fmt: skip
    assert "message_from_recruiter" not in _client(Recorder()).invite_body(
        INTERVIEW, USERS, message=""
    )


def test_is_test_is_in_the_registration_body_only_when_true() -> None:
    client = _client(Recorder())
    assert client.body(INTERVIEW, "url", False, USERS, is_test=True)["is_test"] is True
    assert "is_test" not in client.body(INTERVIEW, "url", False, USERS)
    assert "is_test" not in client.body(INTERVIEW, "url", False, USERS, is_test=False)
    recorder = Recorder(httpx.Response(200, json=[]))
    _client(recorder).register(INTERVIEW, "invitation", False, USERS, is_test=True)
    assert recorder.bodies[0]["is_test"] is True


def _register(client: JobMojitoClient) -> list[object]:
    return client.register(INTERVIEW, "url", False, USERS)


def _invite(client: JobMojitoClient) -> list[object]:
    return client.invite(INTERVIEW, USERS, message="hi")


Steps = tuple[httpx.Response | Exception, ...]
# Each way a spending call can end: the steps JobMojito answers, what the call ends with, and
# how many requests it took (retries only where nothing was processed).
ENDINGS: list[tuple[str, Steps, type[JobMojitoFailure] | None, int]] = [
    ("answer", (httpx.Response(200, json=INVITED),), None, 1),
    ("401", (httpx.Response(401),), CredentialsRejected, 1),
    ("403", (httpx.Response(403, json={"error": "no"}),), RequestRefused, 1),
    ("404", (httpx.Response(404, json={"error": "no"}),), RequestRefused, 1),
    ("409", (httpx.Response(409),), RequestRefused, 1),
    ("422", (httpx.Response(422, json={"error": "bad", "name": "users"}),), RequestRefused, 1),
    ("429 then answer", (httpx.Response(429), httpx.Response(200, json=INVITED)), None, 2),
    ("503 until the end", (httpx.Response(503),), NotProcessed, MAX_ATTEMPTS),
    ("refused connection", (httpx.ConnectError("refused"),), NotProcessed, MAX_ATTEMPTS),
    ("connect timeout then answer",
     (httpx.ConnectTimeout("x"), httpx.Response(200, json=INVITED)), None, 2),
    ("400", (httpx.Response(400), httpx.Response(200, json=INVITED)), NotProcessed, 1),
    ("500", (httpx.Response(500), httpx.Response(200, json=INVITED)), Ambiguous, 1),
    ("502", (httpx.Response(502),), Ambiguous, 1),
    ("read timeout", (httpx.ReadTimeout("slow"),), Ambiguous, 1),
    ("dropped", (httpx.RemoteProtocolError("dropped"),), Ambiguous, 1),
    ("not JSON", (httpx.Response(200, text="<html>"),), Ambiguous, 1),
    ("not a list", (httpx.Response(200, json={"users": INVITED}),), Ambiguous, 1),
    ("201", (httpx.Response(201, json=INVITED),), Ambiguous, 1),
]  # fmt: skip


@pytest.mark.parametrize(
    ("steps", "ends", "requests"),
    [case[1:] for case in ENDINGS],
    ids=[case[0] for case in ENDINGS],
)
@pytest.mark.parametrize("send", [_register, _invite], ids=["register", "invite"])
def test_the_invitation_ends_every_way_exactly_as_the_registration(
    send: Callable[[JobMojitoClient], list[object]],
    steps: Steps,
    ends: type[JobMojitoFailure] | None,
    requests: int,
) -> None:
    recorder = Recorder(*steps)
    if ends is None:
        assert send(_client(recorder)) == INVITED
    else:
        with pytest.raises(ends) as caught:
            send(_client(recorder))
        if ends is NotProcessed:
            assert not isinstance(caught.value, (CredentialsRejected, RequestRefused))
        assert TOKEN not in str(caught.value)
    assert len(recorder.requests) == requests
    assert all(body == recorder.bodies[0] for body in recorder.bodies)  # the same, retried


def test_a_refused_invitation_keeps_jobmojitos_status_error_and_field() -> None:
    recorder = Recorder(httpx.Response(422, json={"error": "bad", "name": "users"}))
    with pytest.raises(RequestRefused) as caught:
        _invite(_client(recorder))
    assert (caught.value.status, caught.value.error, caught.value.name) == (422, "bad", "users")


def test_no_invitation_is_retried_once_the_time_budget_is_spent() -> None:
    recorder = Recorder(httpx.Response(429), httpx.Response(200, json=INVITED))
    with pytest.raises(NotProcessed):
        _client(recorder).invite(INTERVIEW, USERS, retry_for=0.0)
    assert len(recorder.requests) == 1


# --- languages -----------------------------------------------------------------------------

FRENCH = {"code": "fr", "name_english": "French", "name_local": "Français", "flag_emoji": "x"}
ENGLISH = {"code": "en", "name_english": "English", "name_local": "English", "accents": []}


def test_the_language_list_keeps_code_and_names_sorted_by_english_name() -> None:
    answer = {"languages": [FRENCH, {"name_english": "No code"}, ENGLISH, "junk", {"code": "xx"}]}
    assert language_list(answer) == [
        {"code": "en", "name": "English", "local_name": "English"},
        {"code": "fr", "name": "French", "local_name": "Français"},
        {"code": "xx", "name": "xx", "local_name": "xx"},
    ]
    assert language_list({}) == [] and language_list({"languages": "x"}) == []


def test_languages_are_read_with_one_get() -> None:
    recorder = Recorder(httpx.Response(200, json={"languages": [FRENCH, ENGLISH]}))
    answer = languages(_client(recorder), Deadline.after(30.0))
    assert [language["code"] for language in answer["languages"]] == ["en", "fr"]
    (request,) = recorder.requests
    assert request.method == "GET"
    assert str(request.url) == "https://jm.test/functions/v1/platform-languages-list"


@pytest.mark.parametrize(
    ("step", "code"),
    [
        (httpx.Response(401), "jobmojito_credentials_rejected"),
        (httpx.Response(403, json={"error": "role"}), "jobmojito_forbidden"),
        (httpx.Response(500), "jobmojito_unreachable"),
        (httpx.Response(200, text="nope"), "jobmojito_unreachable"),
        (httpx.ConnectError("refused"), "jobmojito_unreachable"),
    ],
)
def test_languages_jobmojito_refuses_or_cannot_give_are_the_runs_errors(
    step: httpx.Response | Exception, code: str
) -> None:
    with pytest.raises(InviteError) as caught:
        languages(_client(Recorder(step)), Deadline.after(30.0))
    assert caught.value.code == code
    assert TOKEN not in caught.value.message and caught.value.message.endswith(".")
    assert language_error(NotProcessed("x")).code == "jobmojito_unreachable"


def test_users_for_the_invitation_carry_no_external_id() -> None:
    body = _client(Recorder()).invite_body(INTERVIEW, [UserPayload("A", "a@x.com", "C-1")])
    assert "external_id" not in body["users"][0]
