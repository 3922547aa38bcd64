"""Cloud Function entry point: `--target invite_candidates`, HTTP trigger."""

from __future__ import annotations

import flask
import functions_framework
from jobmojito_sheets import logs
from jobmojito_sheets.handler import handle
from jobmojito_sheets.warm_up import warm_after_fork

logs.configure()  # one JSON line per entry, as Cloud Logging reads them
warm_after_fork()  # a worker forked to serve requests gets ready before its first one


@functions_framework.http
def invite_candidates(request: flask.Request) -> flask.Response:
    """Register the selected Sheet rows with JobMojito and write the results back."""
    return handle(request)
