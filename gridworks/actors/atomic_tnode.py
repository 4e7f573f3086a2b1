"""The AtomicTNode: trades for one TerminalAsset (it holds the TaTradingRights). It takes
telemetry from the device's Scada, and no one else's, and dispatches the Scada."""

from __future__ import annotations

from typing import Any

from gridworks.actors.actor import Actor
from gridworks.actors.messages import Dispatch, Telemetry
from gridworks.identity.authority import SCADA_WORD, TA_WORD
from gridworks.identity.envelope import MessageSigner, SignedEnvelope, now_ms
from gridworks.identity.roles import GNodeRole
from gridworks.identity.verifier import Verified


class AtomicTNode(Actor):
    def __init__(self, alias: str, key: MessageSigner, **options: Any) -> None:
        """`options`: `Actor`'s (time_coordinator, supervisor, heartbeat_s)."""
        super().__init__(alias, key, **options)
        self.terminal_asset = f"{alias}.{TA_WORD}"
        self.scada = f"{alias}.{SCADA_WORD}"
        self.readings: dict[str, Telemetry] = {}
        """The latest verified reading per channel."""

    async def handle(self, verified: Verified) -> None:
        self.expect(verified, GNodeRole.Scada, self.terminal_asset)
        message = verified.message
        if isinstance(message, Telemetry):
            if message.terminal_asset != self.terminal_asset:
                raise ValueError(f"telemetry about {message.terminal_asset}, not this device")
            self.readings[message.channel] = message

    async def dispatch(self, setpoint_w: int, *, for_ms: int = 15 * 60_000) -> SignedEnvelope:
        """Tell the Scada to run the device at `setpoint_w` for `for_ms`."""
        order = Dispatch(
            terminal_asset=self.terminal_asset, setpoint_w=setpoint_w, until_ms=now_ms() + for_ms
        )
        return await self.send(self.scada, order)
