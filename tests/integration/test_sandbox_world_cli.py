"""`python -m sandbox world`: the printed environment runs the real function against it."""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
from pathlib import Path

from sandbox.world import FunctionProcess, invite, menu_request

ROOT = Path(__file__).resolve().parents[2]


def test_world_prints_an_environment_a_function_can_run_on() -> None:
    command = [sys.executable, "-m", "sandbox", "world"]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            assert process.stdout is not None
            exports: dict[str, str] = {}
            while "ACCESS_TOKEN" not in exports:
                line = process.stdout.readline()
                assert line, "the command ended before printing its environment"
                if line.startswith("export "):
                    name, _, value = line[len("export ") :].strip().partition("=")
                    exports[name] = shlex.split(value)[0]
            id_token, access_token = exports.pop("ID_TOKEN"), exports.pop("ACCESS_TOKEN")
            with FunctionProcess(exports) as function:
                response = invite(
                    function.url,
                    menu_request(["A2:B13"], dry_run=True),
                    id_token=id_token,
                    access_token=access_token,
                )
            assert response.status_code == 200, response.text
            assert response.json()["summary"]["sent"] == 8
        finally:
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0
