"""A new instance gets ready for its first request off that request's path.

A cold start is the import, kept small (what a request needs is loaded on its first use), and
then the first request's own loading: the settings and the pooled HTTP clients with their TLS
context (~45 ms), the registration store (Firestore's client, ~0.3 s), Google's sign-in
certificates (one fetch, kept for their max-age), email-validator (~20 ms) and the request
schema (~5 ms). Under functions-framework's gunicorn, as Cloud Run runs it,
the module is imported by the master process and requests are served by a worker it forks at
start-up. Right after that fork the worker does the loading in a background thread, so the
first request finds it done, or under way while it waits on the network.

Nothing runs where no process is forked (an in-process test client, `import main` alone): the
same loading happens on first use, as before. Warming up never raises: a bad configuration
is reported by the first request, in its answer.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import threading
import time

from jobmojito_sheets.candidate import check_email
from jobmojito_sheets.handler import runtime
from jobmojito_sheets.logs import fields
from jobmojito_sheets.request_body import validator

log = logging.getLogger("jobmojito_sheets")

_registered = False


def warm() -> None:
    """Do now what the first request would do first; logs "instance ready" with the time."""
    started = time.monotonic()
    try:
        rt = runtime()
        rt.store()
    except Exception as error:  # the first request reports it, plainly
        log.info("warm-up stopped early", extra=fields(error=type(error).__name__))
        return
    with contextlib.suppress(Exception):  # Google's sign-in certificates: one fetch, cached
        rt.certs.current()
    check_email("warm-up@example.com")  # loads email-validator
    validator()
    # What is loaded now lives as long as the process: the garbage collector's full passes
    # need not walk it again in every request (~60,000 objects, ~15 ms a pass).
    gc.freeze()
    log.info("instance ready", extra=fields(seconds=round(time.monotonic() - started, 3)))


def _start() -> None:
    threading.Thread(target=warm, name="warm-up", daemon=True).start()


def warm_after_fork() -> None:
    """Have each process forked from this one (a gunicorn worker) warm up as it starts."""
    global _registered
    if not _registered:
        os.register_at_fork(after_in_child=_start)
        _registered = True
