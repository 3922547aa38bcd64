"""Rows located by content at write time: where each row stands now, judged by its email."""

from __future__ import annotations

import unicodedata

from jobmojito_sheets.layout import find_layout
from jobmojito_sheets.locate import (
    header_still_matches,
    locate_rows,
    registered_rows,
    still_in_place,
)

MARK = "Pending (run abc123, 2026-11-26 03:00 UTC)"


def column(*cells: str) -> list[list[str]]:
    return [[c] if c else [] for c in cells]


EMAILS = column("Email", "a@x.com", "b@x.com", "c@x.com")
RESULTS = column("result", "", "", "")


def test_rows_still_in_place_stay() -> None:
    expected = {2: ("a@x.com", ""), 4: ("C@X.com", "")}
    assert locate_rows(expected, EMAILS, RESULTS, 1) == {2: 2, 4: 4}


def test_moved_rows_are_found_by_email() -> None:
    sorted_emails = column("Email", "c@x.com", "a@x.com", "b@x.com")
    expected = {2: ("a@x.com", ""), 3: ("b@x.com", ""), 4: ("c@x.com", "")}
    assert locate_rows(expected, sorted_emails, RESULTS, 1) == {2: 3, 3: 4, 4: 2}


def test_a_deleted_row_is_not_found() -> None:
    assert locate_rows({3: ("b@x.com", "")}, column("Email", "a@x.com", "c@x.com"), [], 1) == {
        3: None
    }


def test_the_header_row_is_never_a_target() -> None:
    emails = column("a@x.com", "Email", "b@x.com")
    assert locate_rows({3: ("a@x.com", "")}, emails, [], 2) == {3: None}


def test_rows_sharing_an_email_are_told_apart_by_their_result_cell() -> None:
    # Row 3 (sent, now pending) and row 5 (its duplicate) share an email; a blank row was
    # inserted above, so row 3 moved to 4 and row 5 to 6.
    emails = column("Email", "", "a@x.com", "b@x.com", "", "B@x.com")
    results = column("result", "", "", MARK, "", "")
    expected = {3: ("b@x.com", MARK), 5: ("B@x.com", "")}
    assert locate_rows(expected, emails, results, 1) == {3: 4, 5: 6}


def test_a_duplicate_whose_place_now_holds_the_original_moves_to_its_own_row() -> None:
    # Row 4 held the duplicate; after an insert, row 4 holds the original (same email, "ok").
    emails = column("Email", "", "x@x.com", "b@x.com", "b@x.com")
    results = column("result", "", "", "ok", "")
    assert locate_rows({4: ("b@x.com", "")}, emails, results, 1) == {4: 5}


def test_an_email_on_several_rows_with_nothing_to_tell_them_apart_is_not_located() -> None:
    emails = column("Email", "b@x.com", "b@x.com")
    assert locate_rows({4: ("b@x.com", "")}, emails, column("r", "", ""), 1) == {4: None}


def test_a_row_without_email_is_found_only_where_it_was_if_still_empty() -> None:
    emails = column("Email", "a@x.com", "", "c@x.com")
    assert locate_rows({3: ("", ""), 4: ("", "")}, emails, [], 1) == {3: 3, 4: None}


def test_header_still_matches_until_a_column_moves() -> None:
    layout = find_layout([["Name", "Email", "Result"]], 3)
    created = ["Name", "Email", "Result", "interview_url", "profile_interview_id"]
    assert header_still_matches(layout, ["Name", "Email", "Result"], created=False)
    assert header_still_matches(layout, created, created=True)
    assert not header_still_matches(layout, ["Name", "Email", "Result"], created=True)
    assert not header_still_matches(layout, ["Notes", "Name", "Email", "Result"], created=False)


def test_registered_rows_maps_each_done_or_pending_email_to_its_first_row() -> None:
    emails = column("Email", "a@x.com", "B@x.com", "c@x.com", "b@x.com", "d@x.com")
    results = column("ok", "ok", MARK, "", "ok", "Error: bad")
    assert registered_rows(emails, results, 1) == {"a@x.com": 2, "b@x.com": 3}


NFD = unicodedata.normalize("NFD", "josé@example.com")
NFC = unicodedata.normalize("NFC", "josé@example.com")


def test_a_row_is_found_whatever_spelling_of_its_email_the_sheet_holds() -> None:
    emails = column("Email", "a@x.com", NFD, "ann@xn--bcher-kva.example")
    expected = {3: (NFC, ""), 4: ("Ann@Bücher.example", "")}
    assert locate_rows(expected, emails, RESULTS, 1) == {3: 3, 4: 4}
    moved = column("Email", NFD, "a@x.com")
    assert locate_rows({3: (NFC, "")}, moved, RESULTS, 1) == {3: 2}


def test_registered_rows_are_keyed_by_mailbox() -> None:
    emails = column("Email", NFD, "ann@xn--bcher-kva.example")
    results = column("result", "ok", MARK)
    taken = registered_rows(emails, results, 1)
    assert taken == {NFC: 2, "ann@bücher.example": 3}


def _cells_of(emails: list[list[str]], results: list[list[str]]) -> dict[int, dict[int, str]]:
    """The two columns as a read of their rows finds them: email in column 0, result in 1."""
    cells: dict[int, dict[int, str]] = {}
    for column_index, values in ((0, emails), (1, results)):
        for number, value in enumerate(values, start=1):
            if value and value[0]:
                cells.setdefault(number, {})[column_index] = value[0]
    return cells


def test_rows_found_in_place_are_where_a_whole_column_read_puts_them() -> None:
    """Whenever a read of just the rows finds them in place, locating them in the whole
    columns keeps each where it is, whatever else the tab holds (duplicates, moves, typing)."""
    import random

    chance = random.Random(8)
    mailboxes = ["a@x.com", "A@X.com", "b@x.com", "c@x.com", ""]
    texts = ["", MARK, "ok", "typed"]
    in_place = 0
    for _ in range(5000):
        rows = chance.randint(2, 9)
        emails = [["Email"], *([chance.choice(mailboxes)] for _ in range(rows - 1))]
        results = [["result"], *([chance.choice(texts)] for _ in range(rows - 1))]
        expected = {
            row: (chance.choice(mailboxes), chance.choice(texts))
            for row in chance.sample(range(1, rows + 1), chance.randint(1, rows))
        }
        if still_in_place(expected, _cells_of(emails, results), 0, 1, 1):
            in_place += 1
            assert locate_rows(expected, emails, results, 1) == {row: row for row in expected}
    assert in_place > 50  # the rule was put to the test


def test_a_row_is_not_in_place_when_its_email_or_result_cell_changed() -> None:
    cells = _cells_of(column("Email", "a@x.com", "b@x.com"), column("result", MARK, MARK))
    assert still_in_place({2: ("A@X.COM", MARK), 3: ("b@x.com", MARK)}, cells, 0, 1, 1)
    assert not still_in_place({2: ("b@x.com", MARK)}, cells, 0, 1, 1)  # sorted
    assert not still_in_place({2: ("a@x.com", "")}, cells, 0, 1, 1)  # result typed over
    assert not still_in_place({4: ("c@x.com", MARK)}, cells, 0, 1, 1)  # deleted
    assert not still_in_place({1: ("Email", "result")}, cells, 0, 1, 1)  # the header
