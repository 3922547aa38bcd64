"""The JobMojito shell: `POST /job-interview-register-users` over httpx, and the reads
(`/merchant-status`, `/job-interview-get`, `/merchant-result-list`).

Each call ends in exactly one way, and the caller's promises depend on telling them apart:
an answer (a list of per-user results); `CredentialsRejected` (401) and `RequestRefused`
(403, 404, 409, 422: JobMojito read the request and processed nothing); `NotProcessed` (the
request certainly never took effect: the connection was refused, or 429/503 after bounded
retries); `Ambiguous` (it may have been processed: a timeout after sending, a dropped
connection, a 5xx, a body that is not the expected JSON). Only the certain cases are ever
retried, so no credit is spent twice. (`NotStarted` is the caller's: a batch it never sent.)
The personal invitation's `POST /invite-users` (and `GET /platform-languages-list`) too: both
spending calls end the same way, as one place (`_send_once`) decides what an answer means.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)

REGISTER_PATH = "/job-interview-register-users"
STATUS_PATH = "/merchant-status"
INTERVIEW_PATH = "/job-interview-get"
RESULT_LIST_PATH = "/merchant-result-list"
RESULTS_PAGE_LIMIT = 1000  # the OpenAPI's maximum
# Newest update first: a mailbox's first record met is its latest, so paging can stop as soon
# as every row has its record.
RESULTS_ORDER = "updated_at_newest"
READ_ATTEMPTS = 3
READ_TIMEOUT = 10.0
RETRY_STATUSES = frozenset({429, 503})
REFUSAL_STATUSES = frozenset({403, 404, 409, 422})
MAX_ATTEMPTS = 4
MAX_RETRY_SECONDS = 20.0
MAX_RETRY_AFTER = 10.0
# The personal invitation and its languages.
INVITE_PATH = "/invite-users"
LANGUAGES_PATH = "/platform-languages-list"
# `/invite-users` creates each user as this kind of account: an interview candidate.
CANDIDATE = "candidate"

log = logging.getLogger(__name__)


class JobMojitoFailure(Exception):
    """A call that did not produce per-user results."""


class CredentialsRejected(JobMojitoFailure):
    """401: the token is missing, malformed, expired or revoked; nothing was processed."""


class RequestRefused(JobMojitoFailure):
    """JobMojito refused the request as a whole and processed nothing: 403 (the credentials
    may not do this: role or merchant), 404 (unknown interview), 409 (a conflict with the
    interview's state) or 422 (a field it will not take)."""

    def __init__(self, error: str, name: str | None, status: int = 422) -> None:
        super().__init__(error)
        self.error = error
        self.name = name
        self.status = status


class NotProcessed(JobMojitoFailure):
    """The request certainly had no effect (refused connection, 429/503, another 4xx)."""


class _Retryable(NotProcessed):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotStarted(JobMojitoFailure):
    """The batch was never sent: the call's time ran out, or the run stopped, before its turn."""


class Ambiguous(JobMojitoFailure):
    """JobMojito may have processed the request; its rows must not be sent again blindly."""


@dataclass(frozen=True)
class UserPayload:
    name: str
    email: str
    external_id: str = ""

    def to_json(self) -> dict[str, str]:
        body = {"name": self.name, "email": self.email}
        if self.external_id:
            body["external_id"] = self.external_id
        return body


@dataclass(frozen=True)
class ResultsPage:
    """One page of `GET /merchant-result-list`: its records (`data`), where it started, and
    whether JobMojito has more (`pagination.has_more`)."""

    records: list[dict[str, Any]]
    offset: int
    has_more: bool


_backoff = wait_exponential_jitter(multiplier=0.5, max=5.0, jitter=0.5)


def _wait(state: RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, _Retryable) and error.retry_after is not None:
        return min(error.retry_after, MAX_RETRY_AFTER)
    return float(_backoff(state))


def _retry_after(response: httpx.Response) -> float | None:
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _error_fields(response: httpx.Response) -> tuple[str, str | None]:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}", None
    if not isinstance(body, dict):
        return f"HTTP {response.status_code}", None
    error = body.get("error")
    name = body.get("name")
    return (str(error)[:300] if error else f"HTTP {response.status_code}"), (
        str(name)[:100] if name else None
    )


