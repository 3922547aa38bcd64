"""The refresh's JobMojito read (`JobMojitoClient.results_page` / `result_pages`) over
httpx.MockTransport: the query, the paging, and which failures are tried again."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jobmojito_sheets import jobmojito
from jobmojito_sheets.jobmojito import (
    READ_ATTEMPTS,
    CredentialsRejected,
    JobMojitoClient,
    NotProcessed,
    RequestRefused,
)

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
