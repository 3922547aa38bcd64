"""The Sheets shell: gspread's HTTP client, pointed at SHEETS_API_URL, with the caller's token.

Every call uses the caller's own OAuth access token, so the function reads and writes only
what the caller could; it holds no Sheets credentials of its own. Each call ends in one way:
an answer; `InviteError` with the code the failure means (`sheets_errors` tells 403s apart);
or, for a 429 that outlasts the call's deadline, `QuotaExceeded` with the seconds to wait.
Calls are paced within the caller's per-minute quota (`quota.Pacer`); reads and writes are
idempotent, so 429 and 5xx answers are retried with capped, jittered backoff, and every
wait, retries included, ends before the call's deadline.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.credentials import Credentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEET_VALUES_BATCH_URL
from gspread.utils import absolute_range_name
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception, wait_exponential_jitter

from jobmojito_sheets.deadline import Deadline
from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import (
    BadRequest,
    InviteError,
    NotFound,
    Unauthenticated,
    UpstreamError,
)
from jobmojito_sheets.quota import CallKind, Pacer, QuotaWaitTooLong
from jobmojito_sheets.sheets_errors import forbidden
from jobmojito_sheets.value_stream import Values, read_value_ranges

GOOGLE_SHEETS_API = "https://sheets.googleapis.com"
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ATTEMPTS = 4  # for 5xx and dropped connections; a 429 is retried while the deadline allows
MAX_RETRY_AFTER = 10.0
_READS = frozenset({"fetch_sheet_metadata", "values_batch_get", "values_streamed"})
# A cell read is kept to its first 1,001 characters (`value_stream`): one more than any rule
# allows (`candidate.MAX_CELL_LENGTH`), so an over-long cell is still seen as one.
CELL_LIMIT = 1001

log = logging.getLogger(__name__)

# The connections to Google, kept from one call to the next: each call's session carries only
# its caller's token (added to each request), and every session sends through this one pool,
# so a call does not open a new TLS connection to Sheets. urllib3's pools are thread-safe.
SHEETS_CONNECTIONS = HTTPAdapter(pool_connections=4, pool_maxsize=16)


@dataclass(frozen=True)
class Tab:
    sheet_id: int
    title: str
    row_count: int
    column_count: int


def _status(error: BaseException | None) -> int | None:
    return error.response.status_code if isinstance(error, APIError) else None


def _transient(error: BaseException) -> bool:
    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return True
    return _status(error) in RETRYABLE_STATUSES


_backoff = wait_exponential_jitter(multiplier=0.5, max=8.0, jitter=0.5)


class QuotaExceeded(InviteError):
    """Google still answered 429 when the call's deadline came: the caller's per-minute quota
    is spent elsewhere. `retry_after` is how long to wait before the next call."""

    code = ErrorCode.SHEETS_QUOTA_EXCEEDED

    def __init__(self, retry_after: float) -> None:
        super().__init__()
        self.retry_after = max(1, math.ceil(retry_after))
        self.extra["retry_after_seconds"] = self.retry_after


def _wait(state: RetryCallState) -> float:
    """Honour Retry-After when the API sends one, else back off exponentially with jitter."""
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, APIError):
        retry_after = error.response.headers.get("Retry-After", "")
        try:
            seconds = float(retry_after)
        except ValueError:
            seconds = math.nan
        if math.isfinite(seconds):
            return min(max(seconds, 0.0), MAX_RETRY_AFTER)
    return float(_backoff(state))


class _SheetsHTTPClient(HTTPClient):
    """gspread's client with our base URL, no token refresh, paced calls, and retries bounded
    by the deadline."""

    def __init__(
        self, base_url: str, access_token: str, timeout: float, deadline: Deadline, pacer: Pacer
    ) -> None:
        credentials = Credentials(token=access_token)  # type: ignore[no-untyped-call]
        # The caller's token cannot be refreshed here: a 401 is answered, not retried.
        session = AuthorizedSession(  # type: ignore[no-untyped-call]
            credentials, refresh_status_codes=()
        )
        for scheme in ("https://", "http://"):
            session.mount(scheme, SHEETS_CONNECTIONS)
        super().__init__(auth=credentials, session=session)
        self._cap = timeout
        self._deadline = deadline
        self._pacer = pacer
        self._base_url = base_url.rstrip("/")
        self.final = False  # the last write may use the reserve
        self.first_429: float | None = None

    def _may_wait(self) -> float:
        d = self._deadline
        return d.left() if self.final else d.left_for_work()

    def _stop(self, state: RetryCallState) -> bool:
        """Stop when the next try could not end before the deadline; a 5xx or a dropped
        connection gets MAX_ATTEMPTS tries, a 429 as many as the deadline allows."""
        error = state.outcome.exception() if state.outcome else None
        if (state.upcoming_sleep or 0.0) + 1.0 >= self._may_wait():
            return True
        return _status(error) != 429 and state.attempt_number >= MAX_ATTEMPTS

    def request(  # type: ignore[override]
        self,
        method: str,
        endpoint: str,
        params: MutableMapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        if endpoint.startswith(GOOGLE_SHEETS_API):
            endpoint = self._base_url + endpoint[len(GOOGLE_SHEETS_API) :]
        retrying = Retrying(
            stop=self._stop, wait=_wait, retry=retry_if_exception(_transient), reraise=True
        )
        response: requests.Response = retrying(self._once, method, endpoint, params, kwargs)
        return response

    def _once(
        self,
        method: str,
        endpoint: str,
        params: MutableMapping[str, Any] | None,
        kwargs: dict[str, Any],
    ) -> requests.Response:
        self.timeout = max(0.5, min(self._cap, self._may_wait()))
        try:
            response: requests.Response = super().request(method, endpoint, params, **kwargs)
        except APIError as error:
            self._note(error)
            raise
        return response

    def values_streamed(self, id: str, ranges: list[str], params: dict[str, Any]) -> Values:
        """`values.batchGet`, its answer parsed as it arrives (`value_stream`), never whole."""
        endpoint = self._base_url + SPREADSHEET_VALUES_BATCH_URL[len(GOOGLE_SHEETS_API) :] % id
        retrying = Retrying(
            stop=self._stop, wait=_wait, retry=retry_if_exception(_transient), reraise=True
        )
        answer: Values = retrying(self._stream_once, endpoint, {**params, "ranges": ranges})
        return answer

    def _stream_once(self, endpoint: str, params: dict[str, Any]) -> Values:
        self.timeout = max(0.5, min(self._cap, self._may_wait()))
        with self.session.request(
            "get", endpoint, params=params, timeout=self.timeout, stream=True
        ) as response:
            if not response.ok:
                error = APIError(response)
                self._note(error)
                raise error
            response.raw.decode_content = True  # gzip, when Google sends it, undone as read
            return read_value_ranges(response.raw, CELL_LIMIT)

    def _note(self, error: APIError) -> None:
        """Remember when the first 429 came: the quota window is counted from it."""
        if _status(error) == 429 and self.first_429 is None:
            self.first_429 = self._deadline.clock()

    def pace(self, kind: CallKind) -> None:
        try:
            self._pacer.acquire(kind, self._may_wait())
        except QuotaWaitTooLong as wait:
            raise QuotaExceeded(wait.seconds) from None

    def quota_wait(self) -> float:
        """How long until the quota window that refused us (the pacer's) has passed."""
        since = self._deadline.clock() - (self.first_429 or self._deadline.clock())
        return max(1.0, self._pacer.window - since)


def _translate(error: Exception) -> InviteError:
    """A Sheets API failure as a sentence for the recruiter (never the token, never a trace)."""
    status = _status(error)
    if status == 401:
        return Unauthenticated(
            "Google did not accept your access to Google Sheets; reload the spreadsheet and "
            "run the menu again.",
            code=ErrorCode.SHEETS_TOKEN_REJECTED,
        )
    if status == 403:
        body = error.error if isinstance(error, APIError) else {}
        return forbidden(body if isinstance(body, dict) else {})
    if status == 404:
        return NotFound(
            "The spreadsheet was not found; check that it still exists and that the menu was "
            "run from it.",
            code=ErrorCode.SPREADSHEET_NOT_FOUND,
        )
    if status == 400:
        detail = error.error.get("message", "") if isinstance(error, APIError) else ""
        log.warning("Sheets API refused a request: %s", detail)
        return BadRequest(
            "Google Sheets refused the selected ranges; select the candidate rows again.",
            code=ErrorCode.INVALID_RANGE,
        )
    return UpstreamError(
        "Google Sheets is not answering right now; wait a minute and run the menu again.",
        code=ErrorCode.SHEETS_UNAVAILABLE,
    )


class SheetsGateway:
    """The handful of Sheets API calls the function makes, on one spreadsheet."""

    def __init__(
        self,
        base_url: str,
        access_token: str,
        spreadsheet_id: str,
        timeout: float,
        *,
        deadline: Deadline,
        pacer: Pacer,
    ) -> None:
        self._client = _SheetsHTTPClient(base_url, access_token, timeout, deadline, pacer)
        self._id = spreadsheet_id

    def finishing(self) -> None:
        """From now on calls may use the time reserved for the last write."""
        self._client.final = True

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        self._client.pace(CallKind.READ if method in _READS else CallKind.WRITE)
        try:
            return getattr(self._client, method)(self._id, *args, **kwargs)
        except (APIError, requests.RequestException) as error:
            if _status(error) == 429:
                raise QuotaExceeded(self._client.quota_wait()) from None
            raise _translate(error) from None

    def tabs(self) -> list[Tab]:
        """Every tab's id, title and grid size (one `spreadsheets.get`)."""
        meta = self._call("fetch_sheet_metadata", params={"fields": "sheets.properties"})
        tabs = []
        for sheet in meta.get("sheets", []):
            props = sheet.get("properties", {})
            grid = props.get("gridProperties", {})
            tabs.append(
                Tab(
                    sheet_id=int(props.get("sheetId", 0)),
                    title=str(props.get("title", "")),
                    row_count=int(grid.get("rowCount", 0)),
                    column_count=int(grid.get("columnCount", 0)),
                )
            )
        return tabs

    def read(self, tab: Tab, ranges: Sequence[str]) -> Values:
        """The displayed values of several ranges of a tab, in one `values.batchGet`, each
        cell cut to its first `CELL_LIMIT` characters as the answer streams in."""
        answer: Values = self._call(
            "values_streamed",
            [absolute_range_name(tab.title, a1) for a1 in ranges],
            params={"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"},
        )
        return answer

    def append_columns(self, tab: Tab, count: int) -> None:
        """Grow the tab's grid by `count` columns (writes outside the grid are refused)."""
        body = {
            "requests": [
                {
                    "appendDimension": {
                        "sheetId": tab.sheet_id,
                        "dimension": "COLUMNS",
                        "length": count,
                    }
                }
            ]
        }
        self._call("batch_update", body)

    def write(self, data: Sequence[Mapping[str, object]]) -> None:
        """Write every range in one `values.batchUpdate`, RAW, so text is never a formula."""
        if data:
            self._call("values_batch_update", body={"valueInputOption": "RAW", "data": list(data)})
