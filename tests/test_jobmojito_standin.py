"""The JobMojito stand-in, over real HTTP with httpx: each rule and each fault kind."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.jobmojito_api import (
    BASE_PREFIX,
    INVITE_PATH,
    REGISTER_PATH,
    SPEC_PATH,
    SPEC_PATHS,
    Credit,
    Fault,
    FaultKind,
    JobMojitoStandIn,
    load_spec,
    openapi_to_jsonschema,
    render_spec,
    request_validator,
    response_validator,
    trim_openapi,
)
from sandbox.server import LoopbackServer

TOKEN = "service-token"
FORBIDDEN = "candidate-role-token"
INTERVIEW = "04e09fa5-3fb8-4236-b37d-fca2bcd1cb66"
MERCHANT = "b5201178-46dd-4a20-a1af-7ffd647f834b"
SHARED_SNAPSHOT = Path(__file__).resolve().parents[2] / "shared/jobmojito/openapi.snapshot.json"


@pytest.fixture(scope="module")
def api() -> JobMojitoStandIn:
    return JobMojitoStandIn(tokens=[TOKEN], interviews=[INTERVIEW], forbidden_tokens=[FORBIDDEN])


@pytest.fixture(scope="module")
def server(api: JobMojitoStandIn) -> Iterator[LoopbackServer]:
    with api.serve() as running:
        yield running


@pytest.fixture
def client(api: JobMojitoStandIn, server: LoopbackServer) -> Iterator[httpx.Client]:
    api.reset()
    api.latency = 0.0
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=5) as http:
        yield http


def users(*emails: str) -> list[dict[str, Any]]:
    return [{"name": f"User {i}", "email": email} for i, email in enumerate(emails)]


def register(client: httpx.Client, *emails: str, **extra: Any) -> httpx.Response:
    body = {"interview_id": INTERVIEW, "users": users(*emails), **extra}
    return client.post(REGISTER_PATH, json=body)


# --- the trimmed OpenAPI copy ------------------------------------------------------------


def test_trimmed_spec_keeps_its_paths_and_their_schemas() -> None:
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    assert list(spec["paths"]) == list(SPEC_PATHS)
    assert set(SPEC_PATHS) == {
        REGISTER_PATH,
        INVITE_PATH,
        "/merchant-status",
        "/job-interview-get",
        "/merchant-result-list",
        "/platform-languages-list",
    }
    assert set(spec["components"]["schemas"]) == {
        "Error",
        "InviteUsersRequest",
        "InviteUsersResponse",
        "JobInterviewCreateFromArrayQuestion",
        "JobInterviewGetResponse",
        "JobInterviewRegisterUsersRequest",
        "JobInterviewRegisterUsersResponse",
        "LanguageAccent",
        "MerchantResultListResponse",
        "MerchantStatus",
        "Pagination",
        "PlatformLanguage",
        "PlatformLanguagesListResponse",
        "RegisterUser",
    }
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    assert spec["servers"][0]["url"] == "https://cool.jobmojito.com/functions/v1"
    for needle in ("JobMojito/mcp", "data/openapi.snapshot.json", "000ed4f2407c", "trimmed"):
        assert needle in spec["x-source"]
    for path in SPEC_PATHS:
        assert path in spec["x-source"]
    assert trim_openapi(spec, spec["paths"], spec["x-source"]) == spec
    assert render_spec(spec) == SPEC_PATH.read_text(encoding="utf-8")


def test_trimmed_spec_matches_shared_snapshot() -> None:
    if not SHARED_SNAPSHOT.exists():
        pytest.skip("../shared/jobmojito/openapi.snapshot.json is not beside this checkout")
    snapshot = json.loads(SHARED_SNAPSHOT.read_text(encoding="utf-8"))
    trimmed = trim_openapi(snapshot, SPEC_PATHS)
    assert trimmed == load_spec()
    # Byte for byte: the stored copy is exactly what trim_openapi makes of the snapshot.
    assert render_spec(trimmed) == SPEC_PATH.read_text(encoding="utf-8")


def test_nullable_becomes_json_schema() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string", "nullable": True},
            "b": {"anyOf": [{"type": "boolean"}, {"nullable": True}]},
            "c": {"type": "string", "nullable": True, "enum": ["en"]},
        },
    }
    converted = openapi_to_jsonschema(schema)
    assert converted["properties"]["a"] == {"type": ["string", "null"]}
    assert converted["properties"]["b"] == {"anyOf": [{"type": "boolean"}, {}]}
    assert converted["properties"]["c"] == {"type": ["string", "null"], "enum": ["en", None]}


def test_request_schema_accepts_type_and_send_email_together() -> None:
    body: dict[str, Any] = {
        "interview_id": INTERVIEW,
        "users": users("a@example.com"),
        "type": "invitation",
        "send_email": True,
        "merchant_id": None,
    }
    assert list(request_validator(REGISTER_PATH).iter_errors(body)) == []


def test_request_schema_rejects_wrong_types() -> None:
    validator = request_validator(REGISTER_PATH)
    assert not validator.is_valid({"interview_id": INTERVIEW, "users": "nope"})
    assert not validator.is_valid({"interview_id": INTERVIEW, "users": [], "send_email": "yes"})
    assert not validator.is_valid({"users": []})


# --- authentication ----------------------------------------------------------------------


@pytest.mark.parametrize("path", [REGISTER_PATH, INVITE_PATH, BASE_PREFIX + REGISTER_PATH])
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer"])
def test_missing_or_unknown_token_is_401(
    client: httpx.Client, api: JobMojitoStandIn, path: str, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    body = {"interview_id": INTERVIEW, "users": users("a@example.com")}
    response = httpx.post(str(client.base_url) + path, json=body, headers=headers, timeout=5)
    assert response.status_code == 401
    assert response.json()["error"] == "Unauthorized"
    assert api.credits == []


def test_forbidden_token_is_403(client: httpx.Client, api: JobMojitoStandIn) -> None:
    response = register(client, "a@example.com")
    assert response.status_code == 200
    forbidden = client.post(
        REGISTER_PATH,
        json={"interview_id": INTERVIEW, "users": users("b@example.com")},
        headers={"Authorization": f"Bearer {FORBIDDEN}"},
    )
    assert forbidden.status_code == 403
    assert "error" in forbidden.json()
    assert api.credits_by_email() == {"a@example.com": 1}


def test_calls_are_recorded_without_the_credential(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    register(client, "a@example.com")
    (call,) = api.calls
    assert call.path == REGISTER_PATH
    assert call.endpoint == REGISTER_PATH
    assert call.status == 200
    assert call.json["users"][0]["email"] == "a@example.com"
    assert call.headers["authorization"] == "Bearer <redacted>"
    assert TOKEN not in json.dumps(call.headers)


# --- request validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error", "name"),
    [
        ({"interview_id": INTERVIEW}, "Field is required.", "users"),
        ({"users": users("a@example.com")}, "Field is required.", "interview_id"),
        ({}, "Field is required.", "users"),
        ({"interview_id": "unknown", "users": users("a@x.com")}, "Interview not found.", None),
    ],
)
def test_request_level_422(
    client: httpx.Client, api: JobMojitoStandIn, body: Any, error: str, name: str | None
) -> None:
    response = client.post(REGISTER_PATH, json=body)
    assert response.status_code == 422
    assert response.json() == {"error": error, "name": name or "interview_id"}
    assert api.credits == []


@pytest.mark.parametrize("content", [b"{not json", b"", b"[1, 2]"])
def test_body_not_json_object_is_422(client: httpx.Client, content: bytes) -> None:
    response = client.post(
        REGISTER_PATH, content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json() == {"error": "Invalid JSON body", "name": "body"}


def test_schema_type_error_is_422_naming_the_field(client: httpx.Client) -> None:
    response = client.post(REGISTER_PATH, json={"interview_id": INTERVIEW, "users": "a@x.com"})
    assert response.status_code == 422
    assert response.json()["name"] == "users"


def test_merchant_id_rules() -> None:
    stand_in = JobMojitoStandIn([TOKEN], [INTERVIEW], merchant_id=MERCHANT)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = {"interview_id": INTERVIEW, "users": users("a@example.com")}
    with stand_in.serve() as running, httpx.Client(base_url=running.url, headers=auth) as http:
        missing = http.post(REGISTER_PATH, json=body)
        other = http.post(REGISTER_PATH, json={**body, "merchant_id": INTERVIEW})
        right = http.post(REGISTER_PATH, json={**body, "merchant_id": MERCHANT})
        invite = http.post(INVITE_PATH, json={"users": []})
    assert missing.status_code == 422
    assert missing.json() == {
        "error": "merchant_id is required with the service key",
        "name": "merchant_id",
    }
    assert other.status_code == 403
    assert right.status_code == 200
    assert invite.status_code == 422
    assert stand_in.credits_by_email() == {"a@example.com": 1}


def test_unknown_path_and_method(client: httpx.Client) -> None:
    assert client.post("/job-interview-create", json={}).status_code == 404
    assert client.get(REGISTER_PATH).status_code == 405


# --- /job-interview-register-users -------------------------------------------------------


def test_register_success_fields(client: httpx.Client, api: JobMojitoStandIn) -> None:
    body = {
        "interview_id": INTERVIEW,
        "users": [{"name": "Peter Parker", "email": "Peter@Example.com", "external_id": "r7"}],
        "type": "url",
        "send_email": False,
    }
    response = client.post(BASE_PREFIX + REGISTER_PATH, json=body)
    assert response.status_code == 200
    results = response.json()
    assert list(response_validator("JobInterviewRegisterUsersResponse").iter_errors(results)) == []
    (result,) = results
    assert result["name"] == "Peter Parker"
    assert result["email"] == "Peter@Example.com"
    assert result["external_id"] == "r7"
    assert result["result"] == "ok"
    assert result["interview_url"].startswith(
        f"https://interview.jobmojito.test/interview/{INTERVIEW}?token="
    )
    assert len(result["profile_interview_id"]) == 36
    assert api.credits == [
        Credit(INTERVIEW, "peter@example.com", "url", result["interview_url"], REGISTER_PATH)
    ]
    assert api.emails_sent == []


def test_interview_urls_are_unique(client: httpx.Client) -> None:
    results = register(client, "a@example.com", "b@example.com").json()
    assert results[0]["interview_url"] != results[1]["interview_url"]
    assert results[0]["profile_interview_id"] != results[1]["profile_interview_id"]


def test_invalid_email_is_a_per_user_error(client: httpx.Client, api: JobMojitoStandIn) -> None:
    body = {
        "interview_id": INTERVIEW,
        "users": [{"email": "not-an-email"}, {"email": "ok@example.com"}, {"name": "No Email"}],
    }
    response = client.post(REGISTER_PATH, json=body)
    assert response.status_code == 200
    bad, good, missing = response.json()
    assert bad["result"] == "Error: Invalid email"
    assert "interview_url" not in bad
    assert missing["result"] == "Error: Invalid email"
    assert good["result"] == "ok"
    assert api.credits_by_email() == {"ok@example.com": 1}


def test_same_email_twice_gets_two_results(client: httpx.Client, api: JobMojitoStandIn) -> None:
    results = register(client, "twice@example.com", "TWICE@example.com").json()
    assert [r["result"] for r in results] == ["ok", "ok"]
    assert api.credits_by_email() == {"twice@example.com": 2}


@pytest.mark.parametrize(
    ("extra", "kind"),
    [
        ({}, "url"),
        ({"send_email": False}, "url"),
        ({"send_email": True}, "invitation"),
        ({"type": "invitation", "send_email": True}, "invitation"),
        ({"type": "url", "send_email": False}, "url"),
    ],
)
def test_credit_type_follows_type_or_send_email(
    client: httpx.Client, api: JobMojitoStandIn, extra: dict[str, Any], kind: str
) -> None:
    response = register(client, "c@example.com", **extra)
    assert response.status_code == 200
    assert [credit.type for credit in api.credits] == [kind]
    assert api.emails_sent == (["c@example.com"] if kind == "invitation" else [])


# --- /invite-users -----------------------------------------------------------------------


def test_invite_candidate_and_admin(client: httpx.Client, api: JobMojitoStandIn) -> None:
    body = {
        "users": [
            {
                "email": "cand@example.com",
                "name": "C",
                "type": "candidate",
                "interview_id": INTERVIEW,
            },
            {"email": "boss@example.com", "type": "merchant"},
            {"email": "nointerview@example.com", "type": "candidate"},
            {"email": "lost@example.com", "type": "candidate", "interview_id": "nope"},
            {"email": "bad", "type": "candidate", "interview_id": INTERVIEW},
            {"email": "who@example.com", "type": "wizard"},
        ]
    }
    response = client.post(INVITE_PATH, json=body)
    assert response.status_code == 200
    results = response.json()
    assert list(response_validator("InviteUsersResponse").iter_errors(results)) == []
    cand, boss, *errors = results
    assert cand["result"] == "Invited"
    assert cand["profile_id"] and cand["profile_interview_id"]
    assert boss["result"] == "Invited"
    assert boss["profile_interview_id"] is None
    assert all(item["result"].startswith("Error: ") for item in errors)
    assert [(c.email, c.type, c.endpoint) for c in api.credits] == [
        ("cand@example.com", "invitation", INVITE_PATH)
    ]
    assert api.emails_sent == ["cand@example.com", "boss@example.com"]


SALES = "d1c00b60-7e75-4292-9190-7037b95b349a"
INVITE_RESULT = re.compile(r"^(Invited|Activated|Skipped|Error: .+)$")


def invite(client: httpx.Client, *users: dict[str, Any], **extra: Any) -> list[str]:
    """The per-user results of one /invite-users call, checked against the spec."""
    response = client.post(INVITE_PATH, json={"users": list(users), **extra})
    assert response.status_code == 200
    answer = response.json()
    assert list(response_validator("InviteUsersResponse").iter_errors(answer)) == []
    assert [item["email"] for item in answer] == [user.get("email") for user in users]
    assert all(INVITE_RESULT.match(item["result"]) for item in answer)
    return [item["result"] for item in answer]


def candidate(email: str, interview: str = INTERVIEW) -> dict[str, Any]:
    return {"email": email, "name": "Cand", "type": "candidate", "interview_id": interview}


@pytest.fixture
def two_interviews(api: JobMojitoStandIn) -> Iterator[None]:
    api.add_interview(SALES, "Sales lead")
    yield
    api.interviews.discard(SALES)


def test_invite_candidate_already_enrolled_is_skipped(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    first = client.post(INVITE_PATH, json={"users": [candidate("a@example.com")]}).json()
    again = client.post(INVITE_PATH, json={"users": [candidate("A@example.com")]}).json()
    assert [first[0]["result"], again[0]["result"]] == ["Invited", "Skipped"]
    assert again[0]["profile_interview_id"] == first[0]["profile_interview_id"]
    assert again[0]["profile_id"] == first[0]["profile_id"]
    assert invite(client, candidate("b@example.com"), candidate("b@example.com")) == [
        "Invited",
        "Skipped",
    ]
    assert api.credits_by_email() == {"a@example.com": 1, "b@example.com": 1}
    assert api.emails_sent == ["a@example.com", "b@example.com"]
    assert len(api.results()) == 2


def test_invite_candidate_already_registered_is_skipped(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    (registered,) = register(client, "reg@example.com").json()
    answer = client.post(INVITE_PATH, json={"users": [candidate("reg@example.com")]}).json()
    assert answer[0]["result"] == "Skipped"
    assert answer[0]["profile_interview_id"] == registered["profile_interview_id"]
    assert len(api.credits) == 1
    assert api.emails_sent == []


def test_invite_known_profile_to_another_interview_is_activated(
    client: httpx.Client, api: JobMojitoStandIn, two_interviews: None
) -> None:
    register(client, "known@example.com")
    assert invite(client, candidate("known@example.com", SALES)) == ["Activated"]
    assert [(c.interview_id, c.type) for c in api.credits] == [
        (INTERVIEW, "url"),
        (SALES, "invitation"),
    ]
    assert api.emails_sent == ["known@example.com"]
    assert sorted(row["definition_id"] for row in api.results()) == sorted([INTERVIEW, SALES])


def test_force_invite_emails_pending_candidates_again(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    assert invite(client, candidate("a@example.com"), candidate("b@example.com")) == [
        "Invited",
        "Invited",
    ]
    api.start("b@example.com")
    forced = invite(
        client, candidate("a@example.com"), candidate("b@example.com"), force_invite=True
    )
    assert forced == ["Invited", "Skipped"]
    assert api.emails_sent == ["a@example.com", "b@example.com", "a@example.com"]
    assert api.credits_by_email() == {"a@example.com": 1, "b@example.com": 1}
    assert len(api.results()) == 2


def test_invite_team_members_once(client: httpx.Client, api: JobMojitoStandIn) -> None:
    boss = {"email": "boss@example.com", "type": "merchant"}
    assert invite(client, boss) == ["Invited"]
    assert invite(client, boss) == ["Skipped"]
    assert invite(client, boss, force_invite=True) == ["Invited"]
    assert invite(client, {**boss, "type": "mentor"}) == ["Activated"]
    assert invite(client, {"email": "coach@example.com"}, {"email": "coach@example.com"}) == [
        "Invited",
        "Skipped",
    ]
    assert api.emails_sent == ["boss@example.com"] * 3 + ["coach@example.com"]
    assert api.credits == []


def test_invite_candidate_as_team_member_is_activated(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    register(client, "cand@example.com")
    assert invite(client, {"email": "cand@example.com", "type": "merchant_selection"}) == [
        "Activated"
    ]
    assert api.emails_sent == ["cand@example.com"]


def test_reset_forgets_invitations(client: httpx.Client, api: JobMojitoStandIn) -> None:
    boss = {"email": "boss@example.com", "type": "merchant"}
    assert invite(client, boss, candidate("a@example.com")) == ["Invited", "Invited"]
    api.reset()
    assert invite(client, boss, candidate("a@example.com")) == ["Invited", "Invited"]


def test_invite_requires_users(client: httpx.Client) -> None:
    response = client.post(INVITE_PATH, json={"force_invite": True})
    assert response.status_code == 422
    assert response.json() == {"error": "Field is required.", "name": "users"}


# --- faults ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 401, 403, 422])
def test_status_fault_spends_nothing(
    client: httpx.Client, api: JobMojitoStandIn, status: int
) -> None:
    api.inject(Fault.status(status))
    response = register(client, "a@example.com")
    assert response.status_code == status
    assert isinstance(response.json()["error"], str)
    assert api.credits == []
    assert api.calls[-1].fault is FaultKind.STATUS
    assert register(client, "a@example.com").status_code == 200


def test_429_with_retry_after(client: httpx.Client, api: JobMojitoStandIn) -> None:
    api.inject(Fault.status(429, retry_after=2))
    response = register(client, "a@example.com")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert api.credits == []


def test_faults_are_consumed_in_order_and_times(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    api.inject(Fault.status(503, times=2))
    api.inject(Fault.status(429))
    statuses = [register(client, "a@example.com").status_code for _ in range(4)]
    assert statuses == [503, 503, 429, 200]
    assert api.pending_faults == []
    assert len(api.credits) == 1


def test_drop_after_processing(client: httpx.Client, api: JobMojitoStandIn) -> None:
    api.inject(Fault.drop_after_processing())
    with pytest.raises(httpx.TransportError) as caught:
        register(client, "a@example.com", "b@example.com")
    assert isinstance(caught.value, httpx.RemoteProtocolError | httpx.ReadError)
    assert api.credits_by_email() == {"a@example.com": 1, "b@example.com": 1}
    assert api.calls[-1].status is None
    assert register(client, "c@example.com").status_code == 200


def test_delay_after_processing_times_out_after_spending(
    client: httpx.Client, api: JobMojitoStandIn
) -> None:
    api.inject(Fault.delay_after_processing(1.0))
    body = {"interview_id": INTERVIEW, "users": users("slow@example.com")}
    with pytest.raises(httpx.ReadTimeout):
        client.post(REGISTER_PATH, json=body, timeout=0.3)
    assert api.credits_by_email() == {"slow@example.com": 1}


def test_malformed_json(client: httpx.Client, api: JobMojitoStandIn) -> None:
    api.inject(Fault.malformed_json())
    response = register(client, "a@example.com")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    assert api.credits_by_email() == {"a@example.com": 1}


def test_shorter(client: httpx.Client, api: JobMojitoStandIn) -> None:
    api.inject(Fault.shorter(2))
    results = register(client, "a@example.com", "b@example.com", "c@example.com").json()
    assert [r["email"] for r in results] == ["a@example.com"]
    assert len(api.credits) == 3


def test_reorder(client: httpx.Client, api: JobMojitoStandIn) -> None:
    api.inject(Fault.reorder())
    results = register(client, "a@example.com", "b@example.com", "c@example.com").json()
    assert [r["email"] for r in results] == ["c@example.com", "b@example.com", "a@example.com"]
    assert len(api.credits) == 3


def test_foreign_email(client: httpx.Client, api: JobMojitoStandIn) -> None:
    api.inject(Fault.foreign_email("ghost@example.net", index=1))
    results = register(client, "a@example.com", "b@example.com").json()
    assert [r["email"] for r in results] == ["a@example.com", "ghost@example.net"]
    assert api.credits_by_email() == {"a@example.com": 1, "b@example.com": 1}


def test_latency(client: httpx.Client, api: JobMojitoStandIn) -> None:
    api.latency = 0.3
    started = time.monotonic()
    assert register(client, "a@example.com").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_stopped_server_refuses_connections() -> None:
    stand_in = JobMojitoStandIn([TOKEN], [INTERVIEW])
    running = stand_in.serve()
    url = running.url
    running.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.post(url + REGISTER_PATH, json={}, timeout=2)


def test_reset_forgets_records_and_faults(client: httpx.Client, api: JobMojitoStandIn) -> None:
    register(client, "a@example.com", send_email=True)
    api.inject(Fault.status(500))
    api.reset()
    assert (api.calls, api.credits, api.emails_sent, api.pending_faults) == ([], [], [], [])
    assert register(client, "a@example.com").status_code == 200


def test_fault_needs_at_least_one_time(api: JobMojitoStandIn) -> None:
    with pytest.raises(ValueError):
        api.inject(Fault.reorder(times=0))


def test_command_line_serves_jobmojito() -> None:
    command = [sys.executable, "-m", "sandbox", "jobmojito", "--token", TOKEN]
    command += ["--interview", INTERVIEW, "--port", "0"]
    repo = Path(__file__).resolve().parents[1]
    with subprocess.Popen(
        command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            assert process.stdout is not None
            name, url = process.stdout.readline().split()
            assert name == "jobmojito"
            assert url.startswith("http://127.0.0.1:")
            body = {"interview_id": INTERVIEW, "users": users("cli@example.com")}
            auth = {"Authorization": f"Bearer {TOKEN}"}
            response = httpx.post(url + REGISTER_PATH, json=body, headers=auth, timeout=5)
            assert response.status_code == 200
            assert response.json()[0]["result"] == "ok"
        finally:
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0
