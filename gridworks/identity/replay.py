"""Accept each message once: remember accepted message ids until they expire.

A message id is remembered with its expiry time and forgotten after it (the verifier refuses
expired messages anyway, so a forgotten id can never be replayed). Receivers cap a message's
validity window, which bounds how many ids are remembered; `max_entries` is a last guard: when
it is reached the guard refuses new ids instead of forgetting live ones.
"""

from __future__ import annotations

import heapq
import threading


class ReplayGuard:
    """Thread-safe first-seen record of (signer, message id) pairs."""

    def __init__(self, max_entries: int = 1_000_000) -> None:
        self.max_entries = max_entries
        self._expiry: dict[tuple[str, str], int] = {}
        self._heap: list[tuple[int, tuple[str, str]]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._expiry)

    def _forget_expired(self, now_ms: int) -> None:
        heap = self._heap
        while heap and heap[0][0] < now_ms:
            expires, key = heapq.heappop(heap)
            if self._expiry.get(key) == expires:
                del self._expiry[key]

    def record(self, signer: str, message_id: str, expires_ms: int, now_ms: int) -> str | None:
        """Record the pair; None the first time, else a sentence saying why it is refused."""
        key = (signer, message_id)
        with self._lock:
            self._forget_expired(now_ms)
            if key in self._expiry:
                return f"message {message_id} from {signer} was already accepted"
            if len(self._expiry) >= self.max_entries:
                return f"{self.max_entries} live message ids are remembered; no room for more"
            self._expiry[key] = expires_ms
            heapq.heappush(self._heap, (expires_ms, key))
            return None
