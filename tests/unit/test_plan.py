"""Plan rules: which rows are sent, skipped or refused, before any credit is spent."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest
from jobmojito_sheets.layout import find_layout
from jobmojito_sheets.plan import (
    PlannedRow,
    SheetRow,
    batches,
    plan_invites,
    read_rows,
)
from jobmojito_sheets.row_status import ALREADY_REGISTERED, INTERRUPTED, WOULD_SEND, RowStatus

ANN = "ann@example.com"
BOB = "bob@example.com"
URL = "https://cool.jobmojito.com/i/abc"


def _plan(*rows: SheetRow, force: bool = False) -> dict[int, tuple[RowStatus, str]]:
    return {p.row: (p.status, p.result) for p in plan_invites(rows, force=force).rows}


def test_valid_row_is_sent() -> None:
    plan = plan_invites([SheetRow(2, "Ann", ANN)], force=False)
    assert [(p.row, p.status, p.result) for p in plan.rows] == [
        (2, RowStatus.WOULD_SEND, WOULD_SEND)
    ]
    assert [p.row for p in plan.to_send] == [2]
    assert not plan.rows[0].refused


def test_empty_name() -> None:
    assert _plan(SheetRow(2, "", ANN)) == {2: (RowStatus.INVALID, "Error: name is empty")}


def test_empty_email() -> None:
    assert _plan(SheetRow(2, "Ann", "")) == {2: (RowStatus.INVALID, "Error: email is empty")}


@pytest.mark.parametrize("email", ["bob", "a@", "a@b", "a b@example.com", "@example.com"])
def test_invalid_email(email: str) -> None:
    ((action, result),) = _plan(SheetRow(2, "Bob", email)).values()
    assert action is RowStatus.INVALID
    assert result.startswith("Error: invalid email address")


def test_bad_rows_are_never_sent_and_do_not_claim_their_email() -> None:
    plan = plan_invites([SheetRow(2, "", ANN), SheetRow(3, "Ann", ANN)], force=False)
    assert [p.row for p in plan.to_send] == [3]


def test_duplicates_are_case_insensitive_and_sent_once() -> None:
    plan = plan_invites(
        [
            SheetRow(2, "Ann", ANN),
            SheetRow(3, "Bob", BOB),
            SheetRow(5, "Ann again", "ANN@Example.com"),
            SheetRow(8, "Ann thrice", ANN),
        ],
        force=False,
    )
    assert [p.row for p in plan.to_send] == [2, 3]
    assert {p.row: p.result for p in plan.rows if p.status is RowStatus.DUPLICATE} == {
        5: "Skipped: duplicate of row 2",
        8: "Skipped: duplicate of row 2",
    }
    assert [p.row for p in plan.rows if p.refused] == [5, 8]


def test_registered_row_is_skipped_and_not_written() -> None:
    plan = plan_invites([SheetRow(2, "Ann", ANN, result="ok", interview_url=URL)], force=False)
    (planned,) = plan.rows
    assert (planned.status, planned.result) == (RowStatus.REGISTERED, ALREADY_REGISTERED)
    assert not planned.refused
    assert plan.to_send == []


@pytest.mark.parametrize("result", ["ok", "OK", "Ok"])
def test_registered_ok_is_case_insensitive(result: str) -> None:
    row = SheetRow(2, "Ann", ANN, result=result, interview_url=URL)
    assert _plan(row)[2][0] is RowStatus.REGISTERED


def test_registered_row_is_sent_again_with_force() -> None:
    row = SheetRow(2, "Ann", ANN, result="ok", interview_url=URL)
    assert _plan(row, force=True) == {2: (RowStatus.WOULD_SEND, WOULD_SEND)}


def test_ok_without_url_is_registered_too() -> None:
    # Its credit is spent whether or not the link cell still holds the link: the preview and
    # the real run (row_status.cell_state) agree, and nothing is spent twice.
    assert _plan(SheetRow(2, "Ann", ANN, result="ok")) == {
        2: (RowStatus.REGISTERED, ALREADY_REGISTERED)
    }
    assert _plan(SheetRow(2, "Ann", ANN, result=" OK ")) == {
        2: (RowStatus.REGISTERED, ALREADY_REGISTERED)
    }


def test_earlier_error_result_is_sent_again() -> None:
    row = SheetRow(2, "Ann", ANN, result="Error: no credit", interview_url=URL)
    assert _plan(row) == {2: (RowStatus.WOULD_SEND, WOULD_SEND)}


def test_duplicate_above_a_registered_row_is_not_sent() -> None:
    plan = _plan(
        SheetRow(2, "Ann", "Ann@example.com"),
        SheetRow(6, "Ann", ANN, result="ok", interview_url=URL),
    )
    assert plan == {
        2: (RowStatus.DUPLICATE, "Skipped: duplicate of row 6"),
        6: (RowStatus.REGISTERED, ALREADY_REGISTERED),
    }


def test_with_force_the_first_row_is_sent_and_the_registered_one_is_a_duplicate() -> None:
    plan = _plan(
        SheetRow(2, "Ann", ANN),
        SheetRow(6, "Ann", ANN, result="ok", interview_url=URL),
        force=True,
    )
    assert plan == {
        2: (RowStatus.WOULD_SEND, WOULD_SEND),
        6: (RowStatus.DUPLICATE, "Skipped: duplicate of row 2"),
    }


def test_pending_row_is_skipped_unless_force() -> None:
    row = SheetRow(4, "Ann", ANN, result="Pending (run 2024-05-01T10:00Z)")
    plan = plan_invites([row], force=False)
    assert [(p.status, p.result) for p in plan.rows] == [(RowStatus.INTERRUPTED, INTERRUPTED)]
    assert not plan.rows[0].refused
    assert _plan(row, force=True) == {4: (RowStatus.WOULD_SEND, WOULD_SEND)}


def test_duplicate_above_a_pending_row_is_not_sent() -> None:
    plan = _plan(SheetRow(2, "Ann", ANN), SheetRow(3, "Ann", ANN, result="Pending (run x)"))
    assert plan[2] == (RowStatus.DUPLICATE, "Skipped: duplicate of row 3")


def test_plan_keeps_row_order_and_counts() -> None:
    plan = plan_invites(
        [
            SheetRow(2, "Ann", ANN, result="ok", interview_url=URL),
            SheetRow(3, "Bob", BOB),
            SheetRow(4, "", "x@example.com"),
            SheetRow(5, "Bob", BOB),
        ],
        force=False,
    )
    assert [p.row for p in plan.rows] == [2, 3, 4, 5]
    actions = Counter(p.status for p in plan.rows)
    assert actions == {
        RowStatus.WOULD_SEND: 1,
        RowStatus.INVALID: 1,
        RowStatus.DUPLICATE: 1,
        RowStatus.REGISTERED: 1,
    }
    assert [p.row for p in plan.rows if p.refused] == [4, 5]


# read_rows: from cells to SheetRow

NAME_LAYOUT = find_layout(
    [["Title"], ["Name", "Email", "Candidate ID", "Result", "Interview URL"]], widest_row=5
)
SPLIT_LAYOUT = find_layout([["First name", "Last name", "Email"]], widest_row=3)


def test_read_rows_skips_header_and_blank_rows_in_sheet_order() -> None:
    rows = read_rows(
        NAME_LAYOUT,
        {
            5: ["  Bob ", BOB, "", "ok", URL, "p-1"],
            1: ["Title"],
            2: ["Name", "Email", "Candidate ID", "Result", "Interview URL"],
            3: ["", "  ", "", "Error: x"],
            4: [],
            6: ["", "", "C-9"],
        },
    )
    assert rows == [
        SheetRow(5, "Bob", BOB, "", "ok", URL, "p-1"),
        SheetRow(6, "", "", "C-9"),
    ]


def test_read_rows_short_rows_read_as_empty_cells() -> None:
    assert read_rows(NAME_LAYOUT, {3: ["Ann"]}) == [SheetRow(3, "Ann", "")]


@pytest.mark.parametrize(
    ("first", "last", "name"),
    [
        ("Ann", "Lee", "Ann Lee"),
        (" Ann ", " Lee ", "Ann Lee"),
        ("Ann", "", "Ann"),
        ("", "Lee", "Lee"),
    ],
)
def test_read_rows_joins_first_and_last_name(first: str, last: str, name: str) -> None:
    (row,) = read_rows(SPLIT_LAYOUT, {2: [first, last, ANN]})
    assert row.name == name


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        ("  Ann\tLee \n", "Ann\tLee"),
        ("Ann\x07Lee", "Ann\x07Lee"),
        ("\u202eeeL nnA", "\u202eeeL nnA"),
        ("  محمد علي  ", "محمد علي"),
        ('=HYPERLINK("x")', '=HYPERLINK("x")'),
    ],
)
def test_names_are_trimmed_but_otherwise_kept(cell: str, name: str) -> None:
    (row,) = read_rows(NAME_LAYOUT, {3: [cell, ANN]})
    assert row.name == name
    assert _plan(row) == {3: (RowStatus.WOULD_SEND, WOULD_SEND)}


@pytest.mark.parametrize(
    ("count", "size", "sizes"),
    [(0, 3, []), (1, 3, [1]), (3, 3, [3]), (7, 3, [3, 3, 1]), (5, 100, [5])],
)
def test_batches(count: int, size: int, sizes: list[int]) -> None:
    rows = [
        PlannedRow(SheetRow(n, "N", f"n{n}@example.com"), RowStatus.WOULD_SEND, WOULD_SEND)
        for n in range(count)
    ]
    split = batches(rows, size)
    assert [len(batch) for batch in split] == sizes
    assert [p for batch in split for p in batch] == rows


# -- what is sent, and what makes a row invalid ------------------------------------------------

NFD_ANN = unicodedata.normalize("NFD", "Ánn")
NFC_ANN = unicodedata.normalize("NFC", "Ánn")


def test_names_are_sent_clean_and_the_row_keeps_what_was_typed() -> None:
    typed = SheetRow(2, "\u202eAnn\u202c\r\n  Lee\x07", "Ann@Example.COM")
    (planned,) = plan_invites([typed], force=False).rows
    assert planned.status is RowStatus.WOULD_SEND
    assert (planned.name, planned.email) == ("Ann Lee", "Ann@example.com")
    assert planned.source == typed


@pytest.mark.parametrize(
    ("name", "email", "result"),
    [
        ("N" * 201, "a@x.com", "Error: name is too long (over 200 characters)"),
        ("N" * 1001, "a@x.com", "Error: name is too long (over 200 characters)"),
        ("\u202e\u200b", "a@x.com", "Error: name is empty"),
        ("Ann", "e" * 1001, "Error: email is too long (over 1000 characters)"),
        ("N" * 5000, "e" * 5000, "Error: email is too long (over 1000 characters)"),
    ],
)
def test_overlong_or_invisible_names_and_huge_emails_are_invalid(
    name: str, email: str, result: str
) -> None:
    assert _plan(SheetRow(2, name, email))[2] == (RowStatus.INVALID, result)


def test_a_200_character_name_is_sent() -> None:
    assert _plan(SheetRow(2, "N" * 200, "a@x.com"))[2][0] is RowStatus.WOULD_SEND
    assert _plan(SheetRow(2, " " + "N" * 200 + "\u200b ", "a@x.com"))[2][0] is RowStatus.WOULD_SEND


def test_spellings_of_one_mailbox_are_one_candidate() -> None:
    rows = [
        SheetRow(2, "A", f"{NFD_ANN}@bücher.example"),
        SheetRow(3, "B", f"{NFC_ANN}@xn--bcher-kva.example"),
        SheetRow(4, "C", f"{NFC_ANN.upper()}@BÜCHER.example"),
        SheetRow(5, "D", f"{NFC_ANN}@bucher.example"),  # another domain: another mailbox
    ]
    plan = _plan(*rows)
    assert plan[2][0] is RowStatus.WOULD_SEND
    assert plan[3] == plan[4] == (RowStatus.DUPLICATE, "Skipped: duplicate of row 2")
    assert plan[5][0] is RowStatus.WOULD_SEND


def test_a_registered_spelling_claims_the_others() -> None:
    rows = [
        SheetRow(2, "A", f"{NFD_ANN}@x.com"),
        SheetRow(3, "B", f"{NFC_ANN}@x.com", result="ok"),
    ]
    assert _plan(*rows)[2] == (RowStatus.DUPLICATE, "Skipped: duplicate of row 3")


def test_read_rows_keeps_at_most_1001_characters_of_a_name_or_email_cell() -> None:
    layout = find_layout([["Name", "Email"]], widest_row=2)
    (row,) = read_rows(layout, {2: {0: "N" * 50_000, 1: "e" * 50_000}})
    assert len(row.name) == len(row.email) == 1001
    assert _plan(row)[2][0] is RowStatus.INVALID


def test_read_rows_takes_sparse_rows() -> None:
    layout = find_layout([["Name", "", "", "Email"]], widest_row=4)
    assert read_rows(layout, {2: {0: "Ann", 3: "ann@x.com"}, 3: {}}) == [
        SheetRow(2, "Ann", "ann@x.com")
    ]


def test_a_candidate_id_over_1000_characters_is_refused_not_sent_cut() -> None:
    plan = _plan(
        SheetRow(2, "Ann", ANN, external_id="x" * 1001), SheetRow(3, "Bob", BOB, "y" * 1000)
    )
    assert plan[2] == (RowStatus.INVALID, "Error: candidate id is too long (over 1000 characters)")
    assert plan[3] == (RowStatus.WOULD_SEND, WOULD_SEND)


def test_a_row_whose_result_cell_is_too_long_to_put_back_is_left_alone() -> None:
    long_text = "n" * 1001
    plan = plan_invites(
        [SheetRow(2, "Ann", ANN, result=long_text), SheetRow(3, "", BOB, result=long_text)],
        force=True,
    )
    assert [(p.status, p.refused) for p in plan.rows] == [(RowStatus.NOT_SENT, False)] * 2
    assert plan.to_send == []
    assert plan.rows[0].result.startswith("Not sent: the result cell holds over 1000 characters")
    assert _plan(SheetRow(2, "Ann", ANN, result="n" * 1000))[2][0] is RowStatus.WOULD_SEND
