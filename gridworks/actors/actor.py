"""A GNode actor: an alias, the key that holds its certificate, and what it does with verified
messages. An `ActorHost` runs it, with many others, on one broker connection.

Everything an actor sends is sealed in a signed envelope; everything it receives is verified
against the chain before `handle` sees it, and refused messages go to the dead-letter queue
with their reason. A subclass says what it does with verified messages (`handle`, async) and
may check that the verified sender is the counterparty it expects (`expect`): the verifier
proves who sent a message, the actor decides whether that GNode may tell it this.

Sending:

- `send(destination, payload)`: to one GNode's queue;
- `broadcast(channel, payload)`: signed once, to every subscriber of `channel` (subscribe with
  `subscribe(channel, publisher)`), each of which verifies its copy;
- `request(destination, payload)` / `reply(request, payload)`: a reply carries the request's
  message id as its AMQP correlation id, and is taken as the answer only if it comes, verified,
  from the GNode asked.

Every send returns once the broker has confirmed the message (stored, persistent).

Simulated time: an actor given a `time_coordinator` subscribes to its timesteps, reads time
only from them (`sim_time_s`; envelope freshness stays on the wall clock), runs
`on_timestep` for each new step and answers `ready` (again, without running the step twice,
when a step is broadcast again). An actor whose step goes on after `on_timestep` (waiting for
other messages) sets `defers_ready` and calls `step_done` when it is done. An actor given a
`supervisor` sends it a `heartbeat` every `heartbeat_s` seconds.

Handlers are coroutines run one message at a time per actor, each actor on its own task: a
slow handler delays only its own actor. A handler must not block the event loop (run CPU-heavy
work with `asyncio.to_thread`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from algosdk.v2client.algod import AlgodClient
from pydantic import BaseModel

from gridworks.actors import routing
from gridworks.actors.messages import MESSAGE_TYPES, Heartbeat, Ready, TimeStep
from gridworks.actors.time_coordination import timestep_channel
from gridworks.identity.chain import genesis_hash
from gridworks.identity.envelope import MessageSigner, SignedEnvelope, seal
from gridworks.identity.errors import IdentityError
from gridworks.identity.rejection import RejectReason
from gridworks.identity.roles import GNodeRole
from gridworks.identity.verifier import Verified

if TYPE_CHECKING:
    from gridworks.actors.host import ActorHost

log = logging.getLogger(__name__)

DEFAULT_TTL_MS = 60_000


class CounterpartyError(IdentityError):
    """A verified message from a GNode that is not this actor's counterparty for it."""

    reason = RejectReason.NOT_COUNTERPARTY


class NotHosted(RuntimeError):
    """The actor is not running on an `ActorHost` yet."""


@dataclass(frozen=True)
class ChainContext:
    """The network and GNodeFactory an actor's certificates live on."""

    algod: AlgodClient
    factory_app_id: int
    genesis_hash: str

    @classmethod
    def of(cls, algod: AlgodClient, factory_app_id: int) -> ChainContext:
        return cls(algod, factory_app_id, genesis_hash(algod))


@dataclass(frozen=True)
class Subscription:
    channel: str
    publisher: str | None = None
    """Only broadcasts from this GNode (enforced by the binding and re-checked on arrival)."""


