"""The function processes the sandbox starts (tests, demo, benchmark) take their settings from
the sandbox alone: a developer's shell that holds a deployment's settings changes nothing."""

from __future__ import annotations

import pytest

from sandbox.world import function_process_env

SHELL = {
    "STATE_STORE": "firestore",
    "GOOGLE_CLOUD_PROJECT": "acme-hr",
    "FIRESTORE_DATABASE": "candidates",
    "FIRESTORE_EMULATOR_HOST": "127.0.0.1:9",
    "MAX_ROWS": "10",
    "JOBMOJITO_API_TOKEN": "a-real-token",
}


@pytest.fixture
def deployers_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SHELL.items():
        monkeypatch.setenv(name, value)


@pytest.mark.usefixtures("deployers_shell")
def test_a_sandbox_on_the_memory_store_ignores_the_shells_store_and_settings() -> None:
    env = function_process_env({"SHEETS_API_URL": "http://127.0.0.1:1"})
    assert not set(SHELL) & set(env)
    assert env["SHEETS_API_URL"] == "http://127.0.0.1:1"
    assert env["PYTHONUNBUFFERED"] == "1"


@pytest.mark.usefixtures("deployers_shell")
def test_a_sandbox_on_the_emulator_uses_its_own_emulator() -> None:
    own = {
        "STATE_STORE": "firestore",
        "GOOGLE_CLOUD_PROJECT": "demo-sandbox",
        "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8681",
    }
    env = function_process_env(own)
    assert {name: env.get(name) for name in SHELL} == {
        "STATE_STORE": "firestore",
        "GOOGLE_CLOUD_PROJECT": "demo-sandbox",
        "FIRESTORE_DATABASE": None,
        "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8681",
        "MAX_ROWS": None,
        "JOBMOJITO_API_TOKEN": None,
    }
