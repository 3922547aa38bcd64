"""Cloud Function entry point: `--target invite_candidates`, HTTP trigger."""

from __future__ import annotations

import logging

import flask
import functions_framework
from jobmojito_sheets.handler import handle

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


@functions_framework.http
def invite_candidates(request: flask.Request) -> flask.Response:
    """Register the selected Sheet rows with JobMojito and write the results back."""
    return handle(request)