class Actor:
    """Send signed messages as `alias`; handle verified ones (override `handle`)."""

    defers_ready = False
    """False: `ready` is sent as soon as `on_timestep` returns. True: the step's work goes on in
    later messages (e.g. a MarketMaker waiting for its bids), and the actor calls `step_done`."""

    def __init__(
        self,
        alias: str,
        key: MessageSigner,
        *,
        time_coordinator: str | None = None,
        supervisor: str | None = None,
        heartbeat_s: float = 5.0,
    ) -> None:
        self.alias = alias
        self.key = key
        self.host: ActorHost | None = None
        self.subscriptions: list[Subscription] = []
        self._requests: dict[str, tuple[str, asyncio.Future[Verified]]] = {}
        self.time_coordinator = time_coordinator
        self.supervisor = supervisor
        self.heartbeat_s = heartbeat_s
        self.timestep: TimeStep | None = None
        """The last timestep taken (None before the first)."""
        self._step_done = False
        self._heart: asyncio.Task[None] | None = None
        if time_coordinator is not None:
            self.subscriptions.append(
                Subscription(timestep_channel(time_coordinator), time_coordinator)
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.alias!r})"

    # ---- life -------------------------------------------------------------------------------

    async def on_start(self) -> None:
        """Called once the actor's queue is consuming (subscribe here, or send first words)."""

    async def on_stop(self) -> None:
        """Called when the host stops."""

    async def on_timestep(self, timestep: TimeStep) -> None:
        """Do what a new step of simulated time asks (then `ready` is sent for it)."""

    @property
    def sim_time_s(self) -> int | None:
        """Simulated Unix time, from the last timestep (None outside a run)."""
        return None if self.timestep is None else self.timestep.sim_time_s

    def started(self) -> None:
        """The host calls this once the actor runs (starts its heartbeat)."""
        if self.supervisor is not None and self._heart is None:
            self._heart = asyncio.get_running_loop().create_task(self._beat())

    def stopped(self) -> None:
        if self._heart is not None:
            self._heart.cancel()
            self._heart = None

    async def _beat(self) -> None:
        assert self.supervisor is not None
        seq = 0
        while True:
            try:
                await self.send(
                    self.supervisor, Heartbeat(seq=seq), ttl_ms=int(self.heartbeat_s * 4000)
                )
            except Exception as error:  # the broker is away: the link reconnects; beat on
                log.info("%s could not heartbeat: %s", self.alias, error)
            seq += 1
            await asyncio.sleep(self.heartbeat_s)

    def _host(self) -> ActorHost:
        if self.host is None:
            raise NotHosted(f"{self} is not running on an ActorHost; add it to one")
        return self.host

    # ---- sending ----------------------------------------------------------------------------

    def seal(
        self, destination: str, payload: BaseModel, *, ttl_ms: int = DEFAULT_TTL_MS
    ) -> SignedEnvelope:
        """Sign `payload` (a registered message type) from this actor to `destination`."""
        message_type, version = MESSAGE_TYPES.type_of(type(payload))
        return seal(
            self.key,
            message_type=message_type,
            version=version,
            payload=payload,
            source=self.alias,
            destination=destination,
            genesis_hash=self._host().chain.genesis_hash,
            ttl_ms=ttl_ms,
        )

    async def send(
        self,
        destination: str,
        payload: BaseModel,
        *,
        ttl_ms: int = DEFAULT_TTL_MS,
        correlation_id: str | None = None,
    ) -> SignedEnvelope:
        """Seal and publish to `destination`'s queue; returns once the broker confirmed it."""
        envelope = self.seal(destination, payload, ttl_ms=ttl_ms)
        key = routing.routing_key(self.alias, envelope.header.type, destination)
        await self._host().publish(envelope, key, correlation_id=correlation_id)
        return envelope

    async def broadcast(
        self, channel: str, payload: BaseModel, *, ttl_ms: int = DEFAULT_TTL_MS
    ) -> SignedEnvelope:
        """Seal once (destination: the channel) and publish to every subscriber of `channel`."""
        envelope = self.seal(channel, payload, ttl_ms=ttl_ms)
        key = routing.broadcast_key(self.alias, envelope.header.type, channel)
        await self._host().publish(envelope, key, mandatory=False)
        return envelope

    async def request(
        self,
        destination: str,
        payload: BaseModel,
        *,
        timeout: float = 10.0,
        ttl_ms: int = DEFAULT_TTL_MS,
    ) -> Verified:
        """Send `payload` and wait for `destination`'s verified reply; TimeoutError if none."""
        envelope = self.seal(destination, payload, ttl_ms=ttl_ms)
        message_id = envelope.header.message_id
        future: asyncio.Future[Verified] = asyncio.get_running_loop().create_future()
        self._requests[message_id] = (destination, future)
        try:
            key = routing.routing_key(self.alias, envelope.header.type, destination)
            await self._host().publish(envelope, key)
            return await asyncio.wait_for(future, timeout)
        finally:
            self._requests.pop(message_id, None)

    async def reply(
        self, request: Verified, payload: BaseModel, *, ttl_ms: int = DEFAULT_TTL_MS
    ) -> SignedEnvelope:
        """Answer a verified request: to its sender, correlated by the request's message id."""
        return await self.send(
            request.header.source,
            payload,
            ttl_ms=ttl_ms,
            correlation_id=request.header.message_id,
        )

    def answer_to(self, verified: Verified, correlation_id: str | None) -> bool:
        """Resolve a pending `request` with `verified` if it is that request's reply from the
        GNode asked; True if it was (then it is not handed to `handle`)."""
        if correlation_id is None:
            return False
        pending = self._requests.get(correlation_id)
        if pending is None:
            return False
        asked, future = pending
        if verified.sender.alias != asked or future.done():
            return False
        future.set_result(verified)
        return True

    # ---- receiving --------------------------------------------------------------------------

    async def subscribe(self, channel: str, publisher: str | None = None) -> None:
        """Receive `channel`'s broadcasts (from `publisher` only, if given) from now on."""
        subscription = Subscription(channel, publisher)
        if subscription in self.subscriptions:
            return
        self.subscriptions.append(subscription)
        if self.host is not None:
            await self.host.subscribe(self, subscription)

    async def handle(self, verified: Verified) -> None:
        """What the actor does with a verified message; raise to refuse it (dead-lettered)."""

    async def receive(self, verified: Verified) -> None:
        """The host's entry: timesteps of this actor's run are taken here, the rest `handle`d."""
        message = verified.message
        if (
            isinstance(message, TimeStep)
            and self.time_coordinator is not None
            and verified.header.source == self.time_coordinator
        ):
            self.expect(verified, GNodeRole.TimeCoordinator)
            current = self.timestep
            if current is None or (message.run_id, message.step) != (current.run_id, current.step):
                self.timestep = message
                self._step_done = False
                await self.on_timestep(message)
                if not self.defers_ready:
                    self._step_done = True
            if self._step_done:  # a step broadcast again is answered again, once done
                await self.send(
                    self.time_coordinator, Ready(run_id=message.run_id, step=message.step)
                )
            return
        await self.handle(verified)

    async def step_done(self) -> None:
        """An actor that `defers_ready` calls this once the current step's work is done (it
        may take other messages first): `ready` goes to the TimeCoordinator, once per step."""
        step = self.timestep
        if step is None or self._step_done or self.time_coordinator is None:
            return
        self._step_done = True
        await self.send(self.time_coordinator, Ready(run_id=step.run_id, step=step.step))

    @staticmethod
    def expect(verified: Verified, role: GNodeRole, terminal_asset: str | None = None) -> None:
        """Refuse a verified sender that is not `role` (speaking for `terminal_asset`)."""
        sender = verified.sender
        if sender.role is not role or sender.terminal_asset != terminal_asset:
            device = f" of {terminal_asset}" if terminal_asset else ""
            raise CounterpartyError(
                f"{sender.alias} ({sender.role} for {sender.terminal_asset}) is not the "
                f"{role}{device}"
            )
