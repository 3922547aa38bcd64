"""Configuration, read from environment variables only."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from jobmojito_sheets.errors import ConfigurationError

DEFAULT_JOBMOJITO_API_URL = "https://cool.jobmojito.com/functions/v1"
DEFAULT_SHEETS_API_URL = "https://sheets.googleapis.com"
DEFAULT_GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
DEFAULT_GOOGLE_TOKENINFO_URL = "https://oauth2.googleapis.com/tokeninfo"


@dataclass(frozen=True)
class Settings:
    """Everything the function needs to know about where it runs and who may call it."""

    jobmojito_api_url: str
    jobmojito_api_token: str
    jobmojito_merchant_id: str | None
    sheets_api_url: str
    allowed_audiences: tuple[str, ...]
    allowed_users: tuple[str, ...]
    google_certs_url: str
    google_tokeninfo_url: str = DEFAULT_GOOGLE_TOKENINFO_URL
    batch_size: int = 100
    concurrency: int = 4
    max_rows: int = 5000
    jobmojito_timeout: float = 30.0
    sheets_timeout: float = 20.0
    deadline: float = 50.0
    write_interval: float = 10.0
    sheets_calls_per_minute: int = 48
    # How long Google's per-user Sheets quota takes to refill (a minute): the pacer's window,
    # and the longest wait a call asks for after a 429. Tests scale it down.
    sheets_quota_window: float = 60.0
    state_store: str = "memory"
    google_cloud_project: str | None = None
    firestore_database: str | None = None
    store_timeout: float = 10.0

    def __repr__(self) -> str:  # never print the token
        return f"Settings(jobmojito_api_url={self.jobmojito_api_url!r}, ...)"


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or " " in value:
        raise ConfigurationError(
            f"The function's setting {name} must be an http(s) URL; ask the engineer who "
            "deployed it to fix it."
        )
    return value.rstrip("/")


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigurationError(
            f"The function's setting {name} is not set; ask the engineer who deployed it to set it."
        )
    return value


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    items = tuple(item.strip() for item in _required(env, name).split(",") if item.strip())
    if not items:
        raise ConfigurationError(
            f"The function's setting {name} is empty; ask the engineer who deployed it to set it."
        )
    return items


def _number(env: Mapping[str, str], name: str, default: float, *, integer: bool) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        value = -1
    if not math.isfinite(value) or value <= 0:
        kind = "a whole number" if integer else "a number"
        raise ConfigurationError(
            f"The function's setting {name} must be {kind} above zero (it is {raw!r}); ask the "
            "engineer who deployed it to fix it."
        )
    return value


def _users(env: Mapping[str, str]) -> tuple[str, ...]:
    users = tuple(u.lower() for u in _list(env, "ALLOWED_USERS"))
    for user in users:
        _, at, domain = user.rpartition("@")
        if not at or not domain or "." not in domain:
            raise ConfigurationError(
                "The function's setting ALLOWED_USERS must list emails and @domain entries "
                f"separated by commas ({user!r} is neither); ask the engineer who deployed it."
            )
    return users


def _deadline(env: Mapping[str, str]) -> float:
    """DEADLINE_SECONDS, or its older name TIME_BUDGET_SECONDS (kept as an alias)."""
    if env.get("DEADLINE_SECONDS", "").strip() or not env.get("TIME_BUDGET_SECONDS", "").strip():
        return _number(env, "DEADLINE_SECONDS", 50.0, integer=False)
    return _number(env, "TIME_BUDGET_SECONDS", 50.0, integer=False)


def _store(env: Mapping[str, str]) -> tuple[str, str | None, str | None]:
    """STATE_STORE (memory or firestore) and, for firestore, the project and database."""
    kind = env.get("STATE_STORE", "").strip().lower() or "memory"
    if kind not in ("memory", "firestore"):
        raise ConfigurationError(
            f"The function's setting STATE_STORE must be memory or firestore (it is {kind!r}); "
            "ask the engineer who deployed it to fix it."
        )
    project = env.get("GOOGLE_CLOUD_PROJECT", "").strip() or None
    if kind == "firestore" and project is None:
        raise ConfigurationError(
            "The function's setting GOOGLE_CLOUD_PROJECT is not set, and STATE_STORE=firestore "
            "needs it; ask the engineer who deployed it to set it."
        )
    return kind, project, env.get("FIRESTORE_DATABASE", "").strip() or None


def load_settings(env: Mapping[str, str]) -> Settings:
    """Read and check every setting; a missing or malformed one raises naming the variable."""
    state_store, project, database = _store(env)
    return Settings(
        jobmojito_api_url=_url(env, "JOBMOJITO_API_URL", DEFAULT_JOBMOJITO_API_URL),
        jobmojito_api_token=_required(env, "JOBMOJITO_API_TOKEN"),
        jobmojito_merchant_id=env.get("JOBMOJITO_MERCHANT_ID", "").strip() or None,
        sheets_api_url=_url(env, "SHEETS_API_URL", DEFAULT_SHEETS_API_URL),
        allowed_audiences=_list(env, "ALLOWED_AUDIENCES"),
        allowed_users=_users(env),
        google_certs_url=_url(env, "GOOGLE_CERTS_URL", DEFAULT_GOOGLE_CERTS_URL),
        google_tokeninfo_url=_url(env, "GOOGLE_TOKENINFO_URL", DEFAULT_GOOGLE_TOKENINFO_URL),
        batch_size=int(_number(env, "BATCH_SIZE", 100, integer=True)),
        concurrency=int(_number(env, "CONCURRENCY", 4, integer=True)),
        max_rows=int(_number(env, "MAX_ROWS", 5000, integer=True)),
        jobmojito_timeout=_number(env, "JOBMOJITO_TIMEOUT_SECONDS", 30.0, integer=False),
        sheets_timeout=_number(env, "SHEETS_TIMEOUT_SECONDS", 20.0, integer=False),
        deadline=_deadline(env),
        write_interval=_number(env, "SHEETS_WRITE_INTERVAL_SECONDS", 10.0, integer=False),
        state_store=state_store,
        google_cloud_project=project,
        firestore_database=database,
        store_timeout=_number(env, "STATE_STORE_TIMEOUT_SECONDS", 10.0, integer=False),
        sheets_calls_per_minute=int(_number(env, "SHEETS_CALLS_PER_MINUTE", 48, integer=True)),
        sheets_quota_window=_number(env, "SHEETS_QUOTA_WINDOW_SECONDS", 60.0, integer=False),
    )
