"""The JobMojito client over httpx.MockTransport: the body, and how each kind of failure ends."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from jobmojito_sheets import jobmojito
from jobmojito_sheets.jobmojito import (
    MAX_ATTEMPTS,
    Ambiguous,
    CredentialsRejected,
    JobMojitoClient,
    NotProcessed,
    RequestRefused,
    UserPayload,
)

BASE = "https://jm.test/functions/v1/"
TOKEN = "jm-token"
USERS = [UserPayload("Ann Lee", "ann@example.com", "A-1"), UserPayload("Bob", "bob@example.com")]
ANSWER = [{"email": "ann@example.com", "result": "ok", "interview_url": "https://x/i/1"}]

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler that answers from a script and keeps every request."""

    def __init__(self, *steps: httpx.Response | Exception) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps[min(len(self.requests), len(self.steps)) - 1]
        if isinstance(step, Exception):
            raise step
        return step

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobmojito, "MAX_RETRY_AFTER", 0.0)
    monkeypatch.setattr(jobmojito, "_backoff", lambda state: 0.0)


def _client(handler: Handler, merchant_id: str | None = None) -> JobMojitoClient:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return JobMojitoClient(BASE, TOKEN, merchant_id, http)


def _register(client: JobMojitoClient, invite_type: str = "invitation") -> list[object]:
    return client.register("iv-1", invite_type, False, USERS)


def test_request_body_headers_and_url() -> None:
    recorder = Recorder(httpx.Response(200, json=ANSWER))
    assert _register(_client(recorder)) == ANSWER
    (request,) = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == "https://jm.test/functions/v1/job-interview-register-users"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert recorder.bodies[0] == {
        "interview_id": "iv-1",
        "type": "invitation",
        "send_email": True,
        "hide_menu": False,
        "users": [
            {"name": "Ann Lee", "email": "ann@example.com", "external_id": "A-1"},
            {"name": "Bob", "email": "bob@example.com"},
        ],
    }


def test_url_type_sends_no_email_and_passes_hide_menu() -> None:
    body = _client(Recorder()).body("iv-2", "url", True, USERS[1:])
    assert (body["type"], body["send_email"], body["hide_menu"]) == ("url", False, True)
    assert "merchant_id" not in body


def test_merchant_id_only_when_configured() -> None:
    recorder = Recorder(httpx.Response(200, json=[]))
    _register(_client(recorder, merchant_id="m-7"))
    assert recorder.bodies[0]["merchant_id"] == "m-7"
    assert "merchant_id" not in _client(Recorder(), merchant_id="").body("i", "url", False, [])


def test_credentials_rejected() -> None:
    recorder = Recorder(httpx.Response(401, json={"error": "bad token"}))
    with pytest.raises(CredentialsRejected):
        _register(_client(recorder))
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("status", [403, 404, 409])
def test_403_404_409_are_refusals_with_their_status_not_credentials(status: int) -> None:
    recorder = Recorder(httpx.Response(status, json={"error": "no", "name": "interview_id"}))
    with pytest.raises(RequestRefused) as caught:
        _register(_client(recorder))
    assert caught.value.status == status and caught.value.error == "no"
    assert not isinstance(caught.value, CredentialsRejected)
    assert len(recorder.requests) == 1


def test_422_is_refused_with_error_and_name() -> None:
    answer = {"error": "Interview not found", "name": "InterviewNotFound"}
    recorder = Recorder(httpx.Response(422, json=answer))
    with pytest.raises(RequestRefused) as caught:
        _register(_client(recorder))
    assert (caught.value.error, caught.value.name) == ("Interview not found", "InterviewNotFound")
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "response", [httpx.Response(422, text="nope"), httpx.Response(422, json=[1])]
)
def test_422_without_json_object(response: httpx.Response) -> None:
    with pytest.raises(RequestRefused) as caught:
        _register(_client(Recorder(response)))
    assert (caught.value.error, caught.value.name) == ("HTTP 422", None)


@pytest.mark.parametrize("status", [429, 503])
def test_busy_is_retried_then_answered(status: int) -> None:
    recorder = Recorder(
        httpx.Response(status, headers={"Retry-After": "0"}),
        httpx.Response(status),
        httpx.Response(200, json=ANSWER),
    )
    assert _register(_client(recorder)) == ANSWER
    assert len(recorder.requests) == 3
    assert recorder.bodies[0] == recorder.bodies[2]


@pytest.mark.parametrize("status", [429, 503])
def test_busy_until_the_end_is_not_processed(status: int) -> None:
    recorder = Recorder(httpx.Response(status, headers={"Retry-After": "3600"}))
    with pytest.raises(NotProcessed):
        _register(_client(recorder))
    assert len(recorder.requests) == MAX_ATTEMPTS


@pytest.mark.parametrize("error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("no route")])
def test_connect_failure_is_retried_then_not_processed(error: Exception) -> None:
    recorder = Recorder(error)
    with pytest.raises(NotProcessed):
        _register(_client(recorder))
    assert len(recorder.requests) == MAX_ATTEMPTS


def test_connect_failure_then_answer() -> None:
    recorder = Recorder(httpx.ConnectError("refused"), httpx.Response(200, json=ANSWER))
    assert _register(_client(recorder)) == ANSWER
    assert len(recorder.requests) == 2


@pytest.mark.parametrize(
    "step",
    [
        httpx.ReadTimeout("slow"),
        httpx.WriteTimeout("slow"),
        httpx.RemoteProtocolError("dropped"),
        httpx.ReadError("reset"),
        httpx.Response(500),
        httpx.Response(502, text="Bad gateway"),
        httpx.Response(504),
        httpx.Response(201, json=ANSWER),
        httpx.Response(200, text="<html>ok</html>"),
        httpx.Response(200, text=""),
        httpx.Response(200, json={"results": ANSWER}),
        httpx.Response(200, json="ok"),
    ],
    ids=lambda step: repr(step),
)
def test_maybe_processed_is_ambiguous_and_not_retried(step: httpx.Response | Exception) -> None:
    recorder = Recorder(step, httpx.Response(200, json=ANSWER))
    with pytest.raises(Ambiguous):
        _register(_client(recorder))
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("status", [400, 405, 410])
def test_other_4xx_is_not_processed_and_not_retried(status: int) -> None:
    recorder = Recorder(httpx.Response(status), httpx.Response(200, json=ANSWER))
    with pytest.raises(NotProcessed) as caught:
        _register(_client(recorder))
    assert not isinstance(caught.value, (CredentialsRejected, RequestRefused))
    assert len(recorder.requests) == 1


def test_token_is_not_in_failure_messages() -> None:
    for step in (httpx.Response(401), httpx.Response(500), httpx.ConnectError("x")):
        with pytest.raises(jobmojito.JobMojitoFailure) as caught:
            _register(_client(Recorder(step)))
        assert TOKEN not in str(caught.value)


def test_non_finite_retry_after_falls_back_to_backoff() -> None:
    response = httpx.Response(429, headers={"Retry-After": "nan"})
    assert jobmojito._retry_after(response) is None


def test_no_retry_once_the_time_budget_is_spent() -> None:
    recorder = Recorder(httpx.Response(429), httpx.Response(200, json=ANSWER))
    client = _client(recorder)
    with pytest.raises(NotProcessed):
        client.register("iv-1", "url", False, USERS, retry_for=0.0)
    assert len(recorder.requests) == 1
