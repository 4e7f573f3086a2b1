"""GNode statuses and their allowed transitions.

``TRANSITIONS`` is the single table; ``transition`` reads it. PermanentlyDeactivated is final,
and (see ``GNodeRegistry``) its alias is never given to another GNode.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from gridworks.identity.errors import StatusTransitionError


class GNodeStatus(StrEnum):
    """Lifecycle status of a GNode."""

    Pending = "Pending"
    Active = "Active"
    Suspended = "Suspended"
    PermanentlyDeactivated = "PermanentlyDeactivated"

    @property
    def code(self) -> int:
        """The status byte of a GNodeFactory registry record."""
        return STATUS_CODES[self]

    @classmethod
    def from_code(cls, code: int) -> GNodeStatus:
        """The status of a registry record's status byte; `ValueError` if none has it."""
        for status, known in STATUS_CODES.items():
            if known == code:
                return status
        raise ValueError(f"unknown registry status byte {code}")


_S = GNodeStatus

STATUS_CODES: Mapping[GNodeStatus, int] = MappingProxyType(
    {_S.Pending: 0, _S.Active: 1, _S.Suspended: 2, _S.PermanentlyDeactivated: 3}
)
"""The status byte of a GNodeFactory registry record."""

TRANSITIONS: Mapping[GNodeStatus, frozenset[GNodeStatus]] = MappingProxyType(
    {
        _S.Pending: frozenset({_S.Active}),
        _S.Active: frozenset({_S.Suspended, _S.PermanentlyDeactivated}),
        _S.Suspended: frozenset({_S.Active, _S.PermanentlyDeactivated}),
        _S.PermanentlyDeactivated: frozenset(),
    }
)
"""For each status, the statuses it may change to."""


def transition(old: GNodeStatus, new: GNodeStatus) -> GNodeStatus:
    """Return ``new`` if ``old -> new`` is allowed; else raise ``StatusTransitionError``."""
    allowed = TRANSITIONS[old]
    if new in allowed:
        return new
    if not allowed:
        raise StatusTransitionError(
            f"cannot change status {old.value} -> {new.value}: {old.value} is final"
        )
    options = ", ".join(sorted(status.value for status in allowed))
    raise StatusTransitionError(
        f"cannot change status {old.value} -> {new.value}; from {old.value} only: {options}"
    )
