"""Run many actors in one process over one broker connection (`BrokerLink`).

Each hosted actor has its own durable queue, consumed on the link, and its own task that takes
its deliveries one at a time:

1. the routing key is read (`routing.parse`); one that is not ``<sender>.<type>.<receiver>``
   is refused as WRONG_ROUTE;
2. a sender over its rate (a token bucket per receiving actor and routing-key sender, which
   the broker vouches for when actors log in as themselves) is refused as RATE_LIMITED,
   before any work is spent on it;
3. the envelope is verified (`Verifier`: parsing, policy, signature, the chain, replay);
4. a verified envelope must agree with its routing key (sender, type, receiver or channel), and
   a broadcast must come from the publisher the subscription names; else WRONG_ROUTE;
5. a reply to a pending `request` goes to its requester; anything else to `handle`.

Refusals (and handler errors) are copied to the dead-letter exchange with their reason and
then acked; if the copy cannot be confirmed the delivery is nacked so the broker dead-letters
it itself. A delivery the broker marks ``redelivered`` whose message id was already accepted or
dead-lettered here (its ack was lost with a connection) is acked and counted as a duplicate,
never handed on or refused twice. A handler exception is a refusal of that message, never
the end of the actor.

One `ChainCache` (one follower of the chain) serves every actor's verifier; each actor keeps
its own replay memory. A broadcast's bytes are verified once per host (the first subscriber's
verifier) and that answer stands for the host's other subscribers for `BROADCAST_MEMO_S`, each
still checking the channel and its own replay memory: a thousand subscribers in one process
cost one signature check, not a thousand.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pika

from gridworks.actors import routing
from gridworks.actors.actor import Actor, ChainContext, Subscription
from gridworks.actors.broker import BrokerConfig, PublishError, queue_name
from gridworks.actors.dead_letters import MAX_DETAIL_CHARS, dead_letter_properties
from gridworks.actors.link import Binding, BrokerLink, Delivery, LinkClosed, QueueSpec
from gridworks.actors.messages import MESSAGE_TYPES
from gridworks.identity.chain_cache import ChainCache
from gridworks.identity.envelope import SignedEnvelope, now_ms
from gridworks.identity.rejection import RejectReason
from gridworks.identity.replay import ReplayGuard
from gridworks.identity.verifier import Policy, Rejected, Verified, Verifier

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/vnd.gridworks.signed-envelope+json"
APP_ID = "gridworks"

BROADCAST_MEMO_S = 1.0
"""How long a broadcast verified for one subscriber stands for the others in the host."""
BROADCAST_MEMO_SIZE = 256
DEAD_LETTERED_MEMORY = 1_000
"""Per actor: how many refused message ids are remembered to drop their redelivered copies."""

Listener = Callable[[Actor, Verified | Rejected], None]
"""Told of every verified message an actor took and every refusal (demos, tests, metrics)."""


@dataclass(frozen=True)
class Limits:
    """Per receiving actor and sender: `rate` messages/s on average, bursts of `burst`."""

    rate: float = 1_000.0
    burst: float = 2_000.0


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class HostStats:
    accepted: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    published: int = 0

    @property
    def refused_total(self) -> int:
        return sum(self.refused.values())


@dataclass
class _Hosted:
    actor: Actor
    queue: str
    verifier: Verifier
    inbox: asyncio.Queue[Delivery]
    task: asyncio.Task[None] | None = None
    buckets: dict[str, _Bucket] = field(default_factory=dict)
    dead_lettered: OrderedDict[str, None] = field(default_factory=OrderedDict)
    """Message ids this actor dead-lettered lately (a redelivered copy is not refused twice)."""


def message_type_of(envelope: SignedEnvelope) -> str:
    """The AMQP ``type`` property: ``<type>/v<version>`` (informational, never trusted)."""
    return f"{envelope.header.type}/v{envelope.header.version}"


def host_cache(
    chain: ChainContext, policy: Policy | None = None, *, follow: bool = True
) -> ChainCache:
    """The chain cache a host verifies with (not started): following `chain`'s factory."""
    return ChainCache(
        chain.algod,
        watch_app_ids=(chain.factory_app_id,),
        max_staleness_rounds=(policy or Policy()).max_staleness_rounds,
        follow=follow,
        poll_seconds=0.25,
    )


