"""The registration store's shell: in memory (one process) or on Firestore (every instance).

Each call ends in one way: it did what it says, or it raises `StoreUnavailable` (the store
could not be reached, refused, or did not answer in time). A claim is atomic per candidate,
so two runs that reach the same candidate at the same moment, in any instance, never both
claim it.
The rules (who may claim, what an answer records) are `registry`'s.

    STATE_STORE=memory     the default: this process only, for the demo and a one-instance
                           trial (logged once: concurrent instances are not covered)
    STATE_STORE=firestore  deployment: GOOGLE_CLOUD_PROJECT, optional FIRESTORE_DATABASE
                           (FIRESTORE_EMULATOR_HOST points the client at the emulator in tests)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from jobmojito_sheets.error_codes import ErrorCode
from jobmojito_sheets.errors import InviteError
from jobmojito_sheets.registry import Record, RecordState, candidate_key, held_as

log = logging.getLogger(__name__)

REGISTRATIONS = "registrations"
T = TypeVar("T")
RUNS = "runs"


class StoreUnavailable(InviteError):
    """The store could not be read or written; nothing more is sent."""

    code = ErrorCode.STATE_STORE_UNAVAILABLE


class RegistrationStore(Protocol):
    """Where each candidate's claim and JobMojito's answer are kept."""

    def lookup(
        self, interview_id: str, emails: Iterable[str], *, is_test: bool = False
    ) -> dict[str, Record]:
        """The records of these candidates (by lower-cased email), without claiming; test
        mode's records (`is_test`) are a space of their own (`registry.candidate_key`)."""
        ...

    def claim(self, claims: Sequence[Record], *, force: bool) -> dict[str, Record]:
        """Claim each candidate unless a record holds it (see `registry.held_as`); returns
        the holding records by lower-cased email. All or none of one call's writes land."""
        ...

    def register(self, records: Sequence[Record]) -> None:
        """Record JobMojito's `ok` answers (state registered, with the link)."""
        ...

    def release(
        self, interview_id: str, emails: Iterable[str], run_id: str, *, is_test: bool = False
    ) -> None:
        """Drop this run's claims of these candidates (they were not registered)."""
        ...

    def save_run(self, run_id: str, entry: Mapping[str, Any]) -> None:
        """Keep one document per run: who ran it on which sheet, and its counts."""
        ...


class MemoryStore:
    """The store in this process's memory."""

    def __init__(self) -> None:
        self._records: dict[str, Record] = {}
        self.runs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def lookup(
        self, interview_id: str, emails: Iterable[str], *, is_test: bool = False
    ) -> dict[str, Record]:
        with self._lock:
            found = {
                e.lower(): self._records.get(candidate_key(interview_id, e, is_test=is_test))
                for e in emails
            }
        return {email: record for email, record in found.items() if record is not None}

    def claim(self, claims: Sequence[Record], *, force: bool) -> dict[str, Record]:
        held: dict[str, Record] = {}
        with self._lock:
            for claim in claims:
                existing = self._records.get(claim.key)
                if held_as(existing, run_id=claim.run_id, force=force) is not None and existing:
                    held[claim.email.lower()] = existing
            for claim in claims:
                if claim.email.lower() not in held:
                    self._records[claim.key] = claim
        return held

    def register(self, records: Sequence[Record]) -> None:
        with self._lock:
            for record in records:
                self._records[record.key] = record

    def release(
        self, interview_id: str, emails: Iterable[str], run_id: str, *, is_test: bool = False
    ) -> None:
        with self._lock:
            for email in emails:
                key = candidate_key(interview_id, email, is_test=is_test)
                record = self._records.get(key)
                mine = record is not None and record.run_id == run_id
                if mine and record is not None and record.state is RecordState.CLAIMED:
                    del self._records[key]

    def save_run(self, run_id: str, entry: Mapping[str, Any]) -> None:
        with self._lock:
            self.runs[run_id] = dict(entry)


