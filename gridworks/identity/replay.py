"""Accept each message once: remember accepted message ids until they expire.

A message id is remembered with its expiry time and forgotten after it (the verifier refuses
expired messages anyway, so a forgotten id can never be replayed). Receivers cap a message's
validity window, which bounds how many ids are remembered; `max_entries` is a last guard: when
it is reached the guard refuses new ids instead of forgetting live ones.

With a `path`, accepted ids are also written to a SQLite file (WAL) before the message is
accepted, so a receiver that restarts still refuses a replay of what it took before: without
one, a message captured within its validity window could be replayed to the restarted process.
"""

from __future__ import annotations

import heapq
import sqlite3
import threading
from pathlib import Path

PURGE_EVERY_MS = 1_000
"""How often, at most, expired ids are deleted from the file."""


class ReplayGuard:
    """Thread-safe first-seen record of (signer, message id) pairs."""

    def __init__(self, max_entries: int = 1_000_000, *, path: Path | str | None = None) -> None:
        self.max_entries = max_entries
        self._expiry: dict[tuple[str, str], int] = {}
        self._heap: list[tuple[int, tuple[str, str]]] = []
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._purged_ms = 0
        if path is not None:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS accepted (signer TEXT NOT NULL, message_id TEXT NOT "
                "NULL, expires_ms INTEGER NOT NULL, PRIMARY KEY (signer, message_id))"
            )
            self._db.execute("CREATE INDEX IF NOT EXISTS by_expiry ON accepted (expires_ms)")
            for signer, message_id, expires in self._db.execute("SELECT * FROM accepted"):
                self._expiry[(signer, message_id)] = expires
                heapq.heappush(self._heap, (expires, (signer, message_id)))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __len__(self) -> int:
        return len(self._expiry)

    def _forget_expired(self, now_ms: int) -> None:
        heap = self._heap
        forgotten = False
        while heap and heap[0][0] < now_ms:
            expires, key = heapq.heappop(heap)
            if self._expiry.get(key) == expires:
                del self._expiry[key]
                forgotten = True
        if forgotten and self._db is not None and now_ms - self._purged_ms >= PURGE_EVERY_MS:
            self._db.execute("DELETE FROM accepted WHERE expires_ms < ?", (now_ms,))
            self._purged_ms = now_ms

    def record(self, signer: str, message_id: str, expires_ms: int, now_ms: int) -> str | None:
        """Record the pair; None the first time, else a sentence saying why it is refused."""
        key = (signer, message_id)
        with self._lock:
            self._forget_expired(now_ms)
            if key in self._expiry:
                return f"message {message_id} from {signer} was already accepted"
            if len(self._expiry) >= self.max_entries:
                return f"{self.max_entries} live message ids are remembered; no room for more"
            if self._db is not None:  # on disk before it counts as accepted
                self._db.execute(
                    "INSERT OR REPLACE INTO accepted VALUES (?, ?, ?)",
                    (signer, message_id, expires_ms),
                )
            self._expiry[key] = expires_ms
            heapq.heappush(self._heap, (expires_ms, key))
            return None
