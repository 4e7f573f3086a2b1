"""Fill the ear's archive from the broker: every message published on the actors' exchange.

The ear queue (`BrokerConfig.ear_queue`, bound ``#`` on the topic exchange) receives a copy of
every message, direct or broadcast. `EarRecorder` consumes it on its own `BrokerLink` and
appends each delivery to an `EarArchive` with its receipt time and the chain's round, then
acks it: a message leaves the queue only once it is on disk, so a recorder that stops (or a
broker that restarts) loses nothing; one that crashes between the commit and the ack archives
that delivery twice, which `verify_archive` reports as a replay of the first copy.

The round is read once per batch of deliveries (one algod status call, not one per message):
the node's last round when the batch was taken.
"""

from __future__ import annotations

import asyncio
import logging

from algosdk.v2client.algod import AlgodClient

from gridworks.actors.broker import BrokerConfig
from gridworks.actors.ear import EarArchive, last_round
from gridworks.actors.link import Binding, BrokerLink, Delivery, QueueSpec
from gridworks.identity.envelope import now_ms

log = logging.getLogger(__name__)


class EarRecorder:
    """Archive the ear queue of `config` into `archive` while running."""

    def __init__(
        self, config: BrokerConfig, algod: AlgodClient, archive: EarArchive, *, prefetch: int = 500
    ) -> None:
        self.config = config
        self.algod = algod
        self.archive = archive
        self.prefetch = prefetch
        self.link = BrokerLink(config, declare=self._declare)
        self.recorded = 0
        self._waiting: list[Delivery] = []
        self._arrived = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _declare(self, link: BrokerLink) -> None:
        if self.config.declare_topology:
            await link.declare_exchange(self.config.exchange, "topic")

    def _take(self, delivery: Delivery) -> None:
        self._waiting.append(delivery)
        self._arrived.set()

    async def start(self) -> None:
        await self.link.add_queue(
            QueueSpec(
                name=self.config.ear_queue,
                arguments=self.config.ear_queue_arguments(),
                bindings=[Binding(self.config.exchange, "#")],
                on_delivery=self._take,
                prefetch=self.prefetch,
            )
        )
        await self.link.start()
        self._task = asyncio.get_running_loop().create_task(self._record())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.link.close()

    async def __aenter__(self) -> EarRecorder:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def drained(self, timeout: float = 10.0, quiet_s: float = 0.3) -> int:
        """Wait until nothing new arrived for `quiet_s` (and all taken is archived)."""
        deadline = asyncio.get_running_loop().time() + timeout
        seen = -1
        while asyncio.get_running_loop().time() < deadline:
            if self.recorded == seen and not self._waiting:
                return self.recorded
            seen = self.recorded
            await asyncio.sleep(quiet_s)
        return self.recorded

    async def _record(self) -> None:
        while True:
            await self._arrived.wait()
            self._arrived.clear()
            batch, self._waiting = self._waiting, []
            if not batch:
                continue
            try:
                round_ = await asyncio.to_thread(last_round, self.algod)
            except Exception as error:  # no round, no archive: hold them (unacked) and retry
                log.error("the ear cannot read the chain's round (%s); retrying", error)
                self._waiting[:0] = batch
                await asyncio.sleep(1.0)
                self._arrived.set()
                continue
            received = now_ms()
            for delivery in batch:
                self.archive.append(
                    routing_key=delivery.routing_key,
                    body=delivery.body,
                    message_id=delivery.properties.message_id,
                    received_ms=received,
                    round_=round_,
                )
                self.link.ack(delivery)
                self.recorded += 1
