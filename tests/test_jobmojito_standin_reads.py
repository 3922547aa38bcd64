"""The JobMojito stand-in's read endpoints over real HTTP: merchant-status, job-interview-get,
merchant-result-list and platform-languages-list, each answer checked against the trimmed
OpenAPI's response schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sandbox.jobmojito_api import (
    BASE_PREFIX,
    DEFAULT_MERCHANT_ID,
    INTERVIEW_GET_PATH,
    INVITE_PATH,
    LANGUAGES_PATH,
    MERCHANT_STATUS_PATH,
    REGISTER_PATH,
    RESULT_LIST_PATH,
    Balance,
    Fault,
    FaultKind,
    JobMojitoStandIn,
    response_validator,
)
from sandbox.server import LoopbackServer

TOKEN = "service-token"
OTHER_TOKEN = "second-service-token"
FORBIDDEN = "candidate-role-token"
BACKEND = "04e09fa5-3fb8-4236-b37d-fca2bcd1cb66"
SALES = "d1c00b60-7e75-4292-9190-7037b95b349a"
UNKNOWN = "00000000-0000-0000-0000-000000000000"
MERCHANT = "b5201178-46dd-4a20-a1af-7ffd647f834b"
OTHER_MERCHANT = "28106cba-1c27-4e53-b149-32113e5e8e31"
LIMITED = Balance(
    invitations_limit=5,
    invitations_sent=1,
    credits_interview_monthly=2,
    credits_interview_monthly_limit=10,
    credits_interview_extra=3,
)

# One request per read endpoint, as (method, path, params, json).
READS: list[tuple[str, str, dict[str, str], Any]] = [
    ("GET", MERCHANT_STATUS_PATH, {}, None),
    ("GET", INTERVIEW_GET_PATH, {"position_id": BACKEND}, None),
    ("POST", INTERVIEW_GET_PATH, {}, {"interview_id": BACKEND}),
    ("GET", RESULT_LIST_PATH, {}, None),
    ("GET", LANGUAGES_PATH, {}, None),
]
READ_IDS = ["merchant-status", "interview-get", "interview-get-post", "result-list", "languages"]


@pytest.fixture(scope="module")
def api() -> JobMojitoStandIn:
    return JobMojitoStandIn(
        tokens=[TOKEN, OTHER_TOKEN],
        interviews={BACKEND: "Backend engineer", SALES: "Sales lead"},
        merchant_id=MERCHANT,
        forbidden_tokens=[FORBIDDEN],
    )


@pytest.fixture(scope="module")
def server(api: JobMojitoStandIn) -> Iterator[LoopbackServer]:
    with api.serve() as running:
        yield running


@pytest.fixture
def client(api: JobMojitoStandIn, server: LoopbackServer) -> Iterator[httpx.Client]:
    api.balance = Balance()
    api.reset()
    api.latency = 0.0
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=5) as http:
        yield http


def valid(schema: str, body: Any) -> Any:
    """`body`, after checking it against the trimmed OpenAPI's `schema`."""
    assert [error.message for error in response_validator(schema).iter_errors(body)] == []
    return body


def register(
    client: httpx.Client, *emails: str, interview: str = BACKEND, **extra: Any
) -> list[dict[str, Any]]:
    users = [{"name": f"Candidate {email[0].upper()}", "email": email} for email in emails]
    body = {"interview_id": interview, "users": users, "merchant_id": MERCHANT, **extra}
    response = client.post(REGISTER_PATH, json=body)
    assert response.status_code == 200
    results: list[dict[str, Any]] = response.json()
    return results


def invite_candidate(client: httpx.Client, email: str, interview: str = BACKEND) -> str:
    user = {"email": email, "type": "candidate", "interview_id": interview}
    response = client.post(INVITE_PATH, json={"users": [user], "merchant_id": MERCHANT})
    assert response.status_code == 200
    result: str = response.json()[0]["result"]
    return result


def status(client: httpx.Client, **params: str) -> dict[str, Any]:
    response = client.get(MERCHANT_STATUS_PATH, params=params)
    assert response.status_code == 200
    body: dict[str, Any] = valid("MerchantStatus", response.json())
    return body


