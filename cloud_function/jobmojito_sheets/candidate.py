"""What is sent for a candidate, made from what the recruiter typed (pure).

The Sheet keeps what the recruiter typed; JobMojito gets a clean form of it:
- the email as email-validator normalises it (`ValidatedEmail.normalized`: Unicode NFC,
  the domain lower-cased and in its Unicode form, so `ann@xn--bcher-kva.example` and
  `ann@bücher.example` are one address);
- the name with control and format characters removed (Unicode categories Cc and Cf: bidi
  overrides and isolates such as U+202E, zero-width spaces, byte-order marks) and its
  whitespace, line breaks included, collapsed to single spaces. The zero-width joiner and
  non-joiner (U+200D, U+200C) are kept: they are part of how Persian, Indic and emoji
  spellings are written, and PRECIS (RFC 8264) keeps them too.

One mailbox is one candidate: `email_key` is the form every comparison of emails uses
(de-duplication, locating a row, matching JobMojito's answer), and agrees between a typed
spelling and its normalised form.
"""

from __future__ import annotations

import contextlib
import importlib
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from email_validator import EmailNotValidError, ValidatedEmail

MAX_CELL_LENGTH = 1000  # a name, email or candidate id cell longer than this is refused
MAX_NAME_LENGTH = 200

_KEPT_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d"})  # ZWNJ, ZWJ


def clean_name(text: str) -> str:
    """The name as sent: no control or format characters, whitespace collapsed."""
    if text.isprintable():  # no Cc or Cf character (the usual name): nothing to take out
        return " ".join(text.split())
    kept = "".join(
        char
        for char in text
        if char.isspace()
        or char in _KEPT_FORMAT_CHARACTERS
        or unicodedata.category(char) not in ("Cc", "Cf")
    )
    return " ".join(kept.split())


@cache
def _email_validator() -> tuple[Callable[..., ValidatedEmail], type[EmailNotValidError]]:
    """email-validator's `validate_email` and its error, imported on first use (its patterns
    take ~20 ms to compile) rather than at cold start, with each domain checked once per
    process.

    Most of `validate_email`'s time (about 60%) goes to the domain (UTS-46, character by
    character), and a candidate list has few domains: thousands of addresses at a handful of
    employers and mail providers. `validate_email_domain_name` is a pure function of its
    arguments (a domain in, its two spellings out, or `EmailSyntaxError`), so the name
    `validate_email` calls is bound to a cached copy of it; a refused domain is not cached
    and is refused again each time. email-validator is pinned (pyproject.toml) and
    `tests/unit/test_candidate.py` checks the cached checks agree with the library's own.
    """
    from email_validator import EmailNotValidError, syntax, validate_email

    # The module, not the function the package re-exports under the same name.
    module = importlib.import_module("email_validator.validate_email")
    name = "validate_email_domain_name"
    if getattr(module, name) is syntax.validate_email_domain_name:
        setattr(module, name, lru_cache(maxsize=4096)(syntax.validate_email_domain_name))
    return validate_email, EmailNotValidError


@lru_cache(maxsize=32768)
def check_email(text: str) -> tuple[str | None, str | None]:
    """(the normalised address, None), or (None, why it is not an address); no network.

    Cached: the preview and the run that follows it check the same addresses."""
    validate_email, not_valid = _email_validator()
    try:
        validated = validate_email(text, check_deliverability=False)
    except not_valid as error:
        return None, str(error)
    return validated.normalized, None


def normalized_email(text: str) -> str | None:
    """The address as sent, or None when `text` is not a valid address."""
    if len(text) > MAX_CELL_LENGTH:
        return None
    return check_email(text)[0]


def _unicode_domain(domain: str) -> str:
    labels = []
    for label in domain.split("."):
        if label[:4].lower() == "xn--":
            with contextlib.suppress(UnicodeError, ValueError):
                label = label[4:].encode("ascii").decode("punycode")
        labels.append(label)
    return ".".join(labels)


@lru_cache(maxsize=65536)
def email_key(text: str) -> str:
    """The form emails are compared in: trimmed, NFC, punycode labels of the domain in
    Unicode, lower-cased. Never raises; cached, as each run compares the same column's
    emails several times (claim, locate, match)."""
    text = unicodedata.normalize("NFC", text.strip())
    local, at, domain = text.rpartition("@")
    if at and "xn--" in domain.lower():
        text = f"{local}@{unicodedata.normalize('NFC', _unicode_domain(domain))}"
    return text.lower()
