"""Logs as Cloud Logging's structured entries: one JSON object per line.

Cloud Logging reads each line a Cloud Run service writes to stdout or stderr as one entry, and
a line that is a JSON object as a structured one: `severity` and `message` become the entry's
severity and summary, the other fields its `jsonPayload`. Every value is JSON-escaped (and
non-ASCII written as `\\uXXXX`), so no value, whatever newline or quote it holds, can end a
line early or forge another entry. Facts travel as fields, never pasted into the message:

    log.info("run finished", extra=fields(caller=email, counts=counts))

Tokens and secrets are never a field (`token_owner.token_hash` is the only form of a token
that may be).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

FIELDS = "structured_fields"

# Python's levels as Cloud Logging's LogSeverity names.
SEVERITY = {
    logging.DEBUG: "DEBUG",
    logging.INFO: "INFO",
    logging.WARNING: "WARNING",
    logging.ERROR: "ERROR",
    logging.CRITICAL: "CRITICAL",
}

# Libraries whose INFO lines would name URLs with query strings (httpx logs every request).
QUIET_LOGGERS = ("httpx", "httpcore", "urllib3", "google.auth")


def fields(**values: Any) -> dict[str, Any]:
    """The `extra=` of a log call whose values go into the entry as fields."""
    return {FIELDS: values}


def entry(record: logging.LogRecord, formatter: logging.Formatter) -> dict[str, Any]:
    """One log record as a structured entry (pure, apart from formatting a traceback)."""
    result: dict[str, Any] = {
        "severity": SEVERITY.get(record.levelno, "DEFAULT"),
        "message": record.getMessage(),
        "logger": record.name,
        "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
    }
    extra = getattr(record, FIELDS, None)
    if isinstance(extra, Mapping):
        for key, value in extra.items():
            result.setdefault(str(key), value)
    if record.exc_info:
        result["stack_trace"] = formatter.formatException(record.exc_info)
    return result


class StructuredFormatter(logging.Formatter):
    """Formats each record as one line of JSON in Cloud Logging's structured form."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(entry(record, self), ensure_ascii=True, default=str)


def configure(level: int = logging.INFO, stream: TextIO | None = None) -> logging.Handler:
    """Send every log record of the process, as structured lines, to `stream` (stderr)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(StructuredFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    return handler