def _raise_if_refused(response: httpx.Response) -> None:
    """JobMojito read the request and processed nothing: 401, or a refusal with its status."""
    status = response.status_code
    if status == 401:
        raise CredentialsRejected(f"HTTP {status}")
    if status in REFUSAL_STATUSES:
        error_text, name = _error_fields(response)
        raise RequestRefused(error_text, name, status)


class JobMojitoClient:
    """Registers users for an interview; takes its `httpx.Client` so tests can swap transports."""

    def __init__(
        self, base_url: str, token: str, merchant_id: str | None, http: httpx.Client
    ) -> None:
        self._base = base_url.rstrip("/")
        self._url = self._base + REGISTER_PATH
        self._token = token
        self._merchant_id = merchant_id
        self._http = http

    def body(
        self,
        interview_id: str,
        invite_type: str,
        hide_menu: bool,
        users: Sequence[UserPayload],
        *,
        is_test: bool = False,
    ) -> dict[str, Any]:
        """The cookbook's body plus the OpenAPI's `send_email` (its schemas accept both), and
        `is_test` only in test mode (JobMojito then takes draft interviews, flags results)."""
        body: dict[str, Any] = {
            "interview_id": interview_id,
            "type": invite_type,
            "send_email": invite_type == "invitation",
            "hide_menu": hide_menu,
            "users": [user.to_json() for user in users],
        }
        if is_test:
            body["is_test"] = True
        if self._merchant_id:
            body["merchant_id"] = self._merchant_id
        return body

    def register(
        self,
        interview_id: str,
        invite_type: str,
        hide_menu: bool,
        users: Sequence[UserPayload],
        *,
        retry_for: float = MAX_RETRY_SECONDS,
        timeout: float | None = None,
        is_test: bool = False,
    ) -> list[object]:
        """Send one batch; retried only where JobMojito certainly did not process it, and
        only while a retry can start within `retry_for` seconds (the call's deadline).
        `timeout` bounds each try's wait for the answer (the client's own when None)."""
        body = self.body(interview_id, invite_type, hide_menu, users, is_test=is_test)
        return self._spend(self._url, body, retry_for, timeout)

    def _spend(
        self, url: str, body: dict[str, Any], retry_for: float, timeout: float | None
    ) -> list[object]:
        """One spending call, retried as `register` says (the same for every spending path)."""
        window = max(0.0, min(retry_for, MAX_RETRY_SECONDS))
        limit = None if timeout is None else httpx.Timeout(timeout, connect=min(5.0, timeout))
        retrying = Retrying(
            stop=stop_after_attempt(MAX_ATTEMPTS) | stop_before_delay(window),
            wait=_wait,
            retry=retry_if_exception_type(_Retryable),
            reraise=True,
        )
        result: list[object] = retrying(self._send_once, url, body, limit)
        return result

    # -- the personal invitation (`/invite-users`) and the languages it may be written in --

    def invite_body(
        self,
        interview_id: str,
        users: Sequence[UserPayload],
        *,
        message: str | None = None,
        language: str | None = None,
    ) -> dict[str, Any]:
        """`InviteUsersRequest`: each user a `candidate` of the interview, with the
        recruiter's message and the profiles' language only when given."""
        body: dict[str, Any] = {
            "users": [
                {"name": u.name, "email": u.email, "type": CANDIDATE, "interview_id": interview_id}
                for u in users
            ]
        }
        if message:
            body["message_from_recruiter"] = message
        if language:
            body["mojito_language_code"] = language
        if self._merchant_id:
            body["merchant_id"] = self._merchant_id
        return body

    def invite(
        self,
        interview_id: str,
        users: Sequence[UserPayload],
        *,
        message: str | None = None,
        language: str | None = None,
        retry_for: float = MAX_RETRY_SECONDS,
        timeout: float | None = None,
    ) -> list[object]:
        """Invite one batch by JobMojito's own email; ends exactly as `register` does."""
        body = self.invite_body(interview_id, users, message=message, language=language)
        return self._spend(self._base + INVITE_PATH, body, retry_for, timeout)

    def languages(self, *, timeout: float = READ_TIMEOUT) -> dict[str, Any]:
        """`GET /platform-languages-list`: the platform's languages, as JobMojito lists them."""
        return self._read(LANGUAGES_PATH, {}, timeout)

    def merchant_status(self, *, timeout: float = READ_TIMEOUT) -> dict[str, Any]:
        """`GET /merchant-status`: the merchant's credits and invitation headroom."""
        params = {"merchant_id": self._merchant_id} if self._merchant_id else {}
        return self._read(STATUS_PATH, params, timeout)

    def interview(self, interview_id: str, *, timeout: float = READ_TIMEOUT) -> dict[str, Any]:
        """`GET /job-interview-get?position_id=…` (as the OpenAPI gives it): the interview."""
        return self._read(INTERVIEW_PATH, {"position_id": interview_id}, timeout)

    def results_page(
        self,
        interview_id: str,
        offset: int,
        *,
        limit: int = RESULTS_PAGE_LIMIT,
        timeout: float = READ_TIMEOUT,
        retry_for: float = 0.0,
    ) -> ResultsPage:
        """`GET /merchant-result-list` for one interview, newest update first: one page.

        A read is safe to repeat, so a page that did not come (no answer, 429, 5xx, not the
        expected JSON) is tried again while another try can end within `retry_for` seconds;
        a 401 or a refusal is not. Each try waits at most `timeout` seconds."""
        params = {
            "interview_id": interview_id,
            "limit": str(limit),
            "offset": str(offset),
            "order_by": RESULTS_ORDER,
        }
        if self._merchant_id:
            params["merchant_id"] = self._merchant_id
        window = max(0.0, retry_for - timeout)  # a try that starts in it ends in time
        retrying = Retrying(
            stop=stop_after_attempt(READ_ATTEMPTS) | stop_before_delay(window),
            wait=_backoff,
            retry=retry_if_exception_type(NotProcessed),
            reraise=True,
        )
        answer = retrying(self._read, RESULT_LIST_PATH, params, timeout)
        data, pagination = answer.get("data"), answer.get("pagination")
        if not isinstance(data, list):
            raise NotProcessed("the answer had no list of results")
        records = [item for item in data if isinstance(item, dict)]
        more = isinstance(pagination, dict) and pagination.get("has_more") is True
        return ResultsPage(records, offset, more and bool(records))  # an empty page ends it

    def result_pages(
        self,
        interview_id: str,
        *,
        timeout: Callable[[], float],
        retry_for: Callable[[], float],
    ) -> Iterator[ResultsPage]:
        """Every page of the interview's results, following `pagination.has_more`; the
        caller stops early by not asking for the next page. `timeout` and `retry_for` are
        asked before each page (the time left changes)."""
        offset = 0
        while True:
            page = self.results_page(interview_id, offset, timeout=timeout(), retry_for=retry_for())
            yield page
            if not page.has_more:
                return
            offset += len(page.records)

    def _read(self, path: str, params: dict[str, str], timeout: float) -> dict[str, Any]:
        """A GET: safe to repeat, so any failure ends it the same way as a refused batch."""
        headers = {"Authorization": f"Bearer {self._token}"}
        limit = httpx.Timeout(timeout, connect=min(5.0, timeout))
        try:
            response = self._http.get(
                self._base + path, params=params, headers=headers, timeout=limit
            )
        except httpx.HTTPError as error:
            raise NotProcessed(f"no answer ({type(error).__name__})") from None
        status = response.status_code
        _raise_if_refused(response)
        try:
            answer = response.json() if status == 200 else None
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise NotProcessed(f"HTTP {status}")
        return answer

    def _send_once(
        self, url: str, body: dict[str, Any], limit: httpx.Timeout | None
    ) -> list[object]:
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            if limit is None:
                response = self._http.post(url, json=body, headers=headers)
            else:
                response = self._http.post(url, json=body, headers=headers, timeout=limit)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            # The connection was never made: the request did not reach JobMojito.
            raise _Retryable(f"could not connect ({type(error).__name__})") from None
        except httpx.HTTPError as error:
            raise Ambiguous(f"no complete answer ({type(error).__name__})") from None
        status = response.status_code
        _raise_if_refused(response)
        if status in RETRY_STATUSES:
            raise _Retryable(f"HTTP {status}", _retry_after(response))
        if 400 <= status < 500:
            raise NotProcessed(f"HTTP {status}")
        if status != 200:
            raise Ambiguous(f"HTTP {status}")
        try:
            answer = response.json()
        except ValueError:
            raise Ambiguous("the answer was not JSON") from None
        if not isinstance(answer, list):
            raise Ambiguous("the answer was not a list of results")
        return answer