# Claims created, or released, in one Firestore commit (Firestore allows 500 writes a commit).
WRITES_PER_COMMIT = 500


class FirestoreStore:
    """The store in Firestore: `registrations/{candidate_key}` and `runs/{run_id}`.

    A claim is a document `create`, which Firestore refuses when the document exists: the
    first run to create a candidate's record holds it, in any instance, with no transaction
    to contend on. Every call is bounded by `timeout` seconds (retries included), so an
    unreachable store fails the run closed in time instead of hanging it.
    """

    def __init__(self, project: str, database: str | None = None, timeout: float = 10.0) -> None:
        from google.api_core import exceptions, retry  # imported here: Firestore's client is
        from google.cloud import firestore  # ~0.3 s to load, only needed where it is used

        self._exists = exceptions.AlreadyExists
        self._changed = exceptions.FailedPrecondition
        self._timeout = timeout
        self._retry = retry.Retry(timeout=timeout)
        self._pool = ThreadPoolExecutor(max_workers=8)
        try:
            self._client = firestore.Client(project=project, database=database or "(default)")
        except Exception as error:  # no credentials, bad project: told once, plainly
            raise _unavailable(error) from None

    def _ref(self, key: str) -> Any:
        return self._client.collection(REGISTRATIONS).document(key)

    def _bounded(self, work: Callable[[], T]) -> T:
        """Run one store operation within the timeout, or raise StoreUnavailable."""
        future = self._pool.submit(work)
        try:
            return future.result(timeout=self._timeout * 1.5)
        except StoreUnavailable:
            raise
        except Exception as error:  # timeouts, gRPC errors, refused connections
            raise _unavailable(error) from None

    def lookup(
        self, interview_id: str, emails: Iterable[str], *, is_test: bool = False
    ) -> dict[str, Record]:
        refs = [self._ref(candidate_key(interview_id, e, is_test=is_test)) for e in emails]
        if not refs:
            return {}

        def read() -> list[Record]:
            snapshots = self._client.get_all(refs, retry=self._retry, timeout=self._timeout)
            return [Record.from_json(s.to_dict() or {}) for s in snapshots if s.exists]

        return {record.email.lower(): record for record in self._bounded(read)}

    def _claim_one(self, claim: Record, force: bool) -> Record | None:
        """Create the candidate's record; None when this run holds it now, else the holder."""
        ref = self._ref(claim.key)
        options = {"retry": self._retry, "timeout": self._timeout}
        if force:
            ref.set(claim.to_json(), **options)
            return None
        for _ in range(2):  # a holder released between our create and our read: once more
            try:
                ref.create(claim.to_json(), **options)
                return None
            except self._exists:
                snapshot = ref.get(**options)
            if snapshot.exists:
                existing = Record.from_json(snapshot.to_dict() or {})
                return existing if held_as(existing, run_id=claim.run_id, force=False) else None
        raise StoreUnavailable()

    def _commit_claims(self, chunk: Sequence[Record], force: bool) -> bool:
        """Up to `WRITES_PER_COMMIT` claims in one atomic commit of creates (of sets, when
        forced); False when Firestore refused it because one of them exists (then none was
        written)."""
        batch = self._client.batch()
        for claim in chunk:
            if force:
                batch.set(self._ref(claim.key), claim.to_json())
            else:
                batch.create(self._ref(claim.key), claim.to_json())
        try:
            batch.commit(retry=self._retry, timeout=self._timeout)
        except self._exists:
            return False
        return True

    def claim(self, claims: Sequence[Record], *, force: bool) -> dict[str, Record]:
        """The usual claim, candidates nobody holds, is one round trip per 500 of them; the
        claims of a commit Firestore refused are made one by one, each told apart."""
        if not claims:
            return {}
        claims = list({claim.key: claim for claim in claims}.values())  # each candidate once
        size = WRITES_PER_COMMIT
        chunks = [claims[i : i + size] for i in range(0, len(claims), size)]

        def claim_all() -> dict[str, Record]:
            committed = self._pool.map(lambda chunk: self._commit_claims(chunk, force), chunks)
            rest = [c for chunk, ok in zip(chunks, committed, strict=True) if not ok for c in chunk]
            holders = self._pool.map(lambda c: self._claim_one(c, force), rest)
            return {c.email.lower(): h for c, h in zip(rest, holders, strict=True) if h}

        # Not on the pool itself: its workers run the claims (a nested wait could starve it).
        outer = ThreadPoolExecutor(max_workers=1)
        future = outer.submit(claim_all)
        outer.shutdown(wait=False)
        try:
            return future.result(timeout=self._timeout * 1.5)
        except StoreUnavailable:
            raise
        except Exception as error:
            raise _unavailable(error) from None

    def register(self, records: Sequence[Record]) -> None:
        if not records:
            return

        def write() -> None:
            batch = self._client.batch()
            for record in records:
                batch.set(self._ref(record.key), record.to_json())
            batch.commit(retry=self._retry, timeout=self._timeout)

        self._bounded(write)

    def release(
        self, interview_id: str, emails: Iterable[str], run_id: str, *, is_test: bool = False
    ) -> None:
        """One read of the candidates' records, then this run's claims among them deleted in
        commits of up to 500, each delete on condition that nobody wrote the record since it
        was read (e.g. our own answer recorded). A commit Firestore refuses on that condition
        deletes nothing; its claims are then released one by one, each read again."""
        keys = dict.fromkeys(candidate_key(interview_id, e, is_test=is_test) for e in emails)
        refs = [self._ref(key) for key in keys]  # each once: a commit may not touch one twice
        if not refs:
            return

        def claimed_by_this_run(snapshot: Any) -> bool:
            data = snapshot.to_dict() if snapshot.exists else None
            return bool(
                data and data.get("run_id") == run_id and data.get("state") == RecordState.CLAIMED
            )

        def release_one(ref: Any) -> None:
            snapshot = ref.get(retry=self._retry, timeout=self._timeout)
            if claimed_by_this_run(snapshot):
                option = self._client.write_option(last_update_time=snapshot.update_time)
                ref.delete(option=option, retry=self._retry, timeout=self._timeout)

        def release_all() -> None:
            snapshots = self._client.get_all(refs, retry=self._retry, timeout=self._timeout)
            ours = [snapshot for snapshot in snapshots if claimed_by_this_run(snapshot)]
            for i in range(0, len(ours), WRITES_PER_COMMIT):
                chunk = ours[i : i + WRITES_PER_COMMIT]
                batch = self._client.batch()
                for snapshot in chunk:
                    option = self._client.write_option(last_update_time=snapshot.update_time)
                    batch.delete(snapshot.reference, option=option)
                try:
                    batch.commit(retry=self._retry, timeout=self._timeout)
                except self._changed:
                    for snapshot in chunk:
                        release_one(snapshot.reference)

        self._bounded(release_all)

    def save_run(self, run_id: str, entry: Mapping[str, Any]) -> None:
        ref = self._client.collection(RUNS).document(run_id)
        self._bounded(
            lambda: ref.set(dict(entry), retry=self._retry, timeout=self._timeout) and None
        )


def _unavailable(error: BaseException) -> StoreUnavailable:
    log.warning("the registration store failed: %s", type(error).__name__)
    return StoreUnavailable()


_memory = MemoryStore()
_warned = threading.Event()


def open_store(
    kind: str, project: str | None, database: str | None, timeout: float = 10.0
) -> RegistrationStore:
    """The store the configuration names (checked by `config`)."""
    if kind == "firestore":
        return FirestoreStore(project or "", database, timeout)
    if not _warned.is_set():
        _warned.set()
        log.warning(
            "STATE_STORE is memory: registrations are kept in this instance only, so runs on "
            "concurrent instances are not covered; set STATE_STORE=firestore in deployment"
        )
    return _memory
