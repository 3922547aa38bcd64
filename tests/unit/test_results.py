"""Result rules: answers mapped back to rows by email, never by position; rows to cell writes."""

from __future__ import annotations

import unicodedata

import pytest
from jobmojito_sheets.layout import Layout
from jobmojito_sheets.plan import PlannedRow, SheetRow
from jobmojito_sheets.results import Outcome, header_cells, match_results, value_ranges
from jobmojito_sheets.row_status import WOULD_SEND, RowStatus

ANN = PlannedRow(SheetRow(2, "Ann", "Ann@Example.com"), RowStatus.WOULD_SEND, WOULD_SEND)
BOB = PlannedRow(
    SheetRow(5, "Bob", "bob@example.com", external_id="B-1"), RowStatus.WOULD_SEND, WOULD_SEND
)
URL_A = "https://cool.jobmojito.com/i/ann"
URL_B = "https://cool.jobmojito.com/i/bob"


def _ok(email: str, url: str, profile: str = "p") -> dict[str, object]:
    return {"email": email, "result": "ok", "interview_url": url, "profile_interview_id": profile}


def test_answer_maps_by_email_case_insensitively() -> None:
    outcomes = match_results(
        [ANN, BOB], [_ok("ann@example.COM", URL_A, "pa"), _ok("BOB@example.com", URL_B)]
    )
    assert outcomes == {
        2: Outcome(2, RowStatus.OK, "ok", URL_A, "pa"),
        5: Outcome(5, RowStatus.OK, "ok", URL_B, "p"),
    }


def test_reordered_answer_maps_by_email_not_position() -> None:
    outcomes = match_results(
        [ANN, BOB], [_ok("bob@example.com", URL_B), _ok("ann@example.com", URL_A)]
    )
    assert outcomes[2].interview_url == URL_A
    assert outcomes[5].interview_url == URL_B


def test_shorter_answer_leaves_missing_row_absent() -> None:
    assert set(match_results([ANN, BOB], [_ok("bob@example.com", URL_B)])) == {5}
    assert match_results([ANN, BOB], []) == {}


def test_item_for_an_email_not_sent_is_ignored() -> None:
    assert match_results([ANN], [_ok("eve@example.com", URL_B)]) == {}


@pytest.mark.parametrize("external_id", ["B-2", "b-1"])
def test_same_email_other_external_id_is_ignored(external_id: str) -> None:
    item = {**_ok("bob@example.com", URL_B), "external_id": external_id}
    assert match_results([BOB], [item]) == {}


def test_same_email_same_or_absent_external_id_matches() -> None:
    item = {**_ok("bob@example.com", URL_B), "external_id": "B-1"}
    assert set(match_results([BOB], [item])) == {5}
    assert set(match_results([BOB], [_ok("bob@example.com", URL_B)])) == {5}


def test_first_item_for_an_email_wins() -> None:
    outcomes = match_results([ANN], [_ok("ann@example.com", URL_A), _ok("ann@example.com", URL_B)])
    assert outcomes[2].interview_url == URL_A


@pytest.mark.parametrize(
    "item", [None, "ann@example.com", 7, ["ann@example.com", "ok"], {"result": "ok"}, {"email": 3}]
)
def test_unusable_items_are_ignored(item: object) -> None:
    assert match_results([ANN], [item]) == {}


@pytest.mark.parametrize("url", [None, "", "   ", 42])
def test_ok_without_interview_url_says_nothing_for_sure(url: object) -> None:
    # The candidate may be registered: no outcome, so the row stays pending, never resent.
    item = {"email": "ann@example.com", "result": "ok", "interview_url": url}
    assert match_results([ANN], [item]) == {}


def test_jobmojito_error_is_kept() -> None:
    item = {"email": "ann@example.com", "result": "Error: user already registered"}
    assert match_results([ANN], [item]) == {
        2: Outcome(2, RowStatus.ERROR, "Error: user already registered")
    }


@pytest.mark.parametrize("result", ["done", "Invited", "", None, 5])
def test_results_that_are_neither_ok_nor_an_error_say_nothing_for_sure(result: object) -> None:
    assert match_results([ANN], [{"email": "ann@example.com", "result": result}]) == {}


def test_long_error_is_cut() -> None:
    item = {"email": "ann@example.com", "result": "Error: " + "x" * 2000}
    (outcome,) = match_results([ANN], [item]).values()
    assert len(outcome.result) == 500


