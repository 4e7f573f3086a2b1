"""Which actors went silent: the Supervisor's rules, with no I/O (sans-IO).

Every supervised actor sends `heartbeat` every few seconds. `HeartbeatWatch` is told of each
heartbeat with the wall time it arrived and, asked at any time, reports the actors that turned
silent (no heartbeat for `silent_after_s`, or none ever since the watch began) and those that
came back, each once per change, so a supervisor logs or alerts on changes, not on every poll.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    """`alias` went silent (`silent` True: last heard `seconds` ago) or came back (False)."""

    alias: str
    silent: bool
    seconds: float


@dataclass
class HeartbeatWatch:
    """Heartbeats of a known set of actors; wall times in seconds (monotonic)."""

    expected: frozenset[str]
    silent_after_s: float
    started_at: float
    _last: dict[str, float] = field(default_factory=dict)
    _silent: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.silent_after_s <= 0:
            raise ValueError("silent_after_s must be positive")

    def heard(self, alias: str, now: float) -> None:
        """A heartbeat from `alias` (one not expected is ignored: supervise it by adding it)."""
        if alias in self.expected:
            self._last[alias] = max(now, self._last.get(alias, now))

    def add(self, aliases: Iterable[str], now: float) -> None:
        """Supervise more actors from `now` on."""
        for alias in aliases:
            if alias not in self.expected:
                self.expected = self.expected | {alias}
                self._last.setdefault(alias, now)

    def changes(self, now: float) -> list[Change]:
        """What changed since the last call, in alias order."""
        out = []
        for alias in sorted(self.expected):
            last = self._last.get(alias, self.started_at)
            quiet = now - last
            if quiet > self.silent_after_s and alias not in self._silent:
                self._silent.add(alias)
                out.append(Change(alias, True, quiet))
            elif quiet <= self.silent_after_s and alias in self._silent:
                self._silent.discard(alias)
                out.append(Change(alias, False, quiet))
        return out

    @property
    def silent(self) -> frozenset[str]:
        """The actors reported silent and not yet back."""
        return frozenset(self._silent)