def result_list(client: httpx.Client, **params: Any) -> dict[str, Any]:
    response = client.get(RESULT_LIST_PATH, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = valid("MerchantResultListResponse", response.json())
    return body


def emails(page: dict[str, Any]) -> list[str]:
    return [row["candidate_email"] for row in page["data"]]


def read(client: httpx.Client, method: str, path: str, params: Any, body: Any) -> httpx.Response:
    return client.request(method, path, params=params, json=body)


# --- the same auth, recording and faults as the write endpoints ------------------------


@pytest.mark.parametrize(("method", "path", "params", "body"), READS, ids=READ_IDS)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}"])
def test_reads_without_a_known_token_are_401(
    server: LoopbackServer,
    method: str,
    path: str,
    params: dict[str, str],
    body: Any,
    authorization: str | None,
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    with httpx.Client(base_url=server.url, headers=headers, timeout=5) as anonymous:
        response = read(anonymous, method, path, params, body)
    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized", "name": "authorization"}


@pytest.mark.parametrize(("method", "path", "params", "body"), READS, ids=READ_IDS)
def test_reads_with_a_forbidden_token_are_403(
    client: httpx.Client, method: str, path: str, params: dict[str, str], body: Any
) -> None:
    headers = {"Authorization": f"Bearer {FORBIDDEN}"}
    response = client.request(method, path, params=params, json=body, headers=headers)
    assert response.status_code == 403
    error = valid("Error", response.json())
    assert error["name"] == "authorization"


@pytest.mark.parametrize(("method", "path", "params", "body"), READS, ids=READ_IDS)
def test_reads_answer_under_the_base_prefix_and_are_recorded(
    client: httpx.Client,
    api: JobMojitoStandIn,
    method: str,
    path: str,
    params: dict[str, str],
    body: Any,
) -> None:
    response = read(client, method, BASE_PREFIX + path, params, body)
    assert response.status_code == 200
    assert api.calls == []  # `calls` holds the calls that spend; reads are in `reads`
    (call,) = api.reads
    assert (call.method, call.path, call.endpoint) == (method, BASE_PREFIX + path, path)
    assert (call.status, call.query, call.json) == (200, params, body)
    assert call.answer == response.content
    assert call.headers["authorization"] == "Bearer <redacted>"
    assert TOKEN not in json.dumps(call.headers)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", MERCHANT_STATUS_PATH, "GET"),
        ("POST", RESULT_LIST_PATH, "GET"),
        ("PUT", LANGUAGES_PATH, "GET"),
        ("DELETE", INTERVIEW_GET_PATH, "GET, POST"),
        ("GET", REGISTER_PATH, "POST"),
    ],
)
def test_other_methods_are_405(client: httpx.Client, method: str, path: str, allow: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["Allow"] == allow
    assert response.json() == {"error": "Method not allowed", "name": "method"}


@pytest.mark.parametrize(("method", "path", "params", "body"), READS, ids=READ_IDS)
def test_status_faults_apply_to_reads(
    client: httpx.Client,
    api: JobMojitoStandIn,
    method: str,
    path: str,
    params: dict[str, str],
    body: Any,
) -> None:
    api.inject(Fault.status(429, retry_after=3).only(path))
    refused = read(client, method, path, params, body)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "3"
    assert valid("Error", refused.json())["error"] == "Too Many Requests"
    assert api.reads[-1].fault is FaultKind.STATUS
    assert read(client, method, path, params, body).status_code == 200


def test_an_untargeted_fault_is_for_the_calls_that_spend_not_for_reads(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    api.inject(Fault.status(503, times=2))
    api.inject(Fault.status(500))
    empty = {"interview_id": BACKEND, "users": [], "merchant_id": MERCHANT}
    answers = [
        client.get(MERCHANT_STATUS_PATH).status_code,
        client.post(REGISTER_PATH, json=empty).status_code,
        client.get(LANGUAGES_PATH).status_code,
        client.post(REGISTER_PATH, json=empty).status_code,
        client.post(REGISTER_PATH, json=empty).status_code,
        client.get(RESULT_LIST_PATH).status_code,
    ]
    assert answers == [200, 503, 200, 503, 500, 200]
    assert api.pending_faults == []


def test_a_fault_only_for_one_path_waits_for_it(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    api.inject(Fault.status(503, times=2).only(BASE_PREFIX + REGISTER_PATH))
    api.inject(Fault.status(500))
    assert api.pending_faults[0].endpoint == REGISTER_PATH
    empty = {"interview_id": BACKEND, "users": [], "merchant_id": MERCHANT}
    answers = [
        client.get(MERCHANT_STATUS_PATH).status_code,
        client.get(MERCHANT_STATUS_PATH).status_code,
        client.post(REGISTER_PATH, json=empty).status_code,
        client.get(RESULT_LIST_PATH).status_code,
        client.post(REGISTER_PATH, json=empty).status_code,
        client.post(REGISTER_PATH, json=empty).status_code,
    ]
    assert answers == [200, 200, 503, 200, 503, 500]
    assert api.pending_faults == []
    with pytest.raises(ValueError):
        Fault.reorder().only("/job-interview-create")


def test_drop_after_processing_a_read(client: httpx.Client, api: JobMojitoStandIn) -> None:
    api.inject(Fault.drop_after_processing().only(MERCHANT_STATUS_PATH))
    with pytest.raises(httpx.TransportError):
        client.get(MERCHANT_STATUS_PATH)
    assert api.reads[-1].status is None
    assert api.reads[-1].answer is None
    status(client)


def test_delay_after_processing_a_read(client: httpx.Client, api: JobMojitoStandIn) -> None:
    api.inject(Fault.delay_after_processing(1.0).only(LANGUAGES_PATH))
    with pytest.raises(httpx.ReadTimeout):
        client.get(LANGUAGES_PATH, timeout=0.3)


@pytest.mark.parametrize(("method", "path", "params", "body"), READS, ids=READ_IDS)
def test_malformed_json_on_reads(
    client: httpx.Client,
    api: JobMojitoStandIn,
    method: str,
    path: str,
    params: dict[str, str],
    body: Any,
) -> None:
    api.inject(Fault.malformed_json().only(path))
    response = read(client, method, path, params, body)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_list_faults_spoil_the_result_list(client: httpx.Client, api: JobMojitoStandIn) -> None:
    register(client, "a@example.com", "b@example.com", "c@example.com")
    api.inject(Fault.shorter(2).only(RESULT_LIST_PATH))
    api.inject(Fault.reorder().only(RESULT_LIST_PATH))
    api.inject(Fault.foreign_email("ghost@example.net", index=1).only(RESULT_LIST_PATH))
    shorter, reordered, foreign = (result_list(client) for _ in range(3))
    assert emails(shorter) == ["c@example.com"]
    assert shorter["pagination"]["total"] == 3
    assert emails(reordered) == ["a@example.com", "b@example.com", "c@example.com"]
    assert emails(foreign) == ["c@example.com", "ghost@example.net", "a@example.com"]


def test_list_faults_spoil_the_languages(client: httpx.Client, api: JobMojitoStandIn) -> None:
    codes = [language["code"] for language in client.get(LANGUAGES_PATH).json()["languages"]]
    api.inject(Fault.shorter(1).only(LANGUAGES_PATH))
    api.inject(Fault.reorder().only(LANGUAGES_PATH))
    api.inject(Fault.foreign_email().only(LANGUAGES_PATH))
    shorter, reordered, foreign = (client.get(LANGUAGES_PATH).json()["languages"] for _ in "abc")
    assert [language["code"] for language in shorter] == codes[:-1]
    assert [language["code"] for language in reordered] == codes[::-1]
    assert [language["code"] for language in foreign] == codes


def test_list_faults_leave_single_objects_alone(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    before = status(client)
    for fault in (Fault.shorter(), Fault.reorder(), Fault.foreign_email()):
        api.inject(fault.only(MERCHANT_STATUS_PATH))
        after = status(client)
        assert after == before
        assert api.reads[-1].fault is fault.kind


# --- GET /merchant-status ------------------------------------------------------------------


def test_merchant_status_by_default_is_an_unlimited_plan(client: httpx.Client) -> None:
    body = status(client)
    assert body["subscription_type"] == "Special"
    assert body["subscription_status"] == "active"
    assert (body["invitations_limit"], body["invitations_available"]) == (None, None)
    assert body["invitations_sent"] == 0
    assert body["credits_interview_monthly"] == body["credits_interview_monthly_limit"] == 100
    assert body["credits_interview_extra"] == 0
    assert body["merchant_id"] == body["default_merchant_id"] == MERCHANT
    assert body["definitions_active"] == 2
    assert body["candidates"] == body["interview_results"] == 0
    assert body["candidates_history"] == [0] * 14


def test_merchant_status_profile_id_is_the_callers(client: httpx.Client) -> None:
    mine = status(client)["profile_id"]
    assert status(client)["profile_id"] == mine
    other = client.get(MERCHANT_STATUS_PATH, headers={"Authorization": f"Bearer {OTHER_TOKEN}"})
    assert other.json()["profile_id"] != mine
    assert len(mine) == 36


def test_merchant_status_configured_balance(client: httpx.Client, api: JobMojitoStandIn) -> None:
    api.balance = LIMITED
    body = status(client)
    assert body["subscription_type"] == "Growth"
    assert (body["invitations_limit"], body["invitations_sent"]) == (5, 1)
    assert body["invitations_available"] == 4
    assert body["credits_interview_monthly"] == 2
    assert body["credits_interview_monthly_limit"] == 10
    assert body["credits_interview_extra"] == 3


def test_each_credit_lowers_the_balance_monthly_first(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    api.balance = LIMITED
    seen = []
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        register(client, email)
        body = status(client)
        seen.append(
            (
                body["invitations_sent"],
                body["invitations_available"],
                body["credits_interview_monthly"],
                body["credits_interview_extra"],
            )
        )
    assert seen == [(2, 3, 1, 3), (3, 2, 0, 3), (4, 1, 0, 2)]
    assert invite_candidate(client, "d@example.com") == "Invited"
    body = status(client)
    assert (body["invitations_sent"], body["invitations_available"]) == (5, 0)
    assert (body["credits_interview_monthly"], body["credits_interview_extra"]) == (0, 1)
    assert api.balance.invitations_available == 0
    assert len(api.credits) == 4


def test_refused_and_invalid_users_cost_nothing(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    api.balance = LIMITED
    api.reject_email("no@example.com", "Error: Candidate not eligible")
    body = {
        "interview_id": BACKEND,
        "merchant_id": MERCHANT,
        "users": [{"email": "not-an-email"}, {"email": "no@example.com"}],
    }
    assert client.post(REGISTER_PATH, json=body).status_code == 200
    api.inject(Fault.status(503))
    register_refused = client.post(REGISTER_PATH, json={**body, "users": [{"email": "a@x.com"}]})
    assert register_refused.status_code == 503
    assert status(client)["invitations_sent"] == 1
    assert api.balance == LIMITED


def test_no_invitation_left_refuses_candidates_not_team_members(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    api.balance = Balance(invitations_limit=1)
    first, second = register(client, "a@example.com", "b@example.com")
    assert first["result"] == "ok"
    assert second["result"] == "Error: Not enough interview credits"
    assert "interview_url" not in second
    assert invite_candidate(client, "c@example.com") == "Error: Not enough interview credits"
    team = {"users": [{"email": "boss@example.com", "type": "merchant"}], "merchant_id": MERCHANT}
    assert client.post(INVITE_PATH, json=team).json()[0]["result"] == "Invited"
    assert api.credits_by_email() == {"a@example.com": 1}
    assert emails(result_list(client)) == ["a@example.com"]
    body = status(client)
    assert (body["invitations_sent"], body["invitations_available"]) == (1, 0)


def test_an_unlimited_plan_never_refuses(client: httpx.Client, api: JobMojitoStandIn) -> None:
    api.balance = Balance(credits_interview_monthly=1, credits_interview_extra=1)
    results = register(client, *(f"c{i}@example.com" for i in range(4)))
    assert [result["result"] for result in results] == ["ok"] * 4
    body = status(client)
    assert (body["invitations_limit"], body["invitations_available"]) == (None, None)
    assert body["invitations_sent"] == 4
    assert (body["credits_interview_monthly"], body["credits_interview_extra"]) == (0, 0)


def test_reset_restores_the_configured_balance(client: httpx.Client, api: JobMojitoStandIn) -> None:
    api.balance = LIMITED
    register(client, "a@example.com", "b@example.com")
    assert api.balance.invitations_sent == 3
    api.reset()
    assert api.balance == LIMITED
    assert status(client)["invitations_available"] == 4


def test_balance_given_to_the_constructor(server: LoopbackServer) -> None:
    stand_in = JobMojitoStandIn([TOKEN], [BACKEND], balance=LIMITED)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with stand_in.serve() as running, httpx.Client(base_url=running.url, headers=auth) as http:
        register(http, "a@example.com")
        body = valid("MerchantStatus", http.get(MERCHANT_STATUS_PATH).json())
    assert body["invitations_available"] == 3
    assert body["merchant_id"] == body["default_merchant_id"] == DEFAULT_MERCHANT_ID
    stand_in.reset()
    assert stand_in.balance == LIMITED


def test_merchant_status_counts_candidates_and_results(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    register(client, "a@example.com", "b@example.com", "c@example.com", "d@example.com")
    api.start("a@example.com")
    api.complete("b@example.com", score=80)
    api.complete("c@example.com", score=60)
    api.decide("c@example.com", "rejected")
    body = status(client)
    assert body["candidates"] == 4
    assert body["interviews_ongoing"] == 1
    assert body["interviews_undecided"] == 1
    assert body["interview_results"] == 3
    assert body["candidates_history"] == [4] + [0] * 13
    assert body["interview_result_history"] == [3] + [0] * 13


@pytest.mark.parametrize(
    ("merchant_id", "code", "name"),
    [
        (MERCHANT, 200, None),
        (OTHER_MERCHANT, 403, "merchant_id"),
        ("not-a-uuid", 422, "merchant_id"),
    ],
)
def test_merchant_id_query(
    client: httpx.Client, merchant_id: str, code: int, name: str | None
) -> None:
    for path in (MERCHANT_STATUS_PATH, RESULT_LIST_PATH):
        response = client.get(path, params={"merchant_id": merchant_id})
        assert response.status_code == code
        if name is not None:
            assert valid("Error", response.json())["name"] == name


# --- /job-interview-get --------------------------------------------------------------------


def test_interview_get_answers_the_definition(client: httpx.Client) -> None:
    response = client.get(INTERVIEW_GET_PATH, params={"position_id": SALES})
    assert response.status_code == 200
    body = valid("JobInterviewGetResponse", response.json())
    assert body["name"] == "Sales lead"
    assert body["merchant_id"] == MERCHANT
    assert (body["status"], body["type"], body["is_multistage"]) == ("active", "interview", False)
    assert body["questions"]
    assert all(question["question"] and question["id"] for question in body["questions"])


def test_interview_get_by_post_as_the_developer_docs_show(client: httpx.Client) -> None:
    by_get = client.get(INTERVIEW_GET_PATH, params={"position_id": BACKEND}).json()
    by_post = client.post(INTERVIEW_GET_PATH, json={"interview_id": BACKEND})
    by_position = client.post(INTERVIEW_GET_PATH, json={"position_id": BACKEND})
    assert by_post.status_code == by_position.status_code == 200
    assert valid("JobInterviewGetResponse", by_post.json()) == by_get
    assert by_position.json() == by_get
    assert by_get["name"] == "Backend engineer"


@pytest.mark.parametrize(
    ("method", "params", "body", "code", "error", "name"),
    [
        ("GET", {"position_id": UNKNOWN}, None, 404, "Interview not found.", "position_id"),
        ("GET", {}, None, 422, "Field is required.", "position_id"),
        ("GET", {"position_id": "not-a-uuid"}, None, 422, None, "position_id"),
        ("GET", {"position_id": ""}, None, 422, None, "position_id"),
        ("POST", {}, {"interview_id": UNKNOWN}, 404, "Interview not found.", "interview_id"),
        ("POST", {}, {}, 422, "Field is required.", "interview_id"),
        ("POST", {}, {"interview_id": "04e09fa5"}, 422, None, "interview_id"),
        ("POST", {}, {"interview_id": 7}, 422, None, "interview_id"),
        ("POST", {}, {"position_id": "x"}, 422, None, "position_id"),
        ("POST", {}, {"interview_id": BACKEND, "merchant_id": OTHER_MERCHANT}, 403, None, None),
    ],
)
def test_interview_get_refusals(
    client: httpx.Client,
    method: str,
    params: dict[str, str],
    body: Any,
    code: int,
    error: str | None,
    name: str | None,
) -> None:
    response = client.request(method, INTERVIEW_GET_PATH, params=params, json=body)
    assert response.status_code == code
    answer = valid("Error", response.json())
    if error is not None:
        assert answer["error"] == error
    else:
        assert answer["error"].startswith(("Invalid value: ", "Caller is not permitted"))
    assert answer["name"] == (name or "merchant_id")


def test_interview_get_post_needs_a_json_object(client: httpx.Client) -> None:
    for content in (b"", b"{not json", b'["x"]'):
        response = client.post(INTERVIEW_GET_PATH, content=content)
        assert response.status_code == 422
        assert response.json() == {"error": "Invalid JSON body", "name": "body"}


def test_interview_names_default_and_can_be_added(server: LoopbackServer) -> None:
    stand_in = JobMojitoStandIn([TOKEN], [BACKEND])
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with stand_in.serve() as running, httpx.Client(base_url=running.url, headers=auth) as http:
        listed = http.get(INTERVIEW_GET_PATH, params={"position_id": BACKEND}).json()
        assert http.get(INTERVIEW_GET_PATH, params={"position_id": SALES}).status_code == 404
        stand_in.add_interview(SALES, "Sales lead")
        added = http.get(INTERVIEW_GET_PATH, params={"position_id": SALES}).json()
        register(http, "a@example.com", interview=SALES)
    assert valid("JobInterviewGetResponse", listed)["name"] == "Interview 04e09fa5"
    assert valid("JobInterviewGetResponse", added)["name"] == "Sales lead"


# --- GET /merchant-result-list -------------------------------------------------------------


def test_each_registered_candidate_is_a_result(client: httpx.Client) -> None:
    users = [
        {"name": "Peter Parker", "email": "Peter@Example.com", "external_id": "r7"},
        {"email": "mj@example.com"},
        {"email": "not-an-email"},
    ]
    body = {"interview_id": BACKEND, "users": users, "merchant_id": MERCHANT}
    peter, mary, _ = client.post(REGISTER_PATH, json=body).json()
    page = result_list(client)
    assert page["pagination"] == {"total": 2, "limit": 50, "offset": 0, "has_more": False}
    second, first = page["data"]
    assert first["profile_interview_id"] == peter["profile_interview_id"]
    assert first["profile_id"] == peter["profile_id"]
    assert second["profile_interview_id"] == mary["profile_interview_id"]
    assert first["candidate_email"] == "peter@example.com"
    assert (first["candidate_name"], first["external_id"]) == ("Peter Parker", "r7")
    assert (second["candidate_name"], second["external_id"]) == (None, None)
    assert first["definition_id"] == BACKEND
    assert first["position_name"] == "Backend engineer"
    assert first["merchant_id"] == MERCHANT
    assert (first["status"], first["coach_status"]) == ("invited", "not_started")
    assert (first["decision_status"], first["score"], first["interview_result_id"]) == (
        None,
        None,
        None,
    )
    assert (first["is_test"], first["interview_started"]) == (False, False)
    assert first["created_at"] == first["updated_at"]
    assert first["created_at"] < second["created_at"]


def test_invited_candidates_are_results_too(client: httpx.Client) -> None:
    assert invite_candidate(client, "invited@example.com", SALES) == "Invited"
    (row,) = result_list(client)["data"]
    assert (row["candidate_email"], row["definition_id"]) == ("invited@example.com", SALES)
    assert (row["status"], row["coach_status"]) == ("invited", "not_started")


@pytest.mark.parametrize(("flag", "is_test"), [(True, True), ("true", True), (False, False)])
def test_test_registrations_are_test_results(
    client: httpx.Client, flag: Any, is_test: bool
) -> None:
    register(client, "t@example.com", is_test=flag)
    (row,) = result_list(client)["data"]
    assert row["is_test"] is is_test


def test_candidates_move_through_the_interview(client: httpx.Client, api: JobMojitoStandIn) -> None:
    (registered,) = register(client, "a@example.com")

    def row() -> dict[str, Any]:
        (only,) = result_list(client)["data"]
        assert only["profile_interview_id"] == registered["profile_interview_id"]
        found: dict[str, Any] = only
        return found

    invited = row()
    assert api.start("A@example.com") == registered["profile_interview_id"]
    started = row()
    assert (started["status"], started["coach_status"]) == ("active", "started")
    assert started["interview_started"] is True
    assert started["interview_result_id"]
    assert started["score"] is None
    api.complete("a@example.com", score=88.5)
    completed = row()
    assert completed["coach_status"] == "completed"
    assert completed["score"] == 88.5
    assert completed["interview_result_id"] == started["interview_result_id"]
    assert completed["decision_status"] is None
    api.decide("a@example.com", "selected")
    decided = row()
    assert decided["decision_status"] == "selected"
    stamps = [row["updated_at"] for row in (invited, started, completed, decided)]
    assert stamps == sorted(set(stamps))  # each move bumps updated_at
    assert decided["created_at"] == invited["created_at"]


def test_complete_without_start_and_decide_before_completion(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    register(client, "a@example.com", "b@example.com")
    api.complete("a@example.com", score=None)
    api.decide("b@example.com", "rejected")
    b, a = result_list(client)["data"]
    assert (a["coach_status"], a["score"], a["interview_result_id"] is not None) == (
        "completed",
        None,
        True,
    )
    assert (b["coach_status"], b["decision_status"]) == ("not_started", "rejected")


def test_lifecycle_acts_on_the_latest_enrolment(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    (backend,) = register(client, "a@example.com", interview=BACKEND)
    (sales,) = register(client, "a@example.com", interview=SALES)
    assert api.start("a@example.com") == sales["profile_interview_id"]
    assert api.complete("a@example.com", interview_id=BACKEND) == backend["profile_interview_id"]
    with pytest.raises(KeyError):
        api.start("nobody@example.com")
    with pytest.raises(KeyError):
        api.decide("a@example.com", "selected", interview_id=UNKNOWN)
    with pytest.raises(ValueError):
        api.decide("a@example.com", "maybe")


def test_result_list_filters(client: httpx.Client, api: JobMojitoStandIn) -> None:
    register(client, "ann@example.com", "bob@example.com", interview=BACKEND)
    (cat,) = register(client, "cat@example.org", interview=SALES)
    api.complete("ann@example.com", score=90)
    api.decide("ann@example.com", "selected")
    api.complete("bob@example.com", score=40)
    api.start("cat@example.org")
    assert emails(result_list(client, interview_id=BACKEND)) == [
        "bob@example.com",
        "ann@example.com",
    ]
    pid = cat["profile_interview_id"]
    assert emails(result_list(client, profile_interview_id=pid)) == ["cat@example.org"]
    assert emails(result_list(client, filter_text="EXAMPLE.ORG")) == ["cat@example.org"]
    assert emails(result_list(client, filter_text="candidate b")) == ["bob@example.com"]
    assert emails(result_list(client, tab="completed")) == ["bob@example.com", "ann@example.com"]
    assert emails(result_list(client, tab="incomplete")) == ["cat@example.org"]
    assert emails(result_list(client, tab="undecided")) == ["bob@example.com"]
    assert emails(result_list(client, tab="decided-selected")) == ["ann@example.com"]
    assert emails(result_list(client, tab="decided-rejected")) == []
    assert len(result_list(client, tab="")["data"]) == 3
    assert emails(result_list(client, step="interview", type="interview"))[0] == "cat@example.org"
    for empty in ({"type": "coaching"}, {"step": "pre-screening"}, {"risks": "cheating"}):
        assert result_list(client, **empty)["data"] == []
    assert result_list(client, tab="archived-interview")["pagination"]["total"] == 0
    assert result_list(client, interview_id=UNKNOWN)["data"] == []


def test_result_list_order(client: httpx.Client, api: JobMojitoStandIn) -> None:
    register(client, "a@example.com", "b@example.com", "c@example.com", "d@example.com")
    api.complete("c@example.com", score=70)
    api.complete("a@example.com", score=95)
    api.decide("b@example.com", "rejected")
    newest = ["d@example.com", "c@example.com", "b@example.com", "a@example.com"]
    assert emails(result_list(client)) == newest
    assert emails(result_list(client, order_by="created_at_newest")) == newest
    assert emails(result_list(client, order_by="created_at_oldest")) == newest[::-1]
    updated = ["b@example.com", "a@example.com", "c@example.com", "d@example.com"]
    assert emails(result_list(client, order_by="updated_at_newest")) == updated
    scored = ["a@example.com", "c@example.com", "d@example.com", "b@example.com"]
    assert emails(result_list(client, order_by="score")) == scored


def test_result_list_pages(client: httpx.Client) -> None:
    register(client, *(f"{letter}@example.com" for letter in "abcde"))
    pages = [result_list(client, limit=2, offset=offset) for offset in (0, 2, 4, 6)]
    assert [emails(page) for page in pages] == [
        ["e@example.com", "d@example.com"],
        ["c@example.com", "b@example.com"],
        ["a@example.com"],
        [],
    ]
    assert [page["pagination"]["has_more"] for page in pages] == [True, True, False, False]
    assert pages[1]["pagination"] == {"total": 5, "limit": 2, "offset": 2, "has_more": True}
    assert result_list(client, offset="")["pagination"]["offset"] == 0


def test_result_list_pages_up_to_1000(client: httpx.Client) -> None:
    register(client, *(f"c{i}@example.com" for i in range(1001)))
    first = result_list(client, limit=1000)
    assert len(first["data"]) == 1000
    assert first["pagination"] == {"total": 1001, "limit": 1000, "offset": 0, "has_more": True}
    last = result_list(client, limit=1000, offset=1000)
    assert emails(last) == ["c0@example.com"]
    assert last["pagination"]["has_more"] is False


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"limit": "1001"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "1.5"}, "offset"),
        ({"interview_id": "04e09fa5"}, "interview_id"),
        ({"profile_interview_id": "x"}, "profile_interview_id"),
        ({"tab": "everything"}, "tab"),
        ({"order_by": "name"}, "order_by"),
        ({"type": "webinar"}, "type"),
        ({"step": "offer"}, "step"),
    ],
)
def test_result_list_refuses_bad_parameters(
    client: httpx.Client, params: dict[str, str], name: str
) -> None:
    response = client.get(RESULT_LIST_PATH, params=params)
    assert response.status_code == 422
    error = valid("Error", response.json())
    assert error["name"] == name
    assert error["error"].startswith("Invalid value: ")


def test_result_list_ignores_parameters_it_does_not_know(client: httpx.Client) -> None:
    register(client, "a@example.com")
    assert emails(result_list(client, page="7", per_page="1")) == ["a@example.com"]


def test_results_method_and_reset(client: httpx.Client, api: JobMojitoStandIn) -> None:
    register(client, "a@example.com")
    assert api.results() == result_list(client)["data"]
    api.reset()
    assert api.results() == []
    assert result_list(client)["pagination"]["total"] == 0


# --- GET /platform-languages-list ----------------------------------------------------------


def test_platform_languages(client: httpx.Client) -> None:
    response = client.get(LANGUAGES_PATH)
    assert response.status_code == 200
    languages = valid("PlatformLanguagesListResponse", response.json())["languages"]
    codes = [language["code"] for language in languages]
    assert "en" in codes
    assert len(codes) == len(set(codes)) >= 5
    names = [language["name_english"] for language in languages]
    assert names == sorted(names)
    english = languages[codes.index("en")]
    assert (english["name_english"], english["flag_emoji"]) == ("English", "\U0001f1fa\U0001f1f8")
    assert english["flag_unicode"] == "U+1F1FA U+1F1F8"
    assert english["flag_image"].endswith("/US.svg")
    assert {"code": "en-US", "name": "English (United States)"} in english["accents"]
    assert all(language["interview_interface"] for language in languages)
