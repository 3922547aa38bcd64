"""Layout rules: header row, input columns found by header text, output columns placed."""

from __future__ import annotations

import pytest
from jobmojito_sheets.errors import BadRequest
from jobmojito_sheets.layout import (
    OUTPUT_COLUMNS,
    Layout,
    column_letter,
    find_header_row,
    find_layout,
)


def test_header_row_is_first_of_top_rows_with_an_email_header() -> None:
    top = [["Candidates, spring intake"], [], ["Name", "Email"], ["Ann", "ann@example.com"]]
    layout = find_layout(top, widest_row=2)
    assert layout.header_row == 3
    assert (layout.name, layout.email) == (0, 1)


def test_header_row_in_fifth_row_is_found() -> None:
    top = [["title"], [], [], [], ["Name", "Email"]]
    assert find_header_row(top) == 5


def test_email_header_below_top_five_is_not_found() -> None:
    top = [["title"], [], [], [], [], ["Name", "Email"]]
    assert find_header_row(top) is None
    with pytest.raises(BadRequest) as caught:
        find_layout(top, widest_row=2)
    assert caught.value.code == "no_email_column"


def test_no_email_header_at_all() -> None:
    with pytest.raises(BadRequest) as caught:
        find_layout([["Name", "Mail me"]], widest_row=2)
    assert caught.value.code == "no_email_column"


def test_no_name_column() -> None:
    with pytest.raises(BadRequest) as caught:
        find_layout([["Title"], ["Email", "Phone"]], widest_row=2)
    assert caught.value.code == "no_name_column"
    assert "row 2" in caught.value.message


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Email", "email"),
        ("E-Mail", "email"),
        ("EMAIL", "email"),
        (" email ", "email"),
        ("Email Address", "email"),
        ("email_address", "email"),
        ("Name", "name"),
        ("Full name", "name"),
        ("Candidate", "name"),
        ("candidate-name", "name"),
        ("First Name", "first_name"),
        ("last_name", "last_name"),
        ("Candidate ID", "external_id"),
        ("External ID", "external_id"),
        ("external-id", "external_id"),
        ("Interview URL", "interview_url"),
        ("RESULT", "result"),
        ("Profile Interview Id", "profile_interview_id"),
        ("profile_interview_id", "profile_interview_id"),
    ],
)
def test_header_matching_is_case_space_dash_underscore_insensitive(header: str, role: str) -> None:
    layout = find_layout([[header, "Email", "Name"]], widest_row=3)
    found = layout.outputs[role] if role in OUTPUT_COLUMNS else getattr(layout, role)
    assert found == 0


@pytest.mark.parametrize("header", ["Emails", "E mail 2", "Name of school", "Candidates"])
def test_unrelated_headers_are_not_matched(header: str) -> None:
    layout = find_layout([[header, "Email", "Name"]], widest_row=3)
    assert layout.email == 1
    assert layout.name == 2
    assert layout.external_id is None


def test_first_and_last_name_columns() -> None:
    layout = find_layout([["First name", "Last name", "Email"]], widest_row=3)
    assert (layout.name, layout.first_name, layout.last_name, layout.email) == (None, 0, 1, 2)


def test_first_header_of_a_role_wins() -> None:
    layout = find_layout([["Name", "Email", "E-mail"]], widest_row=3)
    assert layout.email == 1


def test_missing_outputs_go_right_of_header_row_last_filled_cell() -> None:
    layout = find_layout([["Name", "Email", "", "Notes"]], widest_row=2)
    assert layout.outputs == {"interview_url": 4, "result": 5, "profile_interview_id": 6}
    assert layout.new_headers == {4: "interview_url", 5: "result", 6: "profile_interview_id"}
    assert layout.width_needed == 7


def test_missing_outputs_go_right_of_widest_data_row() -> None:
    layout = find_layout([["Name", "Email"]], widest_row=5)
    assert layout.outputs == {"interview_url": 5, "result": 6, "profile_interview_id": 7}
    assert layout.letters() == {"interview_url": "F", "result": "G", "profile_interview_id": "H"}


def test_existing_outputs_are_found_wherever_they_are() -> None:
    layout = find_layout([["Result", "Name", "Email", "", "Interview URL"]], widest_row=6)
    assert layout.outputs == {"interview_url": 4, "result": 0, "profile_interview_id": 6}
    assert layout.new_headers == {6: "profile_interview_id"}


def test_all_outputs_present_adds_no_headers() -> None:
    layout = find_layout(
        [["Name", "Email", "Profile interview ID", "Result", "Interview URL"]], widest_row=5
    )
    assert layout.outputs == {"interview_url": 4, "result": 3, "profile_interview_id": 2}
    assert layout.new_headers == {}
    assert layout.width_needed == 5


def test_layout_is_plain_data() -> None:
    layout = Layout(
        header_row=1,
        email=1,
        name=0,
        first_name=None,
        last_name=None,
        external_id=None,
        outputs={"interview_url": 2, "result": 27, "profile_interview_id": 3},
    )
    assert layout.width_needed == 28
    assert layout.letters()["result"] == "AB"


@pytest.mark.parametrize(
    ("index", "letters"),
    [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")],
)
def test_column_letter(index: int, letters: str) -> None:
    assert column_letter(index) == letters
