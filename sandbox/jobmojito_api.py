"""In-memory stand-in for the JobMojito endpoints this project calls or reads.

`JobMojitoStandIn` is a thread-safe WSGI app that answers (also under the `/functions/v1`
prefix of JobMojito's real base URL) the way the published OpenAPI description says:

- `POST /job-interview-register-users` and `POST /invite-users`, the writes: bodies are
  validated against the project's trimmed copy of that description
  (`sandbox/data/jobmojito-openapi.trimmed.json`) with `jsonschema`;
- `GET /merchant-status`: the merchant's `Balance` (settable; `reset()` restores it) and
  counts of its candidates and results;
- `GET /job-interview-get?position_id=` (and `POST` with `{"interview_id": ...}`, as the
  developer docs show): an interview's definition, with the name it was configured with;
- `GET /merchant-result-list`: one result per enrolled candidate, with the OpenAPI's filters,
  order and paging (`limit` 1-1000, `offset`), moved on by `start`, `complete` and `decide`;
- `GET /platform-languages-list`: a handful of languages, English among them.

Every call is recorded, and every interview credit spent, so tests can assert on them.

Credits and the balance: each successful registration (register-users) and each new
candidate invitation (invite-users) costs one credit: a `Credit` in `credits`, one more
`invitations_sent` (so one fewer `invitations_available`), and one interview credit, from
the monthly credits first and then from the extra ones. On a limited plan, once
`invitations_available` is 0 each further candidate is answered
`Error: Not enough interview credits` and costs nothing; team invitations are never gated.
Test registrations (`is_test`) cost a credit like any other.

Faults for resilience tests are queued with `inject(Fault...)` and consumed one per call to
any served path, reads included, in order (`Fault....only(path)` keeps one for one path).
To make the port refuse connections, stop the server (`LoopbackServer.stop()`): the OS then
answers connection refused.

Typical use::

    api = JobMojitoStandIn(tokens=["t0k"], interviews={"04e09fa5-...": "Backend engineer"},
                           balance=Balance(invitations_limit=200))
    with api.serve() as server:
        client = httpx.Client(base_url=server.url, headers={"Authorization": "Bearer t0k"})
        api.inject(Fault.status(429, retry_after=1))
        ...
        api.complete("a@example.com", score=82)
        client.get("/merchant-result-list", params={"tab": "undecided"})
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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
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
SPENDING_PATHS = frozenset({REGISTER_PATH, INVITE_PATH})
REQUEST_SCHEMAS = {
    REGISTER_PATH: "JobInterviewRegisterUsersRequest",
    INVITE_PATH: "InviteUsersRequest",
}
# The methods each served path answers; any other method gets 405 with `Allow`.
# `/job-interview-get` is GET in the OpenAPI and POST (JSON `interview_id`) in the developer docs.
ROUTES: dict[str, tuple[str, ...]] = {
    REGISTER_PATH: ("POST",),
    INVITE_PATH: ("POST",),
    MERCHANT_STATUS_PATH: ("GET",),
    INTERVIEW_GET_PATH: ("GET", "POST"),
    RESULT_LIST_PATH: ("GET",),
    LANGUAGES_PATH: ("GET",),
}
# The merchant a stand-in without `merchant_id` belongs to (the OpenAPI's example id).
DEFAULT_MERCHANT_ID = "28106cba-1c27-4e53-b149-32113e5e8e31"
NOT_ENOUGH_CREDITS = "Error: Not enough interview credits"
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


def query_parameters(path: str) -> list[JsonObject]:
    """The OpenAPI's query parameters of `GET path` (empty for a path without a GET)."""
    operation = load_spec()["paths"][path].get("get", {})
    return [param for param in operation.get("parameters", []) if param.get("in") == "query"]


