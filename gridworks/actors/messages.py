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
TIMESTEP = "gridworks.timestep"
READY = "gridworks.ready"
HEARTBEAT = "gridworks.heartbeat"


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


@MESSAGE_TYPES.register(TIMESTEP, 1)
class TimeStep(_Payload):
    """The TimeCoordinator's broadcast: the run's simulated time is now `sim_time_s`."""

    run_id: str = Field(max_length=64)
    step: int = Field(ge=0)
    sim_time_s: int = Field(ge=0)
    step_seconds: int = Field(gt=0)
    attempt: int = Field(ge=1)
    """1 for the first broadcast of a step; more when it is sent again."""


@MESSAGE_TYPES.register(READY, 1)
class Ready(_Payload):
    """An actor's answer to a `timestep`: it has done what that step asked of it."""

    run_id: str = Field(max_length=64)
    step: int = Field(ge=0)


@MESSAGE_TYPES.register(HEARTBEAT, 1)
class Heartbeat(_Payload):
    """An actor is alive: sent every few seconds to the Supervisor."""

    seq: int = Field(ge=0)
    """Counts up from 0 for each start of the actor."""
