"""Credits before sending and the connection check's sentences (pure rules)."""

from __future__ import annotations

from jobmojito_sheets.connection import credits_sentence, interview_name
from jobmojito_sheets.credits import Credits, shortfall

STATUS = {
    "invitations_available": 120,
    "invitations_limit": 200,
    "credits_interview_monthly": 40,
    "credits_interview_extra": 5,
    "subscription_type": "Growth",
}


def test_credits_are_read_from_the_merchant_status_with_null_for_unlimited() -> None:
    assert Credits.from_status(STATUS).to_json() == {
        "invitations_available": 120,
        "invitations_limit": 200,
        "credits_interview_monthly": 40,
        "credits_interview_extra": 5,
    }
    unlimited = Credits.from_status({**STATUS, "invitations_available": None})
    assert unlimited.invitations_available is None
    assert Credits.from_status({"invitations_available": "many"}).invitations_available is None


def test_a_run_over_the_invitations_left_is_refused_naming_both_numbers() -> None:
    credits = Credits.from_status(STATUS)
    assert shortfall(credits, 120) is None
    error = shortfall(credits, 121)
    assert error is not None and error.code == "not_enough_invitations" and error.status == 409
    assert "121" in error.message and "120" in error.message


def test_an_unlimited_or_unknown_balance_refuses_nothing() -> None:
    assert shortfall(None, 10_000) is None
    unlimited = Credits.from_status({**STATUS, "invitations_available": None})
    assert shortfall(unlimited, 10_000) is None


def test_the_credits_sentence_says_what_is_left() -> None:
    assert credits_sentence(Credits.from_status(STATUS)) == (
        "120 invitations left this period (of 200); 40 interview credits this month, 5 extra."
    )
    unlimited = Credits(None, None, None, None)
    assert credits_sentence(unlimited).startswith("unlimited invitations left this period")


def test_the_interview_name_is_found_in_the_answer_s_shape() -> None:
    assert interview_name({"name": "Backend engineer"}) == "Backend engineer"
    assert interview_name({"interview": {"title": " Sales "}}) == "Sales"
    assert interview_name({}) == "(no name)"
