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


_S = GNodeStatus

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
