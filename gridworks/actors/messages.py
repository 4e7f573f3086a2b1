"""The messages GNode actors exchange, as payload models registered by type and version.

Telemetry flows from a Scada to its AtomicTNode; dispatch flows back. Both name the
TerminalAsset they are about, and a receiver checks that it is the device the verified sender
speaks for (`Verified.sender.terminal_asset`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from gridworks.identity.message_types import MessageTypes

MESSAGE_TYPES = MessageTypes()
"""Every message type the toolkit's actors send and accept."""

TELEMETRY = "gridworks.telemetry"
DISPATCH = "gridworks.dispatch"


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


@MESSAGE_TYPES.register(TELEMETRY, 1)
class Telemetry(_Payload):
    """A reading the Scada took at the TerminalAsset."""

    terminal_asset: str = Field(max_length=63)
    channel: str = Field(max_length=64, pattern=r"^[a-z][a-z0-9-]*$")
    """What was read, e.g. `power-w` or `tank-temp-c-x100`."""
    value: int
    read_ms: int = Field(ge=0)


@MESSAGE_TYPES.register(DISPATCH, 1)
class Dispatch(_Payload):
    """The AtomicTNode's instruction to run the TerminalAsset at a power until a time."""

    terminal_asset: str = Field(max_length=63)
    setpoint_w: int = Field(ge=-10_000_000, le=10_000_000)
    until_ms: int = Field(ge=0)