class ActorHost:
    """Hosts actors on one `BrokerLink`; `async with ActorHost(...) as host:` runs them."""

    def __init__(
        self,
        chain: ChainContext,
        broker: BrokerConfig | None = None,
        *,
        actors: Iterable[Actor] = (),
        policy: Policy | None = None,
        limits: Limits | None = None,
        listener: Listener | None = None,
        follow_chain: bool = True,
        prefetch: int = 50,
        window: int = 256,
        replay_dir: Path | str | None = None,
        cache: ChainCache | None = None,
    ) -> None:
        """`replay_dir`: keep each actor's accepted message ids in a SQLite file there, so a
        restarted process still refuses replays of what it took before. `cache`: a chain cache
        shared with the process's other hosts (its owner starts and closes it; one follower of
        the chain and one first lookup per sender for all of them); by default the host has
        its own."""
        self.chain = chain
        self.broker = broker or BrokerConfig()
        self.policy = policy or Policy()
        self.limits = limits or Limits()
        self.listener = listener
        self.prefetch = prefetch
        self.replay_dir = Path(replay_dir) if replay_dir is not None else None
        self.stats = HostStats()
        self._owns_cache = cache is None
        # not `cache or ...`: an empty ChainCache is falsy (it has a length)
        self.cache = (
            cache if cache is not None else host_cache(chain, self.policy, follow=follow_chain)
        )
        self.link = BrokerLink(self.broker, window=window, declare=self._declare_shared)
        self._hosted: dict[str, _Hosted] = {}
        self._broadcasts: dict[bytes, tuple[Verified, float]] = {}
        self._started = False
        for actor in actors:
            self._adopt(actor)

    # ---- life -------------------------------------------------------------------------------

    @property
    def actors(self) -> list[Actor]:
        return [hosted.actor for hosted in self._hosted.values()]

    def actor(self, alias: str) -> Actor:
        return self._hosted[alias].actor

    async def start(self) -> None:
        """Connect, declare every actor's queue, start consuming, run each `on_start`."""
        if self._owns_cache:
            self.cache.start()
        for hosted in self._hosted.values():  # recorded now, declared as the link comes up
            await self.link.add_queue(self._queue_spec(hosted))
        await self.link.start()
        self._started = True
        for hosted in self._hosted.values():
            self._run(hosted)
        await asyncio.gather(*(hosted.actor.on_start() for hosted in self._hosted.values()))
        for hosted in self._hosted.values():
            hosted.actor.started()

    async def add(self, actor: Actor) -> None:
        """Host one more actor (the host may be running)."""
        hosted = self._adopt(actor)
        if self._started:
            await self.link.add_queue(self._queue_spec(hosted))
            self._run(hosted)
            await actor.on_start()
            actor.started()

    async def close(self) -> None:
        for hosted in self._hosted.values():
            hosted.actor.stopped()
            try:
                await hosted.actor.on_stop()
            except Exception:
                log.exception("on_stop of %s failed", hosted.actor)
        await self.link.close()
        tasks = [h.task for h in self._hosted.values() if h.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for hosted in self._hosted.values():
            hosted.verifier.replay.close()
        if self._owns_cache:
            self.cache.close()
        self._started = False

    async def __aenter__(self) -> ActorHost:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _adopt(self, actor: Actor) -> _Hosted:
        if actor.alias in self._hosted:
            raise ValueError(f"{actor.alias} is already hosted here")
        if actor.host is not None:
            raise ValueError(f"{actor} is already hosted elsewhere")
        replay_path = None
        if self.replay_dir is not None:
            self.replay_dir.mkdir(parents=True, exist_ok=True)
            replay_path = self.replay_dir / f"{actor.alias}.replay.sqlite"
        verifier = Verifier(
            self.chain.algod,
            self.chain.factory_app_id,
            receivers=(actor.alias, *(s.channel for s in actor.subscriptions)),
            policy=self.policy,
            message_types=MESSAGE_TYPES,
            genesis_hash=self.chain.genesis_hash,
            cache=self.cache,
            replay=ReplayGuard(path=replay_path),
        )
        queue = queue_name(self.broker, actor.alias)
        hosted = _Hosted(actor, queue, verifier, asyncio.Queue())
        self._hosted[actor.alias] = hosted
        actor.host = self
        return hosted

    def _queue_spec(self, hosted: _Hosted) -> QueueSpec:
        actor = hosted.actor
        bindings = [Binding(self.broker.exchange, routing.binding_key(actor.alias))]
        bindings += [self._binding(s) for s in actor.subscriptions]
        return QueueSpec(
            name=hosted.queue,
            arguments=self.broker.actor_queue_arguments(),
            bindings=bindings,
            on_delivery=hosted.inbox.put_nowait,
            prefetch=self.prefetch,
        )

    def _binding(self, subscription: Subscription) -> Binding:
        key = routing.subscription_key(subscription.channel, subscription.publisher)
        return Binding(self.broker.exchange, key)

    async def subscribe(self, actor: Actor, subscription: Subscription) -> None:
        hosted = self._hosted[actor.alias]
        hosted.verifier.receivers = frozenset({*hosted.verifier.receivers, subscription.channel})
        await self.link.bind(hosted.queue, self._binding(subscription))

    async def _declare_shared(self, link: BrokerLink) -> None:
        config = self.broker
        if not config.declare_topology:
            return
        await link.declare_exchange(config.exchange, "topic")
        await link.declare_exchange(config.dead_letter_exchange, "fanout")
        await link.declare_queue(
            config.dead_letter_queue,
            config.queue_arguments(),
            [Binding(config.dead_letter_exchange, "")],
        )
        if config.ear:
            await link.declare_queue(
                config.ear_queue, config.ear_queue_arguments(), [Binding(config.exchange, "#")]
            )

    def _run(self, hosted: _Hosted) -> None:
        if hosted.task is None:
            hosted.task = asyncio.get_running_loop().create_task(
                self._serve(hosted), name=f"actor {hosted.actor.alias}"
            )

    # ---- publishing -------------------------------------------------------------------------

    async def publish(
        self,
        envelope: SignedEnvelope,
        routing_key: str,
        *,
        correlation_id: str | None = None,
        mandatory: bool = True,
    ) -> None:
        header = envelope.header
        properties = pika.BasicProperties(
            content_type=CONTENT_TYPE,
            delivery_mode=pika.DeliveryMode.Persistent,
            message_id=header.message_id,
            correlation_id=correlation_id,
            type=message_type_of(envelope),
            timestamp=header.created_ms // 1000,
            app_id=APP_ID,
            user_id=self.broker.user,
            expiration=str(max(1, header.expires_ms - now_ms())),
        )
        await self.link.publish(
            self.broker.exchange, routing_key, envelope.wire, properties, mandatory=mandatory
        )
        self.stats.published += 1

    # ---- receiving --------------------------------------------------------------------------

    async def _serve(self, hosted: _Hosted) -> None:
        while True:
            delivery = await hosted.inbox.get()
            try:
                await self._take(hosted, delivery)
            except asyncio.CancelledError:
                raise
            except Exception:  # never let one message end the actor
                log.exception("%s failed on a delivery; it goes back to the broker", hosted.actor)
                self.link.reject(delivery)

    def _over_rate(self, hosted: _Hosted, sender: str) -> bool:
        now = time.monotonic()
        bucket = hosted.buckets.get(sender)
        if bucket is None:
            bucket = hosted.buckets[sender] = _Bucket(self.limits.burst, now)
        bucket.tokens = min(self.limits.burst, bucket.tokens + (now - bucket.at) * self.limits.rate)
        bucket.at = now
        if bucket.tokens < 1:
            return True
        bucket.tokens -= 1
        return False

    async def _take(self, hosted: _Hosted, delivery: Delivery) -> None:
        actor = hosted.actor
        message_id = delivery.properties.message_id
        if delivery.redelivered and message_id in hosted.dead_lettered:
            self.stats.duplicates += 1  # its refusal is in the dead-letter queue already
            self.link.ack(delivery)
            return
        try:
            route = routing.parse(delivery.routing_key)
        except routing.RoutingKeyError as error:
            await self._refuse(
                hosted, delivery, Rejected(reason=RejectReason.WRONG_ROUTE, detail=str(error))
            )
            return
        if self._over_rate(hosted, route.sender):
            detail = (
                f"{route.sender} sent more than {self.limits.rate:g} messages/s "
                f"(burst {self.limits.burst:g}) to {actor.alias}"
            )
            await self._refuse(
                hosted, delivery, Rejected(reason=RejectReason.RATE_LIMITED, detail=detail)
            )
            return
        result = self._verify(hosted, delivery.body, route.broadcast)
        if isinstance(result, Rejected):
            if result.reason is RejectReason.REPLAY and delivery.redelivered:
                self.stats.duplicates += 1
                self.link.ack(delivery)
                return
            await self._refuse(hosted, delivery, result)
            return
        mismatch = self._route_mismatch(hosted, route, result)
        if mismatch is not None:
            await self._refuse(hosted, delivery, mismatch)
            return
        if actor.answer_to(result, delivery.properties.correlation_id):
            self._accepted(hosted, delivery, result)
            return
        try:
            await actor.receive(result)
        except Exception as error:
            log.warning(
                "the handler of %s refused message %s: %s",
                actor.alias,
                result.header.message_id,
                error,
                exc_info=not hasattr(error, "reason"),  # a traceback only for the unexpected
            )
            await self._refuse(hosted, delivery, handler_refusal(result, error))
            return
        self._accepted(hosted, delivery, result)

    def _verify(self, hosted: _Hosted, body: bytes, broadcast: bool) -> Verified | Rejected:
        """Verify; a broadcast's bytes are verified once per host for all its subscribers here
        (each still checks its own replay memory), within `BROADCAST_MEMO_S`."""
        if not broadcast:
            return hosted.verifier.verify(body)
        now = time.monotonic()
        memo = self._broadcasts.get(body)
        if memo is None or now - memo[1] > BROADCAST_MEMO_S:
            result = hosted.verifier.verify(body)
            if isinstance(result, Verified):
                self._broadcasts[body] = (result, now)
                while len(self._broadcasts) > BROADCAST_MEMO_SIZE:
                    del self._broadcasts[next(iter(self._broadcasts))]
            return result
        verified = memo[0]
        header = verified.header
        if header.destination not in hosted.verifier.receivers:
            return hosted.verifier.verify(body)  # says why, in its words
        return hosted.verifier.first_time(header) or verified

    def _route_mismatch(
        self, hosted: _Hosted, route: routing.Route, verified: Verified
    ) -> Rejected | None:
        header = verified.header
        problem = None
        if (route.sender, route.message_type, route.receiver) != (
            header.source,
            header.type,
            header.destination,
        ):
            problem = (
                f"routing key names {route.sender} -> {route.receiver} ({route.message_type}), "
                f"the signed envelope {header.source} -> {header.destination} ({header.type})"
            )
        elif not route.broadcast and header.destination != hosted.actor.alias:
            problem = f"a direct message for {header.destination} on {hosted.actor.alias}'s queue"
        elif route.broadcast and not any(
            s.channel == header.destination and s.publisher in (None, header.source)
            for s in hosted.actor.subscriptions
        ):
            problem = (
                f"{hosted.actor.alias} takes no broadcast on {header.destination} "
                f"from {header.source}"
            )
        if problem is None:
            return None
        return Rejected(reason=RejectReason.WRONG_ROUTE, detail=problem, header=header)

    def _accepted(self, hosted: _Hosted, delivery: Delivery, verified: Verified) -> None:
        self.link.ack(delivery)
        self.stats.accepted += 1
        self._tell(hosted.actor, verified)

    def _tell(self, actor: Actor, result: Verified | Rejected) -> None:
        if self.listener is not None:
            try:
                self.listener(actor, result)
            except Exception:
                log.exception("the host's listener failed")

    async def _refuse(self, hosted: _Hosted, delivery: Delivery, rejected: Rejected) -> None:
        """Copy to the dead-letter exchange with the reason, then ack; nothing is dropped."""
        log.warning(
            "refused message %s in %s: %s: %s",
            delivery.properties.message_id,
            hosted.queue,
            rejected.reason.value,
            rejected.detail[:MAX_DETAIL_CHARS],
        )
        self.stats.refused[rejected.reason.value] += 1
        try:
            await self.link.publish(
                self.broker.dead_letter_exchange,
                delivery.routing_key,
                delivery.body,
                dead_letter_properties(delivery.properties, rejected, hosted.queue),
            )
        except (PublishError, LinkClosed) as error:
            log.error("could not dead-letter %s (%s); the broker takes it back", delivery, error)
            self.link.reject(delivery)
        else:
            self.link.ack(delivery)
            if delivery.properties.message_id:
                hosted.dead_lettered[delivery.properties.message_id] = None
                if len(hosted.dead_lettered) > DEAD_LETTERED_MEMORY:
                    hosted.dead_lettered.popitem(last=False)
        self._tell(hosted.actor, rejected)  # once its copy is in the dead-letter queue


def handler_refusal(verified: Verified, error: Exception) -> Rejected:
    """A verified message its handler refused: the error's `reason` if it names one (e.g.
    NOT_COUNTERPARTY), else HANDLER_FAILED; the error's text is the detail."""
    reason = getattr(error, "reason", None)
    return Rejected(
        reason=reason if isinstance(reason, RejectReason) else RejectReason.HANDLER_FAILED,
        detail=str(error) or type(error).__name__,
        header=verified.header,
    )
