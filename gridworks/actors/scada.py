"""The Scada: the on-site controller of one TerminalAsset. It reports telemetry to the
AtomicTNode that trades for the device and obeys that AtomicTNode's dispatch, and no one else's.

Its alias is the AtomicTNode's plus ``.scada``; the TerminalAsset's is the AtomicTNode's plus
``.ta``; the ScadaCert it holds names that TerminalAsset.
"""

from __future__ import annotations

from typing import Any

from gridworks.actors.actor import Actor
from gridworks.actors.messages import Dispatch, Telemetry
from gridworks.identity.authority import SCADA_WORD, TA_WORD
from gridworks.identity.envelope import MessageSigner, SignedEnvelope, now_ms
from gridworks.identity.roles import GNodeRole
from gridworks.identity.verifier import Verified


class Scada(Actor):
    def __init__(self, alias: str, key: MessageSigner, **options: Any) -> None:
        """`options`: `Actor`'s (time_coordinator, supervisor, heartbeat_s)."""
        words = alias.split(".")
        if words[-1] != SCADA_WORD:
            raise ValueError(f"a Scada's alias ends in .{SCADA_WORD}: {alias}")
        super().__init__(alias, key, **options)
        self.atomic_tnode = ".".join(words[:-1])
        self.terminal_asset = f"{self.atomic_tnode}.{TA_WORD}"
        self.setpoint_w: int | None = None
        self.dispatches: list[Dispatch] = []

    async def report(self, channel: str, value: int) -> SignedEnvelope:
        """Send one reading to the AtomicTNode."""
        reading = Telemetry(
            terminal_asset=self.terminal_asset, channel=channel, value=value, read_ms=now_ms()
        )
        return await self.send(self.atomic_tnode, reading)

    async def handle(self, verified: Verified) -> None:
        self.expect(verified, GNodeRole.AtomicTNode, self.terminal_asset)
        message = verified.message
        if isinstance(message, Dispatch):
            if message.terminal_asset != self.terminal_asset:
                raise ValueError(f"dispatch for {message.terminal_asset}, not this device")
            self.setpoint_w = message.setpoint_w
            self.dispatches.append(message)
