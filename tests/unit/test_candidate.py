"""What is sent for a candidate: names cleaned, emails normalised, one key per mailbox."""

from __future__ import annotations

import unicodedata

import pytest
from jobmojito_sheets.candidate import (
    MAX_CELL_LENGTH,
    clean_name,
    email_key,
    normalized_email,
)

NFD = unicodedata.normalize("NFD", "José")
NFC = unicodedata.normalize("NFC", "José")


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("Ada Lovelace", "Ada Lovelace"),
        ("  Ada \t Lovelace \r\n", "Ada Lovelace"),
        ("Ada\r\nLovelace", "Ada Lovelace"),
        ("Ada\u2028Lovelace", "Ada Lovelace"),  # line separator is whitespace
        ("Ada\u00a0Lovelace", "Ada Lovelace"),  # no-break space
        ("Ann\x07 Lee", "Ann Lee"),  # Cc
        ("Ann\x00Lee", "AnnLee"),
        ("\u202eevil\u202c Name", "evil Name"),  # bidi override and pop (Cf)
        ("A\u202aB\u202bC\u202dD", "ABCD"),  # U+202A..U+202E
        ("A\u2066B\u2067C\u2068D\u2069", "ABCD"),  # isolates U+2066..U+2069
        ("Zero\u200bWidth", "ZeroWidth"),  # zero-width space (Cf)
        ("\ufeffBOM", "BOM"),
        ("Soft\u00adHyphen", "SoftHyphen"),
        ("a \u202e b", "a b"),  # removing a character never leaves two spaces
        ("👩\u200d💻 Zed\u200dJoiner", "👩\u200d💻 Zed\u200dJoiner"),  # ZWJ kept
        ("\u0639\u0644\u06cc\u200c\u0631\u0636\u0627",) * 2,  # ZWNJ kept (Persian)
        ("مريم الحسن", "مريم الحسن"),
        ("\u202e\u200b\x07", ""),
    ],
)
def test_names_are_cleaned_before_sending(typed: str, sent: str) -> None:
    assert clean_name(typed) == sent


def test_no_control_or_format_character_survives_but_the_joiners() -> None:
    every = "".join(chr(c) for c in range(0x3000) if not 0xD800 <= c <= 0xDFFF)
    left = {unicodedata.category(ch) for ch in clean_name(every) if ch not in "\u200c\u200d"}
    assert not left & {"Cc", "Cf"}
    assert not any(ch.isspace() and ch != " " for ch in clean_name(every))


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("Ann@Example.COM", "Ann@example.com"),
        ("ann@xn--bcher-kva.example", "ann@bücher.example"),
        ("ann@BÜCHER.example", "ann@bücher.example"),
        (f"{NFD}@example.com", f"{NFC}@example.com"),
    ],
)
def test_emails_are_sent_normalised(typed: str, sent: str) -> None:
    assert normalized_email(typed) == sent


@pytest.mark.parametrize(
    "typed", ["", "bob@@example.com", "ann\u202e@example.com", "ann@example", "a" * 2000]
)
def test_not_an_address_has_no_normal_form(typed: str) -> None:
    assert normalized_email(typed) is None


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ann@example.com", "ANN@EXAMPLE.COM"),
        (" ann@example.com ", "ann@example.com"),
        (f"{NFD}@example.com", f"{NFC}@example.com"),
        ("ann@xn--bcher-kva.example", "ann@bücher.example"),
        ("ann@XN--BCHER-KVA.example", "Ann@Bücher.Example"),
        ("ann@xn--bcher-kva.example", "ann@bücher.example"),
    ],
)
def test_spellings_of_one_mailbox_have_one_key(one: str, other: str) -> None:
    assert email_key(one) == email_key(other)
    typed_key = email_key(one)
    normal = normalized_email(one.strip())  # cells are read trimmed
    assert normal is not None and email_key(normal) == typed_key


@pytest.mark.parametrize(
    ("one", "other"),
    [("ann@example.com", "anne@example.com"), ("ann@bucher.example", "ann@bücher.example")],
)
def test_other_mailboxes_have_other_keys(one: str, other: str) -> None:
    assert email_key(one) != email_key(other)


@pytest.mark.parametrize("text", ["", "@", "no-at-sign", "a@xn--", "a@xn--!!!", "a@b@c"])
def test_email_key_never_raises(text: str) -> None:
    assert isinstance(email_key(text), str)


def test_cell_limit() -> None:
    assert MAX_CELL_LENGTH == 1000


def _clean_name_by_the_full_rule(text: str) -> str:
    """`clean_name` without its shortcut for printable text: every character looked at."""
    kept = "".join(
        ch
        for ch in text
        if ch.isspace() or ch in "\u200c\u200d" or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    return " ".join(kept.split())


def test_the_shortcut_for_printable_names_cleans_as_the_full_rule() -> None:
    for code in range(0x3000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        typed = f" Ann{chr(code)}Lee  {chr(code)} "
        assert clean_name(typed) == _clean_name_by_the_full_rule(typed), hex(code)


ADDRESSES = [
    "ann@example.com",
    "Ann.Lee+jobs@Mail.Example.COM",
    "ann@xn--bcher-kva.example",
    "ann@BÜCHER.example",
    "ann@bücher.example",
    "josé@exämple.com",
    "ann@example",
    "ann@localhost",
    "ann@example..com",
    "ann@-example.com",
    "ann@exa_mple.com",
    "ann@\u2488example.com",  # expands to a dot under UTS-46
    "ann@" + "a" * 64 + ".com",
    "ann@" + ".".join(["abcdefghij"] * 30),
    "ann@[192.168.0.1]",
    '"ann lee"@example.com',
    "ann@example.com.",
    "ann@xn--.example",
]


def test_cached_domain_checks_agree_with_email_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each address is checked twice through the cache, then by the library as shipped."""
    import importlib

    from email_validator import EmailNotValidError, syntax, validate_email
    from jobmojito_sheets.candidate import check_email

    check = check_email.__wrapped__  # not `check_email`'s own cache of whole addresses
    cached = [(check(a), check(a)) for a in ADDRESSES]
    module = importlib.import_module("email_validator.validate_email")
    assert module.validate_email_domain_name is not syntax.validate_email_domain_name
    monkeypatch.setattr(module, "validate_email_domain_name", syntax.validate_email_domain_name)

    def shipped(address: str) -> tuple[str | None, str | None]:
        try:
            return validate_email(address, check_deliverability=False).normalized, None
        except EmailNotValidError as error:
            return None, str(error)

    for address, (first, second) in zip(ADDRESSES, cached, strict=True):
        assert first == second == shipped(address), address
    assert sum(1 for (normal, _), _ in cached if normal) >= 5
    assert sum(1 for (normal, _), _ in cached if normal is None) >= 5
