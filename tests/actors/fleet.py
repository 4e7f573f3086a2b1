"""Certified devices and a throw-away broker topology for runtime tests, and ways to wait for
what actors saw."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from gridworks.actors.actor import Actor, ChainContext
from gridworks.actors.broker import BrokerConfig, BrokerError, connect, queue_name
from gridworks.actors.dead_letters import DeadLetter, read_dead_letters
from gridworks.actors.host import ActorHost, Limits
from gridworks.contracts.factory import Factory
from gridworks.identity.keys import ActorKey
from gridworks.identity.verifier import Rejected, Verified
from gridworks.sandbox import Network


@dataclass(frozen=True)
class Device:
    atn: str
    scada: str
    atn_key: ActorKey
    scada_key: ActorKey
    owner: ActorKey

    @property
    def terminal_asset(self) -> str:
        return self.atn + ".ta"


@dataclass
class Events:
    """What a host's listener heard, with a way to wait for the next ones."""

    seen: list[tuple[str, Verified | Rejected]] = field(default_factory=list)
    _arrived: asyncio.Queue[tuple[str, Verified | Rejected]] | None = None

    def __call__(self, actor: Actor, result: Verified | Rejected) -> None:
        self.seen.append((actor.alias, result))
        if self._arrived is None:
            self._arrived = asyncio.Queue()
        self._arrived.put_nowait((actor.alias, result))

    async def next(self, timeout: float = 10.0) -> tuple[str, Verified | Rejected]:
        if self._arrived is None:
            self._arrived = asyncio.Queue()
        return await asyncio.wait_for(self._arrived.get(), timeout)

    async def take(
        self, count: int, timeout: float = 10.0
    ) -> list[tuple[str, Verified | Rejected]]:
        return [await self.next(timeout) for _ in range(count)]

    def accepted(self, alias: str | None = None) -> list[Verified]:
        return [
            r for a, r in self.seen if isinstance(r, Verified) and (alias is None or a == alias)
        ]


@dataclass
class Fleet:
    network: Network
    factory: Factory
    admin: ActorKey
    validator: ActorKey
    config: BrokerConfig
    chain: ChainContext
    prefix: str

    def key(self) -> ActorKey:
        return ActorKey.from_dev_account(self.network.new_account(5_000_000))

    def device(self) -> Device:
        atn = f"{self.prefix}.x{uuid.uuid4().hex[:12]}"
        owner, atn_key, scada_key = self.key(), self.key(), self.key()
        self.factory.create_terminal_asset(self.validator, atn + ".ta", owner, atn_key)
        self.factory.issue_scada_cert(owner, atn + ".ta", scada_key)
        return Device(atn, atn + ".scada", atn_key, scada_key, owner)

    def host(self, *actors: Actor, events: Events | None = None, **kwargs: object) -> ActorHost:
        limits = kwargs.pop("limits", None)
        return ActorHost(
            self.chain,
            self.config,
            actors=actors,
            listener=events,
            limits=limits if isinstance(limits, Limits) else None,
            **kwargs,  # type: ignore[arg-type]
        )

    def dead_letters(self, max_messages: int = 100, timeout: float = 1.0) -> list[DeadLetter]:
        connection = connect(self.config)
        try:
            return read_dead_letters(connection, self.config, max_messages, timeout)
        finally:
            connection.close()

    def delete_queues(self, *aliases: str) -> None:
        try:
            connection = connect(self.config)
        except BrokerError:
            return
        try:
            channel = connection.channel()
            for alias in aliases:
                channel.queue_delete(queue_name(self.config, alias))
        finally:
            connection.close()


def make_fleet(network: Network, prefix: str) -> Iterator[Fleet]:
    """A factory with a validator, and a broker topology named for this fleet (its queues
    expire when idle; the rest is deleted afterwards)."""
    admin, validator = (ActorKey.from_dev_account(network.new_account()) for _ in range(2))
    factory = Factory.deploy(network, admin)
    factory.certify_validator(admin, validator, f"{prefix}.validator")
    tag = uuid.uuid4().hex[:12]
    config = BrokerConfig(
        exchange=f"gridworks.test.{tag}",
        dead_letter_exchange=f"gridworks.test.{tag}.dead-letter",
        dead_letter_queue=f"gridworks.test.{tag}.dead-letter",
        queue_expires_ms=60_000,
    )
    yield Fleet(
        network,
        factory,
        admin,
        validator,
        config,
        ChainContext.of(network.algod, factory.app_id),
        prefix,
    )
    try:
        connection = connect(config)
    except BrokerError:
        return
    try:
        channel = connection.channel()
        for queue in (config.dead_letter_queue, config.ear_queue):
            channel.queue_delete(queue)
        channel.exchange_delete(config.exchange)
        channel.exchange_delete(config.dead_letter_exchange)
    finally:
        connection.close()
