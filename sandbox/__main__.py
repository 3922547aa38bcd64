"""Run one local stand-in from the command line until Ctrl-C.

    python -m sandbox jobmojito --port 0 --token T --interview I
    python -m sandbox google --port 0
    python -m sandbox sheets --port 0 --csv rows.csv --spreadsheet-id ID --token T
    python -m sandbox world

Each prints `<name> <base URL>` on one line once it listens (port 0 picks a free port).
`world` starts all three with the demo sheet and prints, as shell lines, the function's
environment, a signed ID token for the demo recruiter, and a curl call that runs the function
(start it with `functions-framework --target invite_candidates --source cloud_function/main.py`).
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sandbox.server import LoopbackServer

AppFactory = Callable[[argparse.Namespace], Any]


def _jobmojito_app(args: argparse.Namespace) -> Any:
    from sandbox.jobmojito_api import JobMojitoStandIn

    return JobMojitoStandIn(
        tokens=args.token,
        interviews=args.interview,
        merchant_id=args.merchant_id,
        latency=args.latency,
    )


def _google_app(args: argparse.Namespace) -> Any:
    from sandbox.google_identity import GoogleIdentityStandIn

    return GoogleIdentityStandIn()


def _sheets_app(args: argparse.Namespace) -> Any:
    from sandbox.sheets_api import SheetsStandIn  # written separately; imported only when used

    sheets = SheetsStandIn()
    sheets.add_spreadsheet(args.spreadsheet_id, title=args.title, tokens=args.token)
    csv_text = Path(args.csv).read_text(encoding="utf-8")
    sheets.seed_csv(args.spreadsheet_id, args.sheet, csv_text, sheet_id=args.sheet_id)
    return sheets


def _add_port(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=0, help="TCP port on 127.0.0.1 (default 0: a free port)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per stand-in."""
    parser = argparse.ArgumentParser(
        prog="python -m sandbox",
        description="Serve a local stand-in on 127.0.0.1 and print its URL; Ctrl-C stops it.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="STAND-IN")

    jobmojito = commands.add_parser(
        "jobmojito", help="JobMojito: register-users, invite-users and the read endpoints"
    )
    _add_port(jobmojito)
    jobmojito.add_argument(
        "--token", action="append", required=True, help="valid bearer token (repeatable)"
    )
    jobmojito.add_argument(
        "--interview", action="append", required=True, help="known interview id (repeatable)"
    )
    jobmojito.add_argument("--merchant-id", help="require this merchant_id in every request")
    jobmojito.add_argument(
        "--latency", type=float, default=0.0, help="seconds to wait before each answer"
    )
    jobmojito.set_defaults(factory=_jobmojito_app)

    google = commands.add_parser(
        "google", help="Google's ID-token signing certificates at URL/oauth2/v1/certs"
    )
    _add_port(google)
    google.set_defaults(factory=_google_app)

    sheets = commands.add_parser("sheets", help="Google Sheets API v4, seeded from a CSV file")
    _add_port(sheets)
    sheets.add_argument("--csv", required=True, help="CSV file with the sheet's rows")
    sheets.add_argument("--spreadsheet-id", required=True, help="spreadsheet id to serve")
    sheets.add_argument(
        "--token", action="append", required=True, help="valid OAuth access token (repeatable)"
    )
    sheets.add_argument("--title", default="Candidates", help="spreadsheet title")
    sheets.add_argument("--sheet", default="Sheet1", help="title of the tab the CSV fills")
    sheets.add_argument(
        "--sheet-id", type=int, default=None, help="gid of that tab (default: chosen for you)"
    )
    sheets.set_defaults(factory=_sheets_app)

    commands.add_parser(
        "world", help="all three, with the demo sheet; prints the function's environment"
    )
    return parser


def _world_lines() -> tuple[Any, list[str]]:
    """The started world, and the shell lines that point a function at it."""
    import json
    import shlex

    from sandbox.world import RECRUITER_TOKEN, Sandbox, menu_request

    world = Sandbox().start()
    world.seed()
    lines = [f"export {name}={shlex.quote(value)}" for name, value in world.function_env().items()]
    lines.append(f"export ID_TOKEN={shlex.quote(world.id_token())}")
    lines.append(f"export ACCESS_TOKEN={RECRUITER_TOKEN}")
    body = json.dumps(menu_request(["A2:B13"], dry_run=True))
    lines.append(
        '# curl -s localhost:8080 -H "Authorization: Bearer $ID_TOKEN" '
        f"-H \"X-Sheets-Access-Token: $ACCESS_TOKEN\" -H 'Content-Type: application/json' "
        f"-d {shlex.quote(body)}"
    )
    return world, lines


def serve_world() -> None:
    """All three stand-ins with the demo sheet, until Ctrl-C."""
    world, lines = _world_lines()
    print("\n".join(lines), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        world.stop()


def serve_until_interrupted(name: str, app: Any, port: int) -> None:
    """Serve `app`, print `name URL`, block until Ctrl-C, then stop cleanly."""
    server = LoopbackServer(app, port=port).start()
    print(f"{name} {server.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "world":
        serve_world()
        return 0
    factory: AppFactory = args.factory
    serve_until_interrupted(args.command, factory(args), args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
