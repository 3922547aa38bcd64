"""Configuration rules: defaults, and every missing or malformed variable named."""

from __future__ import annotations

import pytest
from jobmojito_sheets.config import load_settings
from jobmojito_sheets.errors import ConfigurationError

TOKEN = "jm-secret-token-123"
MINIMAL = {
    "JOBMOJITO_API_TOKEN": TOKEN,
    "ALLOWED_AUDIENCES": "https://fn.example.com",
    "ALLOWED_USERS": "ann@example.com, @example.org",
}


def _error(**changes: str | None) -> str:
    env = {**MINIMAL, **changes}
    with pytest.raises(ConfigurationError) as caught:
        load_settings({k: v for k, v in env.items() if v is not None})
    assert caught.value.status == 500
    assert caught.value.code == "configuration_error"
    return caught.value.message


def test_defaults() -> None:
    settings = load_settings(MINIMAL)
    assert settings.jobmojito_api_url == "https://cool.jobmojito.com/functions/v1"
    assert settings.sheets_api_url == "https://sheets.googleapis.com"
    assert settings.google_certs_url == "https://www.googleapis.com/oauth2/v1/certs"
    assert settings.google_tokeninfo_url == "https://oauth2.googleapis.com/tokeninfo"
    assert settings.jobmojito_api_token == TOKEN
    assert settings.jobmojito_merchant_id is None
    assert settings.allowed_audiences == ("https://fn.example.com",)
    assert settings.allowed_users == ("ann@example.com", "@example.org")
    assert (settings.batch_size, settings.concurrency, settings.max_rows) == (100, 4, 5000)
    assert settings.deadline == 50.0
    assert settings.sheets_calls_per_minute == 48
    assert settings.sheets_quota_window == 60.0


def test_overrides() -> None:
    settings = load_settings(
        {
            **MINIMAL,
            "JOBMOJITO_API_URL": "http://127.0.0.1:8080/functions/v1/",
            "SHEETS_API_URL": "http://127.0.0.1:9090",
            "JOBMOJITO_MERCHANT_ID": " m-1 ",
            "ALLOWED_USERS": "Ann@Example.com,,",
            "BATCH_SIZE": "25",
            "CONCURRENCY": "2",
            "MAX_ROWS": "10",
            "DEADLINE_SECONDS": "7.5",
            "GOOGLE_TOKENINFO_URL": "http://127.0.0.1:7070/tokeninfo",
            "SHEETS_QUOTA_WINDOW_SECONDS": "4",
        }
    )
    assert settings.sheets_quota_window == 4.0
    assert settings.google_tokeninfo_url == "http://127.0.0.1:7070/tokeninfo"
    assert settings.jobmojito_api_url == "http://127.0.0.1:8080/functions/v1"
    assert settings.sheets_api_url == "http://127.0.0.1:9090"
    assert settings.jobmojito_merchant_id == "m-1"
    assert settings.allowed_users == ("ann@example.com",)
    assert (settings.batch_size, settings.concurrency, settings.max_rows) == (25, 2, 10)
    assert settings.deadline == 7.5


def test_blank_optional_values_fall_back_to_defaults() -> None:
    settings = load_settings({**MINIMAL, "JOBMOJITO_API_URL": "  ", "BATCH_SIZE": ""})
    assert settings.jobmojito_api_url == "https://cool.jobmojito.com/functions/v1"
    assert settings.batch_size == 100


@pytest.mark.parametrize("name", ["JOBMOJITO_API_TOKEN", "ALLOWED_AUDIENCES", "ALLOWED_USERS"])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_required_variable_is_named(name: str, value: str | None) -> None:
    assert name in _error(**{name: value})


@pytest.mark.parametrize("name", ["ALLOWED_AUDIENCES", "ALLOWED_USERS"])
def test_list_of_only_commas_is_named(name: str) -> None:
    assert name in _error(**{name: " , ,"})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BATCH_SIZE", "abc"),
        ("BATCH_SIZE", "0"),
        ("BATCH_SIZE", "-5"),
        ("BATCH_SIZE", "1.5"),
        ("CONCURRENCY", "four"),
        ("MAX_ROWS", "ten"),
        ("MAX_ROWS", "0"),
        ("TIME_BUDGET_SECONDS", "-1"),
        ("TIME_BUDGET_SECONDS", "soon"),
        ("JOBMOJITO_TIMEOUT_SECONDS", "0"),
        ("SHEETS_QUOTA_WINDOW_SECONDS", "0"),
        ("SHEETS_QUOTA_WINDOW_SECONDS", "a minute"),
        ("JOBMOJITO_API_URL", "cool.jobmojito.com"),
        ("JOBMOJITO_API_URL", "ftp://cool.jobmojito.com"),
        ("SHEETS_API_URL", "sheets.googleapis.com"),
        ("GOOGLE_CERTS_URL", "file:///etc/passwd"),
        ("GOOGLE_TOKENINFO_URL", "oauth2.googleapis.com/tokeninfo"),
    ],
)
def test_malformed_variable_is_named(name: str, value: str) -> None:
    assert name in _error(**{name: value})


@pytest.mark.parametrize("entry", ["bob", "example.com", "ann@", "ann@localhost", "@"])
def test_malformed_allowed_users_entry_is_named(entry: str) -> None:
    message = _error(ALLOWED_USERS=f"ann@example.com,{entry}")
    assert "ALLOWED_USERS" in message
    assert repr(entry) in message


def test_repr_never_shows_the_token() -> None:
    settings = load_settings({**MINIMAL, "JOBMOJITO_MERCHANT_ID": "m-1"})
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)
    assert TOKEN not in f"{settings}"


def test_errors_never_show_the_token() -> None:
    assert TOKEN not in _error(BATCH_SIZE="x")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_non_finite_numbers_are_refused_naming_the_variable(value: str) -> None:
    assert "TIME_BUDGET_SECONDS" in _error(TIME_BUDGET_SECONDS=value)


@pytest.mark.parametrize("value", ["https://", "http:// x", "ftp://host"])
def test_urls_without_a_host_are_refused(value: str) -> None:
    assert "JOBMOJITO_API_URL" in _error(JOBMOJITO_API_URL=value)


def test_time_budget_seconds_is_an_alias_of_deadline_seconds() -> None:
    assert load_settings({**MINIMAL, "TIME_BUDGET_SECONDS": "12"}).deadline == 12.0
    both = {**MINIMAL, "TIME_BUDGET_SECONDS": "12", "DEADLINE_SECONDS": "30"}
    assert load_settings(both).deadline == 30.0
    assert "TIME_BUDGET_SECONDS" in _error(TIME_BUDGET_SECONDS="soon")


def test_the_state_store_is_memory_unless_firestore_is_asked_with_its_project() -> None:
    assert load_settings(MINIMAL).state_store == "memory"
    settings = load_settings(
        {
            **MINIMAL,
            "STATE_STORE": "firestore",
            "GOOGLE_CLOUD_PROJECT": "p",
            "FIRESTORE_DATABASE": "d",
        }
    )
    assert (settings.state_store, settings.google_cloud_project) == ("firestore", "p")
    assert settings.firestore_database == "d"
    assert "GOOGLE_CLOUD_PROJECT" in _error(STATE_STORE="firestore")
    assert "STATE_STORE" in _error(STATE_STORE="redis")