@cache
def _parameter_validator(path: str, name: str) -> jsonschema.Draft202012Validator:
    (param,) = (param for param in query_parameters(path) if param["name"] == name)
    return jsonschema.Draft202012Validator(
        openapi_to_jsonschema(param["schema"]),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


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
    request first (credits spent) and then spoils the answer. A fault applies to calls to
    any served path, unless `.only(path)` restricted it to one.
    """

    kind: FaultKind
    status_code: int = 500
    retry_after: float | None = None
    seconds: float = 0.0
    count: int = 1
    index: int = 0
    email: str = "stranger@example.org"
    times: int = 1
    endpoint: str | None = None  # None: any served path

    def only(self, endpoint: str) -> Fault:
        """This fault for calls to `endpoint` only (e.g. `REGISTER_PATH`); calls to other
        paths pass it by, and it keeps its place in the queue."""
        path = _endpoint(endpoint)
        if path is None:
            raise ValueError(f"the stand-in does not serve {endpoint!r}")
        return replace(self, endpoint=path)

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
    # The query string's parameters (the first value of each), for the read endpoints.
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Credit:
    """One interview credit spent: `type` is "url" or "invitation"."""

    interview_id: str
    email: str
    type: str
    url: str | None
    endpoint: str


# --- the merchant's balance -------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    """What `GET /merchant-status` reports of the merchant's plan; `spend()` is one credit.

    `invitations_limit=None` is an unlimited (Special) plan: `invitations_limit` and
    `invitations_available` are then null and nothing is ever refused for lack of credits.
    On a limited plan `invitations_available` is `invitations_limit - invitations_sent` (never
    below 0), and at 0 each further candidate gets `Error: Not enough interview credits`.
    The default is an unlimited Special plan (100 monthly interview credits), so a stand-in
    built without a balance never refuses anyone, as before balances existed.
    """

    invitations_limit: int | None = None
    invitations_sent: int = 0
    credits_interview_monthly: int | None = 100
    credits_interview_monthly_limit: int | None = 100
    credits_interview_extra: int | None = 0
    credits_interview_single: int | None = 0
    # None: "Special" when invitations are unlimited, else "Growth".
    subscription_type: str | None = None
    subscription_status: str | None = "active"

    @property
    def invitations_available(self) -> int | None:
        if self.invitations_limit is None:
            return None
        return max(0, self.invitations_limit - self.invitations_sent)

    @property
    def exhausted(self) -> bool:
        """True when a limited plan has no invitation left (unlimited plans never are)."""
        return self.invitations_available == 0

    @property
    def plan(self) -> str:
        """The subscription plan's name as `merchant-status` reports it."""
        if self.subscription_type is not None:
            return self.subscription_type
        return "Special" if self.invitations_limit is None else "Growth"

    def spend(self) -> Balance:
        """The balance after one interview credit: one more invitation sent (so one fewer
        available), and one interview credit less, from the monthly credits while there are
        any, then from the extra (top-up) credits; a bucket at 0 or None stays as it is."""
        monthly, extra = self.credits_interview_monthly, self.credits_interview_extra
        if monthly is not None and monthly > 0:
            monthly -= 1
        elif extra is not None and extra > 0:
            extra -= 1
        return replace(
            self,
            invitations_sent=self.invitations_sent + 1,
            credits_interview_monthly=monthly,
            credits_interview_extra=extra,
        )


# --- what the read endpoints answer (pure) ----------------------------------------------

# (code, English name, local name, flag country, Azure speech accents), sorted by English name.
_LANGUAGES: tuple[tuple[str, str, str, str, tuple[tuple[str, str], ...]], ...] = (
    ("cs", "Czech", "Čeština", "CZ", (("cs-CZ", "Czech (Czechia)"),)),
    ("nl", "Dutch", "Nederlands", "NL", (("nl-NL", "Dutch (Netherlands)"),)),
    (
        "en",
        "English",
        "English",
        "US",
        (("en-US", "English (United States)"), ("en-GB", "English (United Kingdom)")),
    ),
    (
        "fr",
        "French",
        "Français",
        "FR",
        (("fr-FR", "French (France)"), ("fr-CA", "French (Canada)")),
    ),
    ("de", "German", "Deutsch", "DE", (("de-DE", "German (Germany)"),)),
    (
        "es",
        "Spanish",
        "Español",
        "ES",
        (("es-ES", "Spanish (Spain)"), ("es-MX", "Spanish (Mexico)")),
    ),
)
FLAG_BASE = "https://cdn.jsdelivr.net/npm/country-flag-emoji-json@2.0.0/dist/images"


def platform_languages() -> JsonObject:
    """The `GET /platform-languages-list` answer: a handful of languages, English among them."""
    languages = []
    for code, english, local, country, accents in _LANGUAGES:
        flag = [0x1F1E6 + ord(letter) - ord("A") for letter in country]
        languages.append(
            {
                "code": code,
                "name_english": english,
                "name_local": local,
                "flag_image": f"{FLAG_BASE}/{country}.svg",
                "flag_emoji": "".join(map(chr, flag)),
                "flag_unicode": " ".join(f"U+{point:X}" for point in flag),
                "coaching_interface": True,
                "interview_interface": True,
                "admin_interface": code in ("en", "de", "fr", "es"),
                "accents": [{"code": accent, "name": name} for accent, name in accents],
            }
        )
    return {"languages": languages}


def default_interview_name(interview_id: str) -> str:
    """The name an interview configured without one gets."""
    return f"Interview {interview_id[:8]}"


def interview_definition(
    interview_id: str, name: str, merchant_id: str, created_at: str
) -> JsonObject:
    """The `job-interview-get` answer for a single-stage, active, invite-only interview."""

    def question_id(number: int) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"jobmojito-standin/{interview_id}/{number}"))

    texts = (
        f"Tell us about yourself and what draws you to the {name} role.",
        "Describe a problem you solved recently and how you approached it.",
        "What would you like to achieve in your first six months with us?",
    )
    questions = [
        {"id": question_id(number), "question": text, "duration": 120, "mojito_language_code": None}
        for number, text in enumerate(texts, start=1)
    ]
    return {
        "name": name,
        "created_at": created_at,
        "updated_at": created_at,
        "calc_definition_json": None,
        "questions": questions,
        "is_multistage": False,
        "status": "active",
        "visibility": "merchant_invite",
        "stage": "Application submitted",
        "type": "interview",
        "code": None,
        "interview_location": "Remote",
        "cover_image_url": None,
        "merchant_id": merchant_id,
        "interview_template_id": str(uuid.uuid5(uuid.NAMESPACE_URL, "jobmojito-standin/avatar")),
        "interview_template_type": "interactive_heygen",
        "is_voice_only": False,
        "knowledge_base_store_id": None,
        "mojito_language_code": "en",
        "speech_language_code": "en-US",
        "speech_language_name": "English (United States)",
        "recording": "audio_all",
        "recording_full_session": None,
        "type_credit": None,
        "result_view": "advanced",
        "candidate_video_introduction": "optional",
        "description": f"AI interview for the {name} position.",
        "interview_description_long": None,
        "candidate_expectations": None,
        "candidate_expectations_json": None,
        "result_scoring": None,
        "creation_parameters": None,
        "interview_department": None,
        "interview_salary": None,
        "interview_available_till": None,
        "recruiter_profile_id": None,
        "slug": None,
        "tags": [],
        "coach_plan": None,
        "interview_conversation_speed": None,
        "max_followups": None,
        "max_duration": 1800,
        "questions_random_subset": None,
        "required_pronunciation": False,
        "result_enable_edit_transcript": False,
        "pdf_export_auto_config": None,
    }


