"""The Apps Script's fake function answers from recordings of the real function
(`sandbox/script_fixtures.py`); these tests keep the recordings current and complete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jobmojito_sheets.interview_status import SUMMARY_FIELDS
from jobmojito_sheets.row_status import OK, OK_TEST, REFRESH_STATUSES, SETTLED_NO_LINK, RowStatus

from sandbox.script_fixtures import (
    FIXTURES_DIR,
    SCENARIOS,
    normalise,
    record_all,
    render,
    stale,
)


def _fixtures() -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text("utf-8")) for path in FIXTURES_DIR.glob("*.json")}


def _answers(fixtures: dict[str, dict[str, Any]]) -> list[tuple[bool, dict[str, Any]]]:
    """(dry run?, answer) of every recorded call (a refresh and the languages have no dry run)."""
    return [
        (call["request"].get("dry_run", False), call["answer"])
        for fixture in fixtures.values()
        for call in fixture["calls"]
    ]


def _calls(fixtures: dict[str, dict[str, Any]], action: str) -> list[dict[str, Any]]:
    """The recorded calls of one action (`invite` when the request names none)."""
    return [
        call
        for fixture in fixtures.values()
        for call in fixture["calls"]
        if call["request"].get("action", "invite") == action
    ]


def test_the_committed_fixtures_are_what_the_function_answers_now(tmp_path: Path) -> None:
    record_all(tmp_path)
    problems = stale(tmp_path, FIXTURES_DIR)
    assert not problems, "\n".join(problems) + "\nRun `make fixtures` and commit the result."


def test_a_stale_fixture_is_named(tmp_path: Path) -> None:
    fresh, committed = tmp_path / "fresh", tmp_path / "committed"
    for directory in (fresh, committed):
        directory.mkdir()
        (directory / "same.json").write_text("{}\n")
    (fresh / "changed.json").write_text('{"status": "ok"}\n')
    (committed / "changed.json").write_text('{"status": "done"}\n')
    (fresh / "new.json").write_text("{}\n")
    (committed / "gone.json").write_text("{}\n")
    assert stale(fresh, committed) == [
        f"{committed / 'changed.json'} differs from what the function answers now",
        f"{committed / 'gone.json'} belongs to no scenario",
        f"{committed / 'new.json'} is missing",
    ]


def test_every_scenario_has_its_file_and_every_file_a_scenario() -> None:
    assert set(_fixtures()) == {scenario.name for scenario in SCENARIOS}


def test_the_fixtures_cover_every_status_and_every_shape_the_script_reads() -> None:
    answers = _answers(_fixtures())
    rows = [(dry, row) for dry, answer in answers for row in answer.get("rows", [])]
    dry_statuses = {row["status"] for dry, row in rows if dry}
    real_statuses = {row["status"] for dry, row in rows if not dry}
    assert dry_statuses == {
        "would_send", "registered", "duplicate", "invalid", "interrupted", "recovered",
    }  # fmt: skip
    assert real_statuses | dry_statuses == {str(status) for status in RowStatus}
    assert any(row.get("written") is False for _, row in rows), "a row with written: false"
    assert all("written" not in row for dry, row in rows if dry), "dry runs leave written out"
    assert any(answer.get("remaining") for _, answer in answers), "a `remaining` continuation"
    errors = [answer for _, answer in answers if "error" in answer]
    assert {e["error"]["code"] for e in errors} >= {
        "jobmojito_rejected_request",
        "unauthenticated",
        "jobmojito_credentials_rejected",
    }
    assert any("rows" in e for e in errors) and any("rows" not in e for e in errors)


def test_the_fixtures_cover_the_refresh_the_personal_invitation_test_mode_and_languages() -> None:
    fixtures = _fixtures()
    refreshes = [call["answer"] for call in _calls(fixtures, "status")]
    refreshed = {row["status"] for answer in refreshes for row in answer["rows"]}
    assert refreshed == {str(status) for status in REFRESH_STATUSES} | {"invalid", "not_yet"}
    assert {
        row["result"] for a in refreshes for row in a["rows"] if row["status"] == "settled"
    } == {
        OK,
        SETTLED_NO_LINK,
    }, "a settled row with its link and one without"
    assert any(a["remaining"] for a in refreshes), "a refresh's `remaining`"
    assert all(set(a["summary"]) == set(SUMMARY_FIELDS) for a in refreshes)
    invites = _calls(fixtures, "invite")
    personal = [c for c in invites if c["request"]["type"] == "personal_invitation"]
    assert {c["request"]["dry_run"] for c in personal} == {True, False}
    assert {row["status"] for c in personal for row in c["answer"]["rows"]} >= {
        "invited", "activated", "already_invited", "error",
    }  # fmt: skip
    tests = [c for c in invites if c["request"].get("is_test") is True]
    assert {c["request"]["dry_run"] for c in tests} == {True, False}
    assert {row["result"] for c in tests for row in c["answer"]["rows"]} >= {OK_TEST}
    languages = _calls(fixtures, "languages")
    assert languages and all(c["status"] == 200 and c["answer"]["languages"] for c in languages)


def test_what_varies_between_runs_gets_a_stable_placeholder() -> None:
    link = "https://interview.jobmojito.test/interview/04e09fa5-3fb8-4236-b37d-fca2bcd1cb66?token="
    recorded = {
        "rows": [
            {
                "result": "Pending (run 3fa2b1, 2026-11-30 03:24 UTC)",
                "interview_url": link + "Xy_1",
            },
            {
                "interview_url": link + "Zz-2",
                "profile_interview_id": "9b2c6a9e-1d7e-4c1a-9f55-0e6b1f3c2d4a",
            },
            {"interview_url": link + "Xy_1", "note": "http://127.0.0.1:53117/x"},
            {"interview_url": link + "earlier-run"},
        ]
    }
    assert normalise(recorded, frozenset({"earlier-run"})) == {
        "rows": [
            {"result": "Pending (run <run-id>, <time> UTC)", "interview_url": link + "<token-1>"},
            {"interview_url": link + "<token-2>", "profile_interview_id": "<uuid-1>"},
            {"interview_url": link + "<token-1>", "note": "http://<loopback>/x"},
            {"interview_url": link + "earlier-run"},
        ]
    }


def test_a_fixture_file_is_rendered_the_same_way_twice() -> None:
    for name, fixture in _fixtures().items():
        path = FIXTURES_DIR / f"{name}.json"
        assert render(fixture) == path.read_text("utf-8"), path


def test_jobmojito_update_times_get_one_placeholder_unless_the_recorder_chose_them() -> None:
    recorded = {
        "rows": [
            {"status_updated": "2026-11-30T09:15:00Z"},
            {"status_updated": "2026-11-30T09:15:01Z"},
            {"status_updated": "2026-01-05T08:00:00Z"},
            {"status_updated": ""},
        ]
    }
    assert normalise(recorded, frozenset({"2026-01-05T08:00:00Z"})) == {
        "rows": [
            {"status_updated": "<updated>"},
            {"status_updated": "<updated>"},
            {"status_updated": "2026-01-05T08:00:00Z"},
            {"status_updated": ""},
        ]
    }