def test_outcome_cells() -> None:
    assert Outcome(2, RowStatus.OK, "ok", URL_A, "p").cells() == {
        "result": "ok",
        "interview_url": URL_A,
        "profile_interview_id": "p",
    }
    assert Outcome(2, RowStatus.ERROR, "Error: x").cells() == {"result": "Error: x"}


LAYOUT = Layout(
    header_row=1,
    email=1,
    name=0,
    first_name=None,
    last_name=None,
    external_id=None,
    outputs={"interview_url": 3, "result": 4, "profile_interview_id": 6},
    new_headers={3: "interview_url", 6: "profile_interview_id"},
)


def test_value_ranges_groups_adjacent_and_splits_the_rest() -> None:
    data = value_ranges(
        "Sheet1",
        LAYOUT,
        {
            9: {"result": "Error: x"},
            5: {"profile_interview_id": "p", "result": "ok", "interview_url": URL_A},
        },
    )
    assert data == [
        {"range": "'Sheet1'!D5:E5", "values": [[URL_A, "ok"]]},
        {"range": "'Sheet1'!G5", "values": [["p"]]},
        {"range": "'Sheet1'!E9", "values": [["Error: x"]]},
    ]


@pytest.mark.parametrize(
    ("title", "quoted"),
    [("My 'tab'", "'My ''tab'''"), ("Candidates 2024", "'Candidates 2024'"), ("A1", "'A1'")],
)
def test_value_ranges_quotes_tab_titles(title: str, quoted: str) -> None:
    data = value_ranges(title, LAYOUT, {5: {"interview_url": URL_A, "result": "ok"}})
    assert data == [{"range": f"{quoted}!D5:E5", "values": [[URL_A, "ok"]]}]


def test_value_ranges_empty() -> None:
    assert value_ranges("Sheet1", LAYOUT, {}) == []


def test_header_cells_are_the_new_output_columns_only() -> None:
    assert header_cells(LAYOUT) == {
        "interview_url": "interview_url",
        "profile_interview_id": "profile_interview_id",
    }


def test_the_answer_maps_back_by_the_normalised_email() -> None:
    nfd = unicodedata.normalize("NFD", "josé")
    nfc = unicodedata.normalize("NFC", "josé")
    jose = PlannedRow(
        SheetRow(7, "José", f"{nfd}@XN--BCHER-KVA.example"), RowStatus.WOULD_SEND, WOULD_SEND
    )
    assert jose.email == f"{nfc}@bücher.example"  # what is sent
    for echoed in (jose.email, f"{nfc}@xn--bcher-kva.example", f"{nfd}@Bücher.EXAMPLE"):
        outcomes = match_results([jose, BOB], [_ok(echoed, URL_A)])
        assert outcomes == {7: Outcome(7, RowStatus.OK, "ok", URL_A, "p")}, echoed
    assert match_results([jose], [_ok(f"{nfc}@bucher.example", URL_A)]) == {}


def test_value_ranges_joins_adjacent_rows_that_write_the_same_columns() -> None:
    cells: dict[int, dict[str, str]] = {row: {"result": f"m{row}"} for row in range(2, 6)}
    cells[6] = {"result": "ok", "interview_url": URL_A}  # other columns: a block of its own
    cells[7] = {"result": "m7"}  # after the break: a new block
    cells[9] = {"result": "m9"}  # not adjacent to row 7
    data = value_ranges("Sheet1", LAYOUT, cells)
    assert data == [
        {"range": "'Sheet1'!E2:E5", "values": [["m2"], ["m3"], ["m4"], ["m5"]]},
        {"range": "'Sheet1'!D6:E6", "values": [[URL_A, "ok"]]},
        {"range": "'Sheet1'!E7", "values": [["m7"]]},
        {"range": "'Sheet1'!E9", "values": [["m9"]]},
    ]


def test_value_ranges_keep_two_column_runs_of_a_row_in_two_blocks() -> None:
    both = {"interview_url": URL_A, "result": "ok", "profile_interview_id": "p"}
    data = value_ranges("Sheet1", LAYOUT, {5: both, 6: both})
    assert data == [
        {"range": "'Sheet1'!D5:E6", "values": [[URL_A, "ok"], [URL_A, "ok"]]},
        {"range": "'Sheet1'!G5:G6", "values": [["p"], ["p"]]},
    ]