INVITED, ACTIVE = "invited", "active"  # the enrolment's status
NOT_STARTED, STARTED, COMPLETED = "not_started", "started", "completed"  # its coach_status
DECISIONS = ("selected", "rejected")  # decision_status once a recruiter decided (else null)
HISTORY_DAYS = 14  # merchant-status's daily histories cover the last 14 days


@dataclass
class _Row:
    """One candidate's enrolment in an interview (a profile_interview) and its result."""

    id: str
    profile_interview_id: str
    profile_id: str
    interview_id: str
    email: str
    name: str | None
    external_id: str | None
    is_test: bool
    created_at: str
    updated_at: str
    status: str = INVITED
    coach_status: str = NOT_STARTED
    decision_status: str | None = None
    interview_result_id: str | None = None
    started_at: str | None = None
    score: float | None = None
    duration_ds: int | None = None


def result_row(row: _Row, position_name: str, merchant_id: str) -> JsonObject:
    """One item of `merchant-result-list`'s `data`."""
    completed = row.coach_status == COMPLETED
    return {
        "id": row.id,
        "interview_result_id": row.interview_result_id,
        "interview_result_pre_screening_id": None,
        "merchant_id": merchant_id,
        "profile_id": row.profile_id,
        "profile_interview_id": row.profile_interview_id,
        "definition_id": row.interview_id,
        "candidate_name": row.name,
        "candidate_email": row.email,
        "position_name": position_name,
        "position_step": "interview",
        "type": "interview",
        "emoji": None,
        "external_id": row.external_id,
        "mojito_language_code": "en",
        "status": row.status,
        "coach_status": row.coach_status,
        "decision_status": row.decision_status,
        "interview_started": row.coach_status != NOT_STARTED,
        "is_multi_stage": False,
        "is_test": row.is_test,
        "recruiter_shortlist": False,
        "recruiter_risks": None,
        "duration_ds": row.duration_ds,
        "score": row.score,
        "score_simulation": None,
        "score_sentiment": None,
        "score_words_per_minute": None,
        "score_interview_ai": row.score,
        "score_answer_ai": None,
        "score_pronunciation": None,
        "processing_status": "completed" if completed else None,
        "processing_error": None,
        "kyc_processing_status": None,
        "position_result_step_id": None,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


# What each `tab` keeps; the archive tabs and `public_avatar` keep nothing (the stand-in
# archives nothing and has no public avatars), "" keeps everything.
_TABS: dict[str, Callable[[JsonObject], bool]] = {
    "decided-rejected": lambda row: row["decision_status"] == "rejected",
    "decided-selected": lambda row: row["decision_status"] == "selected",
    "undecided": lambda row: row["coach_status"] == COMPLETED and row["decision_status"] is None,
    "shortlist": lambda row: row["recruiter_shortlist"] is True,
    "completed": lambda row: row["coach_status"] == COMPLETED,
    "incomplete": lambda row: row["coach_status"] != COMPLETED,
    "": lambda row: True,
}


def _nothing(row: JsonObject) -> bool:
    return False


def _kept(row: JsonObject, query: JsonObject) -> bool:
    """Whether `row` passes every filter of a checked `merchant-result-list` query."""
    tab = _TABS.get(query["tab"] or "", _nothing)
    if row["type"] != query["type"] or not tab(row):
        return False
    if query["step"] and row["position_step"] != query["step"]:
        return False
    if query["interview_id"] and row["definition_id"] != query["interview_id"]:
        return False
    if (
        query["profile_interview_id"]
        and row["profile_interview_id"] != query["profile_interview_id"]
    ):
        return False
    wanted_risks = {risk for risk in (query["risks"] or "").split(",") if risk.strip()}
    if wanted_risks and not wanted_risks & set(row["recruiter_risks"] or ()):
        return False
    text = (query["filter_text"] or "").lower()
    named = (row["candidate_name"] or "").lower(), (row["candidate_email"] or "").lower()
    if text and not any(text in value for value in named):
        return False
    return not query["filter_emoji"] or row["emoji"] == query["filter_emoji"]


def select_results(rows: list[JsonObject], query: JsonObject) -> JsonObject:
    """The `merchant-result-list` answer: `rows` (oldest first) filtered, ordered by
    `order_by` (a score of null last) and paged by `limit` and `offset`."""
    kept = [row for row in rows if _kept(row, query)]
    newest = kept[::-1]
    ordered = {
        "created_at_newest": newest,
        "created_at_oldest": kept,
        "updated_at_newest": sorted(newest, key=lambda row: row["updated_at"], reverse=True),
        "score": sorted(newest, key=lambda row: (row["score"] is None, -(row["score"] or 0))),
    }[query["order_by"]]
    limit, offset = query["limit"], query["offset"]
    page = ordered[offset : offset + limit]
    pagination = {
        "total": len(ordered),
        "limit": limit,
        "offset": offset,
        "has_more": offset + len(page) < len(ordered),
    }
    return {"data": page, "pagination": pagination}


def daily_counts(stamps: Iterable[str | None], today: str) -> list[int]:
    """How many of `stamps` fall on each of the last `HISTORY_DAYS` days, today first."""
    counts = [0] * HISTORY_DAYS
    end = datetime.fromisoformat(today[:10])
    for stamp in stamps:
        if stamp is not None:
            days = (end - datetime.fromisoformat(stamp[:10])).days
            if 0 <= days < HISTORY_DAYS:
                counts[days] += 1
    return counts


def iso_millis(millis: int) -> str:
    """`2026-01-15T09:30:00.000Z` for a count of milliseconds since the epoch (UTC)."""
    moment = datetime.fromtimestamp(millis // 1000, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{millis % 1000:03d}Z"


# --- requests and answers ----------------------------------------------------------------


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
    return path if path in ROUTES else None


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


def _json_object(request: Request) -> JsonObject:
    """The request body, which must be a JSON object (else 422 naming `body`)."""
    try:
        body = json.loads(request.get_data(as_text=True))
    except ValueError:
        raise _Reject(422, "Invalid JSON body", "body") from None
    if not isinstance(body, dict):
        raise _Reject(422, "Invalid JSON body", "body")
    return body


_INTEGER_RE = re.compile(r"^-?\d+$")


def _coerce(raw: str, schema: JsonObject) -> Any:
    """A query string value as the type its schema declares (left a string when it is not)."""
    if schema.get("type") == "integer" and _INTEGER_RE.match(raw):
        return int(raw)
    if schema.get("type") == "integer" and raw == "" and schema.get("nullable") is True:
        return None
    if schema.get("type") == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


def _check_parameter(path: str, name: str, value: Any, field_name: str | None = None) -> None:
    """Raise the 422 for `value` when the OpenAPI's `name` parameter of `GET path` refuses it.

    Formats are checked (a `format: uuid` id must be a UUID); the error names `field_name`.
    """
    error = next(iter(_parameter_validator(path, name).iter_errors(value)), None)
    if error is not None:
        raise _Reject(422, f"Invalid value: {error.message}", field_name or name)


def _query(request: Request, path: str) -> JsonObject:
    """The query parameters the OpenAPI lists for `GET path`, checked and typed, defaults
    filled in; missing required ones and invalid ones are a 422 naming the parameter.
    Parameters the OpenAPI does not list are ignored."""
    values: JsonObject = {}
    for param in query_parameters(path):
        name, schema = param["name"], param["schema"]
        raw = request.args.get(name)
        if raw is None and param.get("required") is True:
            raise _Reject(422, "Field is required.", name)
        value = None if raw is None else _coerce(raw, schema)
        if value is not None:
            _check_parameter(path, name, value)
        values[name] = schema.get("default") if value is None else value
    return values


def _drop_connection(environ: WSGIEnviron) -> None:
    """Shut the client's socket down so it sees a closed connection, not a response."""
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionAbortedError("fault injected: connection dropped after processing")


# --- the stand-in ------------------------------------------------------------------------


class JobMojitoStandIn:
    """In-memory JobMojito: the two write endpoints the function calls and four read ones.

    Thread-safe; a WSGI app (call `serve()` for a real loopback HTTP server). Rules, for
    every path: no or unknown bearer token -> 401; a token in `forbidden_tokens` -> 403;
    a method the path does not answer -> 405. Writes: body not JSON, a schema violation, a
    missing `merchant_id` (when the stand-in has one) or an unknown interview -> 422 with the
    Error schema; users are processed one by one, and a bad email gives that user
    `result: "Error: Invalid email"`. Reads: a query parameter the OpenAPI refuses (a
    malformed UUID, a `limit` over 1000...) -> 422 naming it; a `merchant_id` other than the
    stand-in's -> 403. Every call that spends (register-users, invite-users) lands in
    `calls`, every read in `reads` (a fault without `.only(path)` is for the calls that
    spend), every interview credit in `credits` (and in `balance`), every invitation email
    in `emails_sent`.

    `interviews` is a list of ids, or a mapping of id to name (`job-interview-get` answers the
    name; ids without one are called "Interview <first 8 characters>").

    Results: each successful registration, and each new candidate invitation, enrols the
    candidate (a new profile_interview, even for an email already enrolled) and so adds one
    result to `merchant-result-list`: email lowercased, status `invited`, coach_status
    `not_started`, decision_status and score null, `is_test` as the registration said.
    `start`, `complete` and `decide` move the email's latest enrolment on, each bumping its
    `updated_at`: status `active` and coach_status `started`, then `completed` with a score,
    and decision_status `selected` or `rejected`.

    Connection refused: stop the server (`LoopbackServer.stop()`); nothing listens then.
    """

    def __init__(
        self,
        tokens: Iterable[str],
        interviews: Iterable[str] | Mapping[str, str],
        merchant_id: str | None = None,
        *,
        forbidden_tokens: Iterable[str] = (),
        latency: float = 0.0,
        public_base: str = "https://interview.jobmojito.test",
        balance: Balance | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._last_millis = 0
        self.tokens = set(tokens)
        self.forbidden_tokens = set(forbidden_tokens)
        self.interviews = set(interviews)
        self.interview_names: dict[str, str] = (
            dict(interviews) if isinstance(interviews, Mapping) else {}
        )
        self._defined_at = {interview_id: self._stamp() for interview_id in self.interviews}
        self.merchant_id = merchant_id
        self.latency = latency
        self.public_base = public_base.rstrip("/")
        # The calls that spend (register-users, invite-users), as every test counts sends;
        # the read endpoints' calls are in `reads`.
        self.calls: list[RecordedCall] = []
        self.reads: list[RecordedCall] = []
        # Called with the call's number (1, 2, …) after a call is processed, before it is
        # answered: lets a test act "while JobMojito is working" (e.g. sort the sheet).
        self.on_processed: Callable[[int], None] | None = None
        self.credits: list[Credit] = []
        self.emails_sent: list[str] = []
        self._faults: list[list[Any]] = []
        self._profiles: dict[str, str] = {}
        self._rows: list[_Row] = []
        self._roles: dict[str, set[str]] = {}  # team/coaching invitations: email -> types
        # Per-user refusals JobMojito answers as `Error: …` (e.g. a candidate it will not take).
        self.refusals: dict[str, str] = {}
        self._configured_balance = balance if balance is not None else Balance()
        self._balance = self._configured_balance
        # Called by `reset()`: what mirrors the stand-in's registrations forgets them too.
        self.on_reset: list[Callable[[], None]] = []

    # -- configuration and inspection --

    def inject(self, fault: Fault) -> None:
        """Queue `fault`; each call consumes the oldest pending fault that applies to it (one
        of its `times`)."""
        if fault.times < 1:
            raise ValueError("a fault must apply at least once")
        with self._lock:
            self._faults.append([fault, fault.times])

    @property
    def pending_faults(self) -> list[Fault]:
        with self._lock:
            return [fault for fault, _ in self._faults]

    @property
    def balance(self) -> Balance:
        """The merchant's balance now: the configured one less the credits spent since."""
        with self._lock:
            return self._balance

    @balance.setter
    def balance(self, value: Balance) -> None:
        """Set the balance now, and the one `reset()` restores."""
        with self._lock:
            self._configured_balance = self._balance = value

    def add_interview(self, interview_id: str, name: str | None = None) -> None:
        """Make `interview_id` known (with `name`, if given)."""
        with self._lock:
            self.interviews.add(interview_id)
            if name is not None:
                self.interview_names[interview_id] = name
            self._defined_at.setdefault(interview_id, self._stamp())

    def interview_name(self, interview_id: str) -> str:
        """The name `job-interview-get` answers for `interview_id`."""
        return self.interview_names.get(interview_id) or default_interview_name(interview_id)

    def credits_by_email(self) -> Counter[str]:
        """How many credits each (lowercased) email has cost."""
        with self._lock:
            return Counter(credit.email for credit in self.credits)

    def reject_email(self, email: str, result: str) -> None:
        """Answer `result` (an `Error: …` text) for this user instead of registering it, or
        inviting it as a candidate."""
        with self._lock:
            self.refusals[email.lower()] = result

    def clear_faults(self) -> None:
        """Drop the faults not yet consumed; keep the calls and credits recorded so far."""
        with self._lock:
            self._faults.clear()

    def reset(self) -> None:
        """Forget calls, credits, emails, profiles, results and pending faults, and restore
        the configured balance; keep the rest of the configuration."""
        with self._lock:
            self.calls.clear()
            self.reads.clear()
            self.credits.clear()
            self.emails_sent.clear()
            self._faults.clear()
            self._profiles.clear()
            self._rows.clear()
            self._roles.clear()
            self.refusals.clear()
            self._balance = self._configured_balance
        for forget in self.on_reset:
            forget()

    # -- candidates' results: what `merchant-result-list` lists --

    def results(self) -> list[JsonObject]:
        """Every candidate's result row as `merchant-result-list` answers it, oldest first."""
        with self._lock:
            merchant = self._merchant
            return [
                result_row(row, self.interview_name(row.interview_id), merchant)
                for row in self._rows
            ]

    def start(self, email: str, *, interview_id: str | None = None) -> str:
        """The candidate starts the interview: status `active`, coach_status `started`, an
        `interview_result_id`. Acts on the email's latest enrolment (in `interview_id`, if
        given); returns its profile_interview_id. KeyError for an email never enrolled."""
        with self._lock:
            row = self._row_for(email, interview_id)
            self._start(row)
            row.updated_at = self._stamp()
            return row.profile_interview_id

    def complete(
        self, email: str, score: float | None = 75.0, *, interview_id: str | None = None
    ) -> str:
        """The candidate finishes (starting first if need be): coach_status `completed`,
        `score` (null: not scored), a duration. Same choice of enrolment as `start`."""
        with self._lock:
            row = self._row_for(email, interview_id)
            self._start(row)
            row.coach_status, row.score, row.duration_ds = COMPLETED, score, 9000
            row.updated_at = self._stamp()
            return row.profile_interview_id

    def decide(self, email: str, decision: str, *, interview_id: str | None = None) -> str:
        """A recruiter's decision, "selected" or "rejected", as decision_status (allowed
        at any stage). Same choice of enrolment as `start`."""
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}, not {decision!r}")
        with self._lock:
            row = self._row_for(email, interview_id)
            row.decision_status = decision
            row.updated_at = self._stamp()
            return row.profile_interview_id

    def _enrolment(self, email: str, interview_id: str | None) -> _Row | None:
        """The email's latest enrolment (in `interview_id`, if given), or None."""
        for row in reversed(self._rows):
            if row.email == email.lower() and interview_id in (None, row.interview_id):
                return row
        return None

    def _row_for(self, email: str, interview_id: str | None) -> _Row:
        row = self._enrolment(email, interview_id)
        if row is None:
            where = f" in {interview_id}" if interview_id else ""
            raise KeyError(f"no candidate {email!r}{where}")
        return row

    def _start(self, row: _Row) -> None:
        if row.coach_status == NOT_STARTED:
            row.status, row.coach_status = ACTIVE, STARTED
            row.interview_result_id, row.started_at = str(uuid.uuid4()), self._stamp()

    def _enrol(self, user: JsonObject, email: str, interview_id: str, is_test: bool) -> _Row:
        """A new enrolment of `email` in `interview_id`: invited, not started."""
        now = self._stamp()
        row = _Row(
            id=str(uuid.uuid4()),
            profile_interview_id=str(uuid.uuid4()),
            profile_id=self._profile_id(email),
            interview_id=interview_id,
            email=email.lower(),
            name=_text_or_none(user.get("name")),
            external_id=_text_or_none(user.get("external_id")),
            is_test=is_test,
            created_at=now,
            updated_at=now,
        )
        self._rows.append(row)
        return row

    def serve(self, port: int = 0) -> LoopbackServer:
        """Start a loopback HTTP server for this app; its `.url` is the client's base URL."""
        return LoopbackServer(self, port=port).start()

    # -- WSGI --

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        arrived = time.monotonic()
        request = Request(environ)
        endpoint = _endpoint(request.path)
        fault = self._next_fault(endpoint) if endpoint is not None else None
        outcome = self._answer(request, endpoint, fault)
        payload = outcome.payload()  # the answer's bytes are part of its processing
        if self.latency > 0 and endpoint in SPENDING_PATHS:
            # A batch is answered `latency` seconds after it arrived, its processing included
            # (so a benchmark's floor of `latency` a batch is what the stand-in really takes).
            time.sleep(max(0.0, self.latency - (time.monotonic() - arrived)))
        if self.on_processed is not None and endpoint in SPENDING_PATHS:
            self.on_processed(len(self.calls) + 1)  # as the answer leaves, as tests expect
        dropped = fault is not None and fault.kind is FaultKind.DROP_AFTER_PROCESSING
        self._record(
            request, endpoint, None if dropped else outcome.status, fault,
            None if dropped else payload,
        )  # fmt: skip
        if fault is not None and fault.kind is FaultKind.DELAY_AFTER_PROCESSING:
            time.sleep(fault.seconds)
        if dropped:
            _drop_connection(environ)
        response = Response(payload, outcome.status, outcome.headers)
        response.content_type = "application/json"
        result: Iterable[bytes] = response(environ, start_response)
        return result

    def _next_fault(self, endpoint: str) -> Fault | None:
        """Take one use of the oldest pending fault that applies to a call to `endpoint`."""
        with self._lock:
            for position, entry in enumerate(self._faults):
                fault: Fault = entry[0]
                # An untargeted fault is for the calls that spend (register, invite); a read
                # gets one only when the fault names it (`Fault.only`).
                aimed = fault.endpoint == endpoint
                if aimed or (fault.endpoint is None and endpoint in SPENDING_PATHS):
                    entry[1] -= 1
                    if entry[1] <= 0:
                        self._faults.pop(position)
                    return fault
            return None

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
            query=request.args.to_dict(),
        )
        with self._lock:
            (self.calls if endpoint in SPENDING_PATHS else self.reads).append(call)

    def _answer(self, request: Request, endpoint: str | None, fault: Fault | None) -> _Outcome:
        if endpoint is None:
            return _Outcome(404, _error_body("Not found", "path"))
        methods = ROUTES[endpoint]
        if request.method not in methods:
            allow = {"Allow": ", ".join(methods)}
            return _Outcome(405, _error_body("Method not allowed", "method"), allow)
        if fault is not None and fault.kind is FaultKind.STATUS:
            return _status_fault(fault)
        try:
            token = self._authorize(request)
            outcome = _Outcome(200, self._handler(endpoint)(request, token), processed=True)
        except _Reject as reject:
            return reject.outcome
        return _spoil(outcome, fault) if fault is not None else outcome

    def _handler(self, endpoint: str) -> Callable[[Request, str], Any]:
        handlers: dict[str, Callable[[Request, str], Any]] = {
            REGISTER_PATH: self._register_users,
            INVITE_PATH: self._invite_users,
            MERCHANT_STATUS_PATH: self._merchant_status,
            INTERVIEW_GET_PATH: self._interview_get,
            RESULT_LIST_PATH: self._result_list,
            LANGUAGES_PATH: self._languages,
        }
        return handlers[endpoint]

    # -- request checks --

    def _authorize(self, request: Request) -> str:
        token = _bearer(request)
        if token is not None and token in self.forbidden_tokens:
            raise _Reject(403, "Forbidden: the caller's role is not permitted", "authorization")
        if token is None or token not in self.tokens:
            raise _Reject(401, "Unauthorized", "authorization")
        return token

    def _validated_body(self, request: Request, endpoint: str) -> JsonObject:
        body = _json_object(request)
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

    @property
    def _merchant(self) -> str:
        return self.merchant_id or DEFAULT_MERCHANT_ID

    def _read_merchant(self, given: Any) -> str:
        """The merchant a read is scoped to: the stand-in's own; asking for another is 403."""
        if given is None or given == "":
            return self._merchant
        if given != self._merchant:
            raise _Reject(403, "Caller is not permitted to read this merchant", "merchant_id")
        return self._merchant

    # -- the write endpoints --

    def _register_users(self, request: Request, token: str) -> list[JsonObject]:
        body = self._validated_body(request, REGISTER_PATH)
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
        if self._balance.exhausted:
            return {**echoed, "result": NOT_ENOUGH_CREDITS}
        url = self._interview_url(interview_id)
        credit_type = _credit_type(user, body)
        self._spend(interview_id, email, credit_type, url, REGISTER_PATH)
        row = self._enrol(user, email, interview_id, is_test=_truthy(body.get("is_test")))
        return {
            **echoed,
            "result": "ok",
            "interview_url": url,
            "profile_id": row.profile_id,
            "profile_interview_id": row.profile_interview_id,
        }

    def _invite_users(self, request: Request, token: str) -> list[JsonObject]:
        body = self._validated_body(request, INVITE_PATH)
        force = body.get("force_invite") is True
        with self._lock:
            return [self._invite_one(dict(user), force) for user in body["users"]]

    def _invite_one(self, user: JsonObject, force: bool) -> JsonObject:
        """One user's invitation; its result is `Invited` (a new profile, emailed),
        `Activated` (a profile JobMojito already has, given this access and emailed),
        `Skipped` (already has it: nothing sent, nothing spent) or `Error: …`.

        A candidate "already has it" when enrolled in that interview (registered or invited,
        the latest enrolment); a team or coaching user when already invited with that type.
        With `force_invite`, one who already has it and has not started is emailed again and
        answered `Invited` (same enrolment, no credit). A new candidate costs a credit.
        """
        kind = user.get("type") or "user"
        email = user.get("email")
        error = _invite_error(user, kind, self.interviews)
        if error is not None or not isinstance(email, str):
            return {**user, "email": email, "result": f"Error: {error}"}
        known = email.lower() in self._profiles
        profile_interview_id = None
        if kind == CANDIDATE:
            result, profile_interview_id = self._invite_candidate(user, email, known, force)
        else:
            result = self._invite_member(email, kind, known, force)
        if result.startswith("Error: "):
            return {**user, "email": email, "result": result}
        return {
            **user,
            "result": result,
            "profile_id": self._profile_id(email),
            "profile_interview_id": profile_interview_id,
        }

    def _invite_candidate(
        self, user: JsonObject, email: str, known: bool, force: bool
    ) -> tuple[str, str | None]:
        interview_id: str = user["interview_id"]
        if email.lower() in self.refusals:  # a candidate it will not take (`reject_email`)
            return self.refusals[email.lower()], None
        enrolled = self._enrolment(email, interview_id)
        if enrolled is not None:
            if force and enrolled.coach_status == NOT_STARTED:
                self.emails_sent.append(email.lower())
                return "Invited", enrolled.profile_interview_id
            return "Skipped", enrolled.profile_interview_id
        if self._balance.exhausted:
            return NOT_ENOUGH_CREDITS, None
        url = self._interview_url(interview_id)
        self._spend(interview_id, email, "invitation", url, INVITE_PATH)
        row = self._enrol(user, email, interview_id, is_test=False)
        return ("Activated" if known else "Invited"), row.profile_interview_id

    def _invite_member(self, email: str, kind: str, known: bool, force: bool) -> str:
        roles = self._roles.setdefault(email.lower(), set())
        if kind in roles and not force:
            return "Skipped"
        self.emails_sent.append(email.lower())
        if kind in roles:
            return "Invited"
        roles.add(kind)
        return "Activated" if known else "Invited"

    def _spend(self, interview_id: str, email: str, kind: str, url: str, endpoint: str) -> None:
        self.credits.append(Credit(interview_id, email.lower(), kind, url, endpoint))
        self._balance = self._balance.spend()
        if kind == "invitation":
            self.emails_sent.append(email.lower())

    def _interview_url(self, interview_id: str) -> str:
        token = secrets.token_urlsafe(24)
        return f"{self.public_base}/interview/{interview_id}?token={token}"

    def _profile_id(self, email: str) -> str:
        return self._profiles.setdefault(email.lower(), str(uuid.uuid4()))

    def _stamp(self) -> str:
        """Now, as JobMojito writes timestamps; strictly later than the previous stamp."""
        with self._lock:
            self._last_millis = max(time.time_ns() // 1_000_000, self._last_millis + 1)
            return iso_millis(self._last_millis)

    # -- the read endpoints --

    def _merchant_status(self, request: Request, token: str) -> JsonObject:
        query = _query(request, MERCHANT_STATUS_PATH)
        merchant = self._read_merchant(query["merchant_id"])
        with self._lock:
            balance = self._balance
            interviews = len(self.interviews)
            rows = list(self._rows)
            today = self._stamp()
        return {
            "profile_id": _caller_profile_id(token),
            "default_merchant_id": self._merchant,
            "merchant_id": merchant,
            "credits_interview_monthly": balance.credits_interview_monthly,
            "credits_interview_monthly_limit": balance.credits_interview_monthly_limit,
            "credits_interview_extra": balance.credits_interview_extra,
            "credits_interview_single": balance.credits_interview_single,
            "definitions_active": interviews,
            "interviews_without_credits": 0,
            "interviews_undecided": sum(
                row.coach_status == COMPLETED and row.decision_status is None for row in rows
            ),
            "interviews_ongoing": sum(row.coach_status == STARTED for row in rows),
            "interview_results": sum(row.interview_result_id is not None for row in rows),
            "candidates": len(rows),
            "candidates_history": daily_counts((row.created_at for row in rows), today),
            "interview_result_history": daily_counts((row.started_at for row in rows), today),
            "subscription_type": balance.plan,
            "subscription_status": balance.subscription_status,
            "invitations_sent": balance.invitations_sent,
            "invitations_limit": balance.invitations_limit,
            "invitations_available": balance.invitations_available,
        }

    def _interview_get(self, request: Request, token: str) -> JsonObject:
        """`GET ?position_id=` (the OpenAPI) or `POST {"interview_id": …}` (the developer
        docs; `position_id` is taken in the body too). Unknown id -> 404, malformed -> 422."""
        if request.method == "POST":
            body = _json_object(request)
            name = "position_id" if "position_id" in body and "interview_id" not in body else None
            name = name or "interview_id"
            interview_id = body.get(name)
            if interview_id is None:
                raise _Reject(422, "Field is required.", name)
            _check_parameter(INTERVIEW_GET_PATH, "position_id", interview_id, name)
            self._read_merchant(body.get("merchant_id"))
        else:
            name = "position_id"
            interview_id = _query(request, INTERVIEW_GET_PATH)[name]
        with self._lock:
            if interview_id not in self.interviews:
                raise _Reject(404, "Interview not found.", name)
            created_at = self._defined_at.setdefault(interview_id, self._stamp())
        title = self.interview_name(interview_id)
        return interview_definition(interview_id, title, self._merchant, created_at)

    def _result_list(self, request: Request, token: str) -> JsonObject:
        query = _query(request, RESULT_LIST_PATH)
        self._read_merchant(query["merchant_id"])
        return select_results(self.results(), query)

    def _languages(self, request: Request, token: str) -> JsonObject:
        _query(request, LANGUAGES_PATH)
        return platform_languages()


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _truthy(value: Any) -> bool:
    """JobMojito's flag reading: true, or the string "true"."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _caller_profile_id(token: str) -> str:
    """The caller's profile id, as JobMojito reads it from the token (stable per token)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"jobmojito-standin/caller/{token}"))


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
    """Apply a post-processing fault to a processed answer.

    `shorter`, `reorder` and `foreign_email` act on the answer's list: the per-user results of
    the write endpoints, `data` of `merchant-result-list` (its `candidate_email`), and
    `languages` of `platform-languages-list` (which has no email to replace); an answer
    without a list (`merchant-status`, `job-interview-get`) is left as it is.
    """
    spoiled = copy.copy(outcome)
    body = outcome.body
    if fault.kind is FaultKind.MALFORMED_JSON:
        text = json.dumps(body).encode()
        spoiled.status, spoiled.raw = 200, text[: max(1, len(text) // 2)]
    elif isinstance(body, list):
        spoiled.body = _spoil_items(body, fault, "email")
    elif isinstance(body, dict) and isinstance(body.get("data"), list):
        spoiled.body = {**body, "data": _spoil_items(body["data"], fault, "candidate_email")}
    elif isinstance(body, dict) and isinstance(body.get("languages"), list):
        spoiled.body = {**body, "languages": _spoil_items(body["languages"], fault, None)}
    return spoiled


def _spoil_items(items: list[Any], fault: Fault, email_key: str | None) -> list[Any]:
    if fault.kind is FaultKind.SHORTER:
        return items[: max(0, len(items) - fault.count)]
    if fault.kind is FaultKind.REORDER:
        return list(reversed(items))
    if fault.kind is FaultKind.FOREIGN_EMAIL and items and email_key is not None:
        index = min(fault.index, len(items) - 1)
        return [
            {**item, email_key: fault.email} if position == index else item
            for position, item in enumerate(items)
        ]
    return items
