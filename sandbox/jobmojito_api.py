"""In-memory stand-in for the two JobMojito endpoints this project calls.

`JobMojitoStandIn` is a thread-safe WSGI app that answers
`POST /job-interview-register-users` and `POST /invite-users` (also under the
`/functions/v1` prefix of JobMojito's real base URL) the way the published OpenAPI
description says, validates request bodies against the project's trimmed copy of that
description (`sandbox/data/jobmojito-openapi.trimmed.json`) with `jsonschema`, and records
every call and every interview credit it spends so tests can assert on them.

Faults for resilience tests are queued with `inject(Fault...)` and consumed one per call,
in order. To make the port refuse connections, stop the server (`LoopbackServer.stop()`):
the OS then answers connection refused.

Typical use::

    api = JobMojitoStandIn(tokens=["t0k"], interviews=["04e09fa5-..."])
    with api.serve() as server:
        client = httpx.Client(base_url=server.url, headers={"Authorization": "Bearer t0k"})
        api.inject(Fault.status(429, retry_after=1))
        ...
    assert api.credits_by_email()["a@example.com"] == 1
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import secrets
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request, Response

from sandbox.server import LoopbackServer

JsonObject = dict[str, Any]
WSGIEnviron = dict[str, Any]
StartResponse = Callable[..., Any]

SPEC_PATH = Path(__file__).parent / "data" / "jobmojito-openapi.trimmed.json"
REGISTER_PATH = "/job-interview-register-users"
INVITE_PATH = "/invite-users"
BASE_PREFIX = "/functions/v1"
MERCHANT_STATUS_PATH = "/merchant-status"
INTERVIEW_GET_PATH = "/job-interview-get"
RESULT_LIST_PATH = "/merchant-result-list"
LANGUAGES_PATH = "/platform-languages-list"
# The paths the trimmed copy keeps, in this order (`trim_openapi(snapshot, SPEC_PATHS)`).
SPEC_PATHS = (
    REGISTER_PATH,
    INVITE_PATH,
    MERCHANT_STATUS_PATH,
    INTERVIEW_GET_PATH,
    RESULT_LIST_PATH,
    LANGUAGES_PATH,
)
SPEC_SOURCE = (
    "JobMojito's public MCP server repository JobMojito/mcp, file data/openapi.snapshot.json, "
    "commit 000ed4f2407c136db9903d04779d77a7b83c375e, trimmed to the paths "
    + ", ".join(SPEC_PATHS)
    + " and the component schemas they reference."
)
REQUEST_SCHEMAS = {
    REGISTER_PATH: "JobInterviewRegisterUsersRequest",
    INVITE_PATH: "InviteUsersRequest",
}
INVITE_TYPES = frozenset({"merchant_owner", "merchant", "merchant_selection", "user", "mentor"})
CANDIDATE = "candidate"
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


# --- the OpenAPI description -------------------------------------------------------------


def _schema_refs(node: Any) -> set[str]:
    """Names of the component schemas `node` references directly."""
    if isinstance(node, dict):
        found: set[str] = set()
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value.rsplit("/", 1)[-1])
            else:
                found |= _schema_refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_schema_refs(item) for item in node)) if node else set()
    return set()


def trim_openapi(spec: JsonObject, paths: Iterable[str], source: str = SPEC_SOURCE) -> JsonObject:
    """Keep `paths` and the component schemas they reference (transitively)."""
    kept_paths = {path: spec["paths"][path] for path in paths}
    all_schemas: JsonObject = spec["components"]["schemas"]
    pending, seen = _schema_refs(kept_paths), set[str]()
    while pending:
        name = pending.pop()
        seen.add(name)
        pending |= _schema_refs(all_schemas[name]) - seen
    return {
        "openapi": spec["openapi"],
        "info": spec["info"],
        "servers": spec["servers"],
        "x-source": source,
        "components": {
            "securitySchemes": spec["components"]["securitySchemes"],
            "schemas": {name: body for name, body in all_schemas.items() if name in seen},
        },
        "paths": kept_paths,
    }


def render_spec(spec: JsonObject) -> str:
    """The text of the trimmed copy as it is stored (2-space JSON, UTF-8, final newline)."""
    return json.dumps(spec, indent=2, ensure_ascii=False) + "\n"


@cache
def load_spec() -> JsonObject:
    """The project's trimmed JobMojito OpenAPI description (parsed once)."""
    spec: JsonObject = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return spec


