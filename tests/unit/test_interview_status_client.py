"""The refresh's JobMojito read (`JobMojitoClient.results_page` / `result_pages`) over
httpx.MockTransport: the query, the paging, and which failures are tried again."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jobmojito_sheets import jobmojito
from jobmojito_sheets.deadline import Deadline
from jobmojito_sheets.interview_status import StatusRow
from jobmojito_sheets.jobmojito import (
    READ_ATTEMPTS,
    CredentialsRejected,
    JobMojitoClient,
    NotProcessed,
    RequestRefused,
)
from jobmojito_sheets.refresh import read_results
from jobmojito_sheets.request_body import InviteRequest

BASE = "https://jm.test/functions/v1/"
INTERVIEW = "04e09fa5-3fb8-4236-b37d-fca2bcd1cb66"


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobmojito, "_backoff", lambda state: 0.0)


class Pages:
    """Answers `merchant-result-list` from `total` numbered records, or a scripted failure."""

    def __init__(self, total: int, *failures: httpx.Response) -> None:
        self.total = total
        self.failures = list(failures)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failures:
            return self.failures.pop(0)
        limit, offset = int(request.url.params["limit"]), int(request.url.params["offset"])
        data = [
            {"profile_interview_id": str(n)} for n in range(offset, min(self.total, offset + limit))
        ]
        more = offset + len(data) < self.total
        body: dict[str, Any] = {"data": data, "pagination": {"has_more": more, "total": self.total}}
        return httpx.Response(200, json=body)


def _client(handler: Pages, merchant_id: str | None = "m-1") -> JobMojitoClient:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return JobMojitoClient(BASE, "tok", merchant_id, http)


def _all(client: JobMojitoClient) -> list[str]:
    pages = client.result_pages(INTERVIEW, timeout=lambda: 5.0, retry_for=lambda: 30.0)
    return [item["profile_interview_id"] for page in pages for item in page.records]


def test_the_query_asks_for_the_interview_a_thousand_at_a_time_newest_update_first() -> None:
    pages = Pages(3)
    assert _all(_client(pages)) == ["0", "1", "2"]
    (request,) = pages.requests
    assert request.method == "GET"
    assert request.url.path == "/functions/v1/merchant-result-list"
    assert dict(request.url.params) == {
        "interview_id": INTERVIEW,
        "limit": "1000",
        "offset": "0",
        "order_by": "updated_at_newest",
        "merchant_id": "m-1",
    }
    assert request.headers["Authorization"] == "Bearer tok"


def test_pages_are_followed_while_jobmojito_has_more() -> None:
    pages = Pages(2500)
    assert len(_all(_client(pages, merchant_id=None))) == 2500
    assert [r.url.params["offset"] for r in pages.requests] == ["0", "1000", "2000"]
    assert "merchant_id" not in pages.requests[0].url.params


def test_the_caller_stops_paging_by_not_asking_for_the_next_page() -> None:
    pages = Pages(5000)
    first = next(
        iter(_client(pages).result_pages(INTERVIEW, timeout=lambda: 5.0, retry_for=lambda: 30.0))
    )
    assert first.has_more and len(first.records) == 1000 and len(pages.requests) == 1


def test_an_empty_page_ends_the_paging_whatever_has_more_says() -> None:
    class Stuck(Pages):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return httpx.Response(200, json={"data": [], "pagination": {"has_more": True}})

    stuck = Stuck(0)
    assert _all(_client(stuck)) == [] and len(stuck.requests) == 1


def test_a_page_that_did_not_come_is_read_again() -> None:
    pages = Pages(2, httpx.Response(503), httpx.Response(200, text="not json"))
    assert _all(_client(pages)) == ["0", "1"] and len(pages.requests) == 3


def test_reads_are_tried_a_bounded_number_of_times() -> None:
    pages = Pages(2, *[httpx.Response(500)] * 10)
    with pytest.raises(NotProcessed):
        _all(_client(pages))
    assert len(pages.requests) == READ_ATTEMPTS


def test_no_retry_when_the_time_left_is_one_try() -> None:
    pages = Pages(2, httpx.Response(503))
    client = _client(pages)
    with pytest.raises(NotProcessed):
        list(client.result_pages(INTERVIEW, timeout=lambda: 5.0, retry_for=lambda: 5.0))
    assert len(pages.requests) == 1


@pytest.mark.parametrize(
    ("status", "error"), [(401, CredentialsRejected), (403, RequestRefused), (422, RequestRefused)]
)
def test_refusals_are_not_retried(status: int, error: type[Exception]) -> None:
    pages = Pages(2, httpx.Response(status, json={"error": "no"}))
    with pytest.raises(error):
        _all(_client(pages))
    assert len(pages.requests) == 1


class Moving:
    """Newest update first, as JobMojito orders them; after the first page, the result at
    `moved` is updated (it jumps to the front, pushing the rest down one place)."""

    def __init__(self, total: int, moved: int) -> None:
        self.order = [
            {
                "profile_interview_id": f"pi-{n}",
                "candidate_email": f"c{n}@example.com",
                "status": "invited",
                "coach_status": "not_started",
                "updated_at": f"2026-01-01T00:{59 - n // 60:02d}:{59 - n % 60:02d}Z",
            }
            for n in range(total)
        ]
        self.moved = moved
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        limit, offset = int(request.url.params["limit"]), int(request.url.params["offset"])
        data = self.order[offset : offset + limit]
        if len(self.requests) == 1:  # the candidate finishes while the next page is asked for
            item = self.order.pop(self.moved)
            item = {**item, "coach_status": "completed", "updated_at": "2026-02-01T00:00:00Z"}
            self.order.insert(0, item)
        more = offset + len(data) < len(self.order)
        return httpx.Response(200, json={"data": data, "pagination": {"has_more": more}})


def test_a_result_that_moved_while_the_pages_were_read_is_read_again() -> None:
    moving = Moving(1500, moved=1200)
    client = JobMojitoClient(BASE, "tok", None, httpx.Client(transport=httpx.MockTransport(moving)))
    request = InviteRequest("s", 0, None, ("2:3",), "url", INTERVIEW, action="status")
    rows = [StatusRow(2, "c1200@example.com"), StatusRow(3, "nobody@example.com")]
    index, complete = read_results(client, request, rows, Deadline.after(50.0), 10.0)
    assert complete
    assert index.by_email["c1200@example.com"].interview_status == "completed"
    assert [r.url.params["offset"] for r in moving.requests] == ["0", "1000", "0"]
