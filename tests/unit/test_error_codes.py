"""One table of error codes: the function's module, the contract page and the Apps Script's
fallback sentences name the same codes, each with the same HTTP status."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from jobmojito_sheets.error_codes import ERRORS, ErrorCode
from jobmojito_sheets.errors import InviteError

ROOT = Path(__file__).resolve().parents[2]
MESSAGES_JS = ROOT / "apps_script" / "Messages.js"

# Reads the script's constants the way Apps Script loads them: the file run as a script.
_NODE = """
const vm = require('node:vm');
const fs = require('node:fs');
const context = {};
vm.createContext(context);
vm.runInContext(fs.readFileSync(process.argv[1], 'utf8') +
  ';globalThis.out = {fallbacks: ERROR_FALLBACKS, byStatus: STATUS_FALLBACK_CODES};', context);
process.stdout.write(JSON.stringify(context.out));
"""


def _contract_table() -> dict[str, int]:
    text = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    section = text.split("## Errors", 1)[1].split("\n## ", 1)[0]
    codes: dict[str, int] = {}
    for status, cell in re.findall(r"^\| (\d{3}) \| (.+) \|$", section, flags=re.MULTILINE):
        # Codes are the backticked names outside the parenthesised explanations.
        for code in re.findall(r"`([a-z_]+)`", re.sub(r"\([^)]*\)", "", cell)):
            codes[code] = int(status)
    return codes


def _script_constants() -> dict[str, dict[str, str]]:
    node = shutil.which("node")
    assert node, "Node 20 is needed to read apps_script/Messages.js (make test installs it)"
    done = subprocess.run(
        [node, "-e", _NODE, str(MESSAGES_JS)], capture_output=True, text=True, check=True
    )
    constants: dict[str, dict[str, str]] = json.loads(done.stdout)
    return constants


def test_every_code_has_a_status_and_a_sentence() -> None:
    assert set(ERRORS) == set(ErrorCode)
    for code, kind in ERRORS.items():
        assert 400 <= kind.status <= 599, code
        assert kind.sentence.endswith(".") and len(kind.sentence) < 300, code
        error = InviteError(code=code)
        assert (error.status, error.message) == (kind.status, kind.sentence)


def test_the_contract_page_lists_every_code_with_its_status() -> None:
    assert _contract_table() == {str(code): kind.status for code, kind in ERRORS.items()}


def test_the_apps_script_has_a_fallback_sentence_for_every_code_and_no_other() -> None:
    fallbacks = _script_constants()["fallbacks"]
    assert set(fallbacks) == {str(code) for code in ErrorCode}
    assert all(isinstance(text, str) and text.strip() for text in fallbacks.values())


def test_the_apps_script_falls_back_by_status_to_a_code_of_that_status() -> None:
    by_status = _script_constants()["byStatus"]
    for status, code in by_status.items():
        if status == "429":  # Google's front end, not the function: Sheets is busy
            continue
        assert ERRORS[ErrorCode(code)].status == int(status), (status, code)
