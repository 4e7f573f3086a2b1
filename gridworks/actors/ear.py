"""The ear: an archive of every signed message on the bus, and its later re-verification.

A dispute ("your Scada told mine to do this at 14:02") is settled from the archive and the
public chain alone. The ear keeps each delivery exactly as it came off the broker (its routing
key, the raw body bytes, the AMQP message id), with the wall time it was received and the
chain's round at receipt (the node's last round when it was archived). `verify_archive` then
re-runs the receiver's checks against the chain *as of that round*
(`gridworks.identity.audit`, over `gridworks.identity.history`): a message its sender was
entitled to send then still verifies after its certificate was revoked; one it was not
entitled to send is refused with the live verifier's reason, whenever it is checked.

`EarArchive` is an append-only SQLite file (WAL; triggers refuse UPDATE and DELETE). It holds
plain data only: the runtime fills it from an ``ear`` queue bound ``#`` on the topic exchange,
calling `archive_delivery` for each delivery.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from algosdk.v2client.algod import AlgodClient

from gridworks.identity.audit import AuditVerifier
from gridworks.identity.envelope import now_ms
from gridworks.identity.message_types import MessageTypes
from gridworks.identity.verifier import Policy, Rejected, Verified

VERIFIED = "VERIFIED"
"""The verdict label of a message that passes every check (the others are `RejectReason`s)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    routing_key TEXT NOT NULL,
    body BLOB NOT NULL,
    message_id TEXT,
    received_ms INTEGER NOT NULL,
    round INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS messages_no_update BEFORE UPDATE ON messages
BEGIN SELECT RAISE(ABORT, 'the ear archive is append-only'); END;
CREATE TRIGGER IF NOT EXISTS messages_no_delete BEFORE DELETE ON messages
BEGIN SELECT RAISE(ABORT, 'the ear archive is append-only'); END;
"""


@dataclass(frozen=True)
class ArchivedMessage:
    """One delivery as the ear received it."""

    seq: int
    """Its place in the archive, from 1, in the order received."""
    routing_key: str
    body: bytes
    """The message body exactly as delivered (a signed envelope's wire bytes, or junk)."""
    message_id: str | None
    """The AMQP message id property, if the publisher set one."""
    received_ms: int
    """Wall time of receipt, ms since the Unix epoch."""
    round: int
    """The chain's last round when it was archived: it is judged against the chain as of then."""


class EarArchive:
    """An append-only SQLite file of archived messages. Thread-safe."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> EarArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def append(
        self,
        *,
        routing_key: str,
        body: bytes,
        message_id: str | None,
        received_ms: int,
        round_: int,
    ) -> ArchivedMessage:
        """Add one delivery at the end; it is on disk (committed) when this returns."""
        body = bytes(body)
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO messages (routing_key, body, message_id, received_ms, round) "
                "VALUES (?, ?, ?, ?, ?)",
                (routing_key, body, message_id, int(received_ms), int(round_)),
            )
            seq = cursor.lastrowid
        assert seq is not None
        return ArchivedMessage(seq, routing_key, body, message_id, int(received_ms), int(round_))

    def count(self) -> int:
        with self._lock:
            (n,) = self._db.execute("SELECT COUNT(*) FROM messages").fetchone()
        return int(n)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[ArchivedMessage]:
        return self.messages()

    def messages(self, *, after: int = 0, page: int = 500) -> Iterator[ArchivedMessage]:
        """The archived messages with `seq` > `after`, in the order received (read in pages,
        so appending while iterating is safe)."""
        last = after
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT seq, routing_key, body, message_id, received_ms, round FROM messages "
                    "WHERE seq > ? ORDER BY seq LIMIT ?",
                    (last, page),
                ).fetchall()
            for seq, key, body, message_id, received, round_ in rows:
                yield ArchivedMessage(seq, key, bytes(body), message_id, received, round_)
                last = seq
            if len(rows) < page:
                return


def last_round(algod: AlgodClient) -> int:
    status = algod.status()
    assert isinstance(status, dict)
    return int(status["last-round"])


def archive_delivery(
    archive: EarArchive,
    chain: AlgodClient | Callable[[], int],
    routing_key: str,
    body: bytes,
    message_id: str | None = None,
    *,
    clock: Callable[[], int] = now_ms,
) -> ArchivedMessage:
    """Archive one broker delivery with its receipt time and the chain's round now.

    `chain` is an algod client (its last round is read: one status call per message) or a
    function giving the last round (e.g. a `ChainCache` follower's, to save that call)."""
    received = clock()
    round_ = last_round(chain) if isinstance(chain, AlgodClient) else int(chain())
    return archive.append(
        routing_key=routing_key,
        body=body,
        message_id=message_id,
        received_ms=received,
        round_=round_,
    )


@dataclass(frozen=True)
class ArchiveVerdict:
    """One archived message and what re-verifying it as of its round said."""

    message: ArchivedMessage
    result: Verified | Rejected

    @property
    def ok(self) -> bool:
        return isinstance(self.result, Verified)

    @property
    def verdict(self) -> str:
        """`VERIFIED`, or the `RejectReason` it was refused for."""
        return VERIFIED if isinstance(self.result, Verified) else str(self.result.reason)


@dataclass
class EarReport:
    """`verify_archive`'s answer: every message's verdict, in archive order, and the counts."""

    results: list[ArchiveVerdict] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(r.verdict for r in self.results)

    @property
    def refused(self) -> list[ArchiveVerdict]:
        return [r for r in self.results if not r.ok]

    @property
    def verified(self) -> int:
        return len(self.results) - len(self.refused)

    @property
    def ok(self) -> bool:
        """True when no message was refused."""
        return not self.refused

    def __len__(self) -> int:
        return len(self.results)


def verify_archive(
    archive: EarArchive,
    algod: AlgodClient,
    factory_app_id: int,
    *,
    policy: Policy | None = None,
    message_types: MessageTypes | None = None,
    receivers: Collection[str] | None = None,
    genesis_hash: str | None = None,
    verifier: AuditVerifier | None = None,
) -> EarReport:
    """Re-verify every archived message against the chain as of the round it was received.

    The same checks and `RejectReason`s as the live verifier; freshness is judged against each
    message's `received_ms`, authorization and the signing key against its `round`, and a
    (signer, message id) seen twice within its validity window is a REPLAY. The destination is
    checked only if `receivers` is given."""
    audit = verifier or AuditVerifier(
        algod,
        factory_app_id,
        receivers=receivers,
        policy=policy or Policy(),
        message_types=message_types,
        genesis_hash=genesis_hash,
    )
    report = EarReport()
    for message in archive.messages():
        result = audit.verify(message.body, round_=message.round, received_ms=message.received_ms)
        report.results.append(ArchiveVerdict(message, result))
    return report
