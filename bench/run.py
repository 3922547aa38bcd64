"""`make bench`: how long a run of hundreds or thousands of rows takes, against the stand-ins.

Prints figures only; tests assert behaviour, not timings. JobMojito answers each batch after
a simulated latency, so the figures show what batching and concurrency buy.
"""

from __future__ import annotations

import time
from pathlib import Path

from sandbox.world import FunctionProcess, Sandbox, invite, menu_request

SIZES = (500, 2000, 5000)
JOBMOJITO_LATENCY = 0.25


def _rows(count: int) -> list[list[str]]:
    header = ["Name", "Email", "Candidate ID"]
    return [header] + [
        [f"Candidate {i}", f"candidate{i}@example.com", f"C-{i:05d}"] for i in range(count)
    ]


def _tree(pid: int) -> list[int]:
    """The process and its descendants (gunicorn's worker runs the function)."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            pids += _tree(int(child))
    return pids


def peak_rss_mib(pid: int | None) -> float:
    """The largest peak resident memory (VmHWM) among the function's processes, in MiB."""
    peak = 0
    for each in _tree(pid) if pid else []:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak / 1024


def main() -> None:
    print(f"JobMojito stand-in latency: {JOBMOJITO_LATENCY} s per call")
    print(
        f"{'rows':>6} {'seconds':>8} {'rows/s':>8} {'JobMojito calls':>16} {'Sheets calls':>13}"
        f" {'peak MiB':>9}"
    )
    with Sandbox() as world:
        world.jobmojito.latency = JOBMOJITO_LATENCY
        env = world.function_env(MAX_ROWS="5000", TIME_BUDGET_SECONDS="600")
        with FunctionProcess(env) as function:
            for size in SIZES:
                spreadsheet_id = f"1Bench{size}"
                world.seed(_rows(size), spreadsheet_id=spreadsheet_id)
                world.jobmojito.reset()
                sheets_before = len(world.sheets.requests)
                body = menu_request([f"A2:B{size + 1}"], spreadsheet_id=spreadsheet_id)
                started = time.perf_counter()
                response = invite(function.url, body, id_token=world.id_token(), timeout=600)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    print(f"{size:>6} failed: {response.status_code} {response.text[:200]}")
                    continue
                calls = len(world.jobmojito.calls)
                sheets_calls = len(world.sheets.requests) - sheets_before
                rate = size / elapsed
                peak = peak_rss_mib(function.pid)
                print(
                    f"{size:>6} {elapsed:>8.2f} {rate:>8.0f} {calls:>16} {sheets_calls:>13}"
                    f" {peak:>9.1f}"
                )


if __name__ == "__main__":
    main()