def openapi_to_jsonschema(node: Any) -> Any:
    """Rewrite OpenAPI's `nullable: true` into JSON Schema that `jsonschema` understands.

    `{"type": T, "nullable": true}` becomes `{"type": [T, "null"]}` (and `None` joins an
    `enum`); a bare `{"nullable": true}` (used in `anyOf` and `additionalProperties`) allows
    anything, which is what it means there.
    """
    if isinstance(node, list):
        return [openapi_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: openapi_to_jsonschema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


@cache
def _validator(schema_name: str) -> jsonschema.Draft202012Validator:
    components = openapi_to_jsonschema(load_spec()["components"])
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": components}
    return jsonschema.Draft202012Validator(root)


def request_validator(path: str) -> jsonschema.Draft202012Validator:
    """Validator for the request body of `path` (no `format` checks, like the gateway)."""
    return _validator(REQUEST_SCHEMAS[path])


def response_validator(schema_name: str) -> jsonschema.Draft202012Validator:
    """Validator for a component schema, e.g. `JobInterviewRegisterUsersResponse`."""
    return _validator(schema_name)


def is_valid_email(value: Any) -> bool:
    """The stand-in's simple email syntax check."""
    return isinstance(value, str) and bool(_EMAIL_RE.match(value))


# --- faults ------------------------------------------------------------------------------


class FaultKind(StrEnum):
    """What an injected fault does to one call."""

    STATUS = "status"
    DROP_AFTER_PROCESSING = "drop_after_processing"
    DELAY_AFTER_PROCESSING = "delay_after_processing"
    MALFORMED_JSON = "malformed_json"
    SHORTER = "shorter"
    REORDER = "reorder"
    FOREIGN_EMAIL = "foreign_email"


@dataclass(frozen=True)
class Fault:
    """One fault, applied to the next `times` calls. Build with the class methods.

    Only `STATUS` skips processing (no credit is spent); every other kind processes the
    request first (credits spent) and then spoils the answer.
    """

    kind: FaultKind
    status_code: int = 500
    retry_after: float | None = None
    seconds: float = 0.0
    count: int = 1
    index: int = 0
    email: str = "stranger@example.org"
    times: int = 1

    @classmethod
    def status(cls, status_code: int, *, retry_after: float | None = None, times: int = 1) -> Fault:
        """Answer `status_code` (Error JSON, optional Retry-After) without processing."""
        return cls(FaultKind.STATUS, status_code=status_code, retry_after=retry_after, times=times)

    @classmethod
    def drop_after_processing(cls, *, times: int = 1) -> Fault:
        """Process, then close the connection without any response."""
        return cls(FaultKind.DROP_AFTER_PROCESSING, times=times)

    @classmethod
    def delay_after_processing(cls, seconds: float, *, times: int = 1) -> Fault:
        """Process, then sleep `seconds` before answering (for client timeouts)."""
        return cls(FaultKind.DELAY_AFTER_PROCESSING, seconds=seconds, times=times)

    @classmethod
    def malformed_json(cls, *, times: int = 1) -> Fault:
        """Process, then answer 200 with truncated JSON."""
        return cls(FaultKind.MALFORMED_JSON, times=times)

    @classmethod
    def shorter(cls, count: int = 1, *, times: int = 1) -> Fault:
        """Process all users, answer without the last `count` results."""
        return cls(FaultKind.SHORTER, count=count, times=times)

    @classmethod
    def reorder(cls, *, times: int = 1) -> Fault:
        """Process, answer the results in reverse order."""
        return cls(FaultKind.REORDER, times=times)

    @classmethod
    def foreign_email(
        cls, email: str = "stranger@example.org", *, index: int = 0, times: int = 1
    ) -> Fault:
        """Process, replace result `index`'s email with `email` (one that was not sent)."""
        return cls(FaultKind.FOREIGN_EMAIL, email=email, index=index, times=times)


# --- records -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedCall:
    """One HTTP call as the stand-in saw it. `status` is None when the connection was dropped."""

    method: str
    path: str
    endpoint: str | None
    json: Any
    status: int | None
    headers: dict[str, str]
    fault: FaultKind | None = None
    # The bytes of the answer as sent (None when the connection was dropped instead), so a
    # suite can tell which interview links actually left the stand-in.
    answer: bytes | None = None


@dataclass(frozen=True)
class Credit:
    """One interview credit spent: `type` is "url" or "invitation"."""

    interview_id: str
    email: str
    type: str
    url: str | None
    endpoint: str


@dataclass
class _Outcome:
    """What the handler decided: a status and JSON (or raw bytes), plus what to do after."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    processed: bool = False

    def payload(self) -> bytes:
        return self.raw if self.raw is not None else json.dumps(self.body).encode()


class _Reject(Exception):
    """A request-level error answer (401/403/422...)."""

    def __init__(self, status: int, error: str, name: str | None = None) -> None:
        super().__init__(error)
        self.outcome = _Outcome(status, _error_body(error, name))


def _error_body(error: str, name: str | None = None) -> JsonObject:
    return {"error": error} if name is None else {"error": error, "name": name}


def _endpoint(path: str) -> str | None:
    if path.startswith(BASE_PREFIX + "/"):
        path = path[len(BASE_PREFIX) :]
    path = path.rstrip("/") or "/"
    return path if path in REQUEST_SCHEMAS else None


def _redacted_headers(request: Request) -> dict[str, str]:
    """Request headers with lowercased names; the Authorization credential is blanked."""
    headers = {key.lower(): value for key, value in request.headers.items()}
    if "authorization" in headers:
        scheme = headers["authorization"].split(" ", 1)[0]
        headers["authorization"] = f"{scheme} <redacted>"
    return headers


def _bearer(request: Request) -> str | None:
    value = request.headers.get("Authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _first_schema_error(validator: jsonschema.Draft202012Validator, body: Any) -> _Reject | None:
    errors = sorted(validator.iter_errors(body), key=lambda e: (len(e.path), list(e.path)))
    if not errors:
        return None
    error = errors[0]
    if error.validator == "required" and isinstance(error.instance, dict):
        required: list[str] = list(error.validator_value)
        missing = next(name for name in required if name not in error.instance)
        return _Reject(422, "Field is required.", ".".join([*map(str, error.path), missing]))
    name = ".".join(map(str, error.path)) or "body"
    return _Reject(422, f"Invalid value: {error.message}", name)


def _drop_connection(environ: WSGIEnviron) -> None:
    """Shut the client's socket down so it sees a closed connection, not a response."""
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionAbortedError("fault injected: connection dropped after processing")


# --- the stand-in ------------------------------------------------------------------------


class JobMojitoStandIn:
    """In-memory JobMojito for `/job-interview-register-users` and `/invite-users`.

    Thread-safe; a WSGI app (call `serve()` for a real loopback HTTP server). Rules:
    no or unknown bearer token -> 401; a token in `forbidden_tokens` -> 403; body not JSON,
    a schema violation, a missing `merchant_id` (when the stand-in has one) or an unknown
    interview -> 422 with the Error schema. Users are processed one by one; a bad email
    gives that user `result: "Error: Invalid email"`. Every call lands in `calls`, every
    interview credit in `credits`, every invitation email in `emails_sent`.

    Connection refused: stop the server (`LoopbackServer.stop()`); nothing listens then.
    """

    def __init__(
        self,
        tokens: Iterable[str],
        interviews: Iterable[str],
        merchant_id: str | None = None,
        *,
        forbidden_tokens: Iterable[str] = (),
        latency: float = 0.0,
        public_base: str = "https://interview.jobmojito.test",
    ) -> None:
        self.tokens = set(tokens)
        self.forbidden_tokens = set(forbidden_tokens)
        self.interviews = set(interviews)
        self.merchant_id = merchant_id
        self.latency = latency
        self.public_base = public_base.rstrip("/")
        self.calls: list[RecordedCall] = []
        # Called with the call's number (1, 2, …) after a call is processed, before it is
        # answered: lets a test act "while JobMojito is working" (e.g. sort the sheet).
        self.on_processed: Callable[[int], None] | None = None
        self.credits: list[Credit] = []
        self.emails_sent: list[str] = []
        self._faults: list[list[Any]] = []
        self._profiles: dict[str, str] = {}
        # Per-user refusals JobMojito answers as `Error: …` (e.g. a candidate it will not take).
        self.refusals: dict[str, str] = {}
        self._lock = threading.RLock()

    # -- configuration and inspection --

    def inject(self, fault: Fault) -> None:
        """Queue `fault`; each call consumes the oldest pending fault (one of its `times`)."""
        if fault.times < 1:
            raise ValueError("a fault must apply at least once")
        with self._lock:
            self._faults.append([fault, fault.times])

    @property
    def pending_faults(self) -> list[Fault]:
        with self._lock:
            return [fault for fault, _ in self._faults]

    def credits_by_email(self) -> Counter[str]:
        """How many credits each (lowercased) email has cost."""
        with self._lock:
            return Counter(credit.email for credit in self.credits)

    def reject_email(self, email: str, result: str) -> None:
        """Answer `result` (an `Error: …` text) for this user instead of registering it."""
        with self._lock:
            self.refusals[email.lower()] = result

    def clear_faults(self) -> None:
        """Drop the faults not yet consumed; keep the calls and credits recorded so far."""
        with self._lock:
            self._faults.clear()

    def reset(self) -> None:
        """Forget calls, credits, emails, profiles and pending faults; keep the configuration."""
        with self._lock:
            self.calls.clear()
            self.credits.clear()
            self.emails_sent.clear()
            self._faults.clear()
            self._profiles.clear()
            self.refusals.clear()

    def serve(self, port: int = 0) -> LoopbackServer:
        """Start a loopback HTTP server for this app; its `.url` is the client's base URL."""
        return LoopbackServer(self, port=port).start()

    # -- WSGI --

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if self.latency > 0:
            time.sleep(self.latency)
        endpoint = _endpoint(request.path)
        fault = self._next_fault() if endpoint is not None else None
        outcome = self._answer(request, endpoint, fault)
        if self.on_processed is not None and endpoint is not None:
            self.on_processed(len(self.calls) + 1)
        dropped = fault is not None and fault.kind is FaultKind.DROP_AFTER_PROCESSING
        self._record(
            request, endpoint, None if dropped else outcome.status, fault,
            None if dropped else outcome.payload(),
        )  # fmt: skip
        if fault is not None and fault.kind is FaultKind.DELAY_AFTER_PROCESSING:
            time.sleep(fault.seconds)
        if dropped:
            _drop_connection(environ)
        response = Response(outcome.payload(), outcome.status, outcome.headers)
        response.content_type = "application/json"
        result: Iterable[bytes] = response(environ, start_response)
        return result

    def _next_fault(self) -> Fault | None:
        with self._lock:
            if not self._faults:
                return None
            entry = self._faults[0]
            entry[1] -= 1
            if entry[1] <= 0:
                self._faults.pop(0)
            fault: Fault = entry[0]
            return fault

    def _record(
        self,
        request: Request,
        endpoint: str | None,
        status: int | None,
        fault: Fault | None,
        answer: bytes | None,
    ) -> None:
        body = request.get_json(silent=True, force=True)
        call = RecordedCall(
            method=request.method,
            path=request.path,
            endpoint=endpoint,
            json=body,
            status=status,
            headers=_redacted_headers(request),
            fault=fault.kind if fault is not None else None,
            answer=answer,
        )
        with self._lock:
            self.calls.append(call)

    def _answer(self, request: Request, endpoint: str | None, fault: Fault | None) -> _Outcome:
        if endpoint is None:
            return _Outcome(404, _error_body("Not found", "path"))
        if request.method != "POST":
            return _Outcome(405, _error_body("Method not allowed", "method"), {"Allow": "POST"})
        if fault is not None and fault.kind is FaultKind.STATUS:
            return _status_fault(fault)
        try:
            self._authorize(request)
            body = self._validated_body(request, endpoint)
            outcome = self._process(endpoint, body)
        except _Reject as reject:
            return reject.outcome
        return _spoil(outcome, fault) if fault is not None else outcome

    # -- request checks --

    def _authorize(self, request: Request) -> None:
        token = _bearer(request)
        if token is not None and token in self.forbidden_tokens:
            raise _Reject(403, "Forbidden: the caller's role is not permitted", "authorization")
        if token is None or token not in self.tokens:
            raise _Reject(401, "Unauthorized", "authorization")

    def _validated_body(self, request: Request, endpoint: str) -> JsonObject:
        try:
            body = json.loads(request.get_data(as_text=True))
        except ValueError:
            raise _Reject(422, "Invalid JSON body", "body") from None
        if not isinstance(body, dict):
            raise _Reject(422, "Invalid JSON body", "body")
        reject = _first_schema_error(request_validator(endpoint), body)
        if reject is not None:
            raise reject
        self._check_merchant(body)
        return body

    def _check_merchant(self, body: JsonObject) -> None:
        if self.merchant_id is None:
            return
        given = body.get("merchant_id")
        if not given:
            raise _Reject(422, "merchant_id is required with the service key", "merchant_id")
        if given != self.merchant_id:
            raise _Reject(403, "The caller does not have access to this merchant", "merchant_id")

    # -- processing --

    def _process(self, endpoint: str, body: JsonObject) -> _Outcome:
        if endpoint == REGISTER_PATH:
            return _Outcome(200, self._register_users(body), processed=True)
        return _Outcome(200, self._invite_users(body), processed=True)

    def _register_users(self, body: JsonObject) -> list[JsonObject]:
        interview_id: str = body["interview_id"]
        if interview_id not in self.interviews:
            raise _Reject(422, "Interview not found.", "interview_id")
        with self._lock:
            return [self._register_one(user, interview_id, body) for user in body["users"]]

    def _register_one(self, user: JsonObject, interview_id: str, body: JsonObject) -> JsonObject:
        echoed = {key: user.get(key) for key in ("name", "email", "external_id")}
        if not is_valid_email(user.get("email")):
            return {**echoed, "result": "Error: Invalid email"}
        email: str = user["email"]
        if email.lower() in self.refusals:
            return {**echoed, "result": self.refusals[email.lower()]}
        url = self._interview_url(interview_id)
        credit_type = _credit_type(user, body)
        self._spend(interview_id, email, credit_type, url, REGISTER_PATH)
        return {
            **echoed,
            "result": "ok",
            "interview_url": url,
            "profile_id": self._profile_id(email),
            "profile_interview_id": str(uuid.uuid4()),
        }

    def _invite_users(self, body: JsonObject) -> list[JsonObject]:
        with self._lock:
            return [self._invite_one(dict(user)) for user in body["users"]]

    def _invite_one(self, user: JsonObject) -> JsonObject:
        kind = user.get("type") or "user"
        email = user.get("email")
        error = _invite_error(user, kind, self.interviews)
        if error is not None or not isinstance(email, str):
            return {**user, "email": email, "result": f"Error: {error}"}
        profile_interview_id = None
        if kind == CANDIDATE:
            url = self._interview_url(user["interview_id"])
            self._spend(user["interview_id"], email, "invitation", url, INVITE_PATH)
            profile_interview_id = str(uuid.uuid4())
        else:
            self.emails_sent.append(email.lower())
        return {
            **user,
            "result": "Invited",
            "profile_id": self._profile_id(email),
            "profile_interview_id": profile_interview_id,
        }

    def _spend(self, interview_id: str, email: str, kind: str, url: str, endpoint: str) -> None:
        self.credits.append(Credit(interview_id, email.lower(), kind, url, endpoint))
        if kind == "invitation":
            self.emails_sent.append(email.lower())

    def _interview_url(self, interview_id: str) -> str:
        token = secrets.token_urlsafe(24)
        return f"{self.public_base}/interview/{interview_id}?token={token}"

    def _profile_id(self, email: str) -> str:
        return self._profiles.setdefault(email.lower(), str(uuid.uuid4()))


def _credit_type(user: JsonObject, body: JsonObject) -> str:
    explicit = user.get("type") or body.get("type")
    if explicit in ("url", "invitation"):
        return str(explicit)
    return "invitation" if body.get("send_email") is True else "url"


def _invite_error(user: JsonObject, kind: Any, interviews: set[str]) -> str | None:
    if not is_valid_email(user.get("email")):
        return "Invalid email"
    if kind != CANDIDATE and kind not in INVITE_TYPES:
        return f"Invalid type {kind!r}"
    if kind == CANDIDATE and not user.get("interview_id"):
        return "interview_id is required for type candidate"
    if kind == CANDIDATE and user["interview_id"] not in interviews:
        return "Interview not found."
    return None


def _status_fault(fault: Fault) -> _Outcome:
    reason = HTTP_STATUS_CODES.get(fault.status_code, "Error")
    headers = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = f"{fault.retry_after:g}"
    return _Outcome(fault.status_code, _error_body(reason), headers)


def _spoil(outcome: _Outcome, fault: Fault) -> _Outcome:
    """Apply a post-processing fault to a processed answer."""
    spoiled = copy.copy(outcome)
    body = outcome.body
    if fault.kind is FaultKind.MALFORMED_JSON:
        text = json.dumps(body).encode()
        spoiled.status, spoiled.raw = 200, text[: max(1, len(text) // 2)]
    elif isinstance(body, list) and fault.kind is FaultKind.SHORTER:
        spoiled.body = body[: max(0, len(body) - fault.count)]
    elif isinstance(body, list) and fault.kind is FaultKind.REORDER:
        spoiled.body = list(reversed(body))
    elif isinstance(body, list) and fault.kind is FaultKind.FOREIGN_EMAIL and body:
        spoiled.body = _with_foreign_email(body, fault)
    return spoiled


def _with_foreign_email(body: list[JsonObject], fault: Fault) -> list[JsonObject]:
    index = min(fault.index, len(body) - 1)
    return [
        {**item, "email": fault.email} if position == index else item
        for position, item in enumerate(body)
    ]
