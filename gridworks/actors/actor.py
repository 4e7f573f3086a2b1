"""A GNode actor: an alias, the key that holds its certificate, a broker queue, a verifier.

Everything it sends is sealed in a signed envelope; everything it receives is verified against
the chain before `handle` sees it, and refused messages go to the dead-letter queue with their
reason. A subclass says what it does with verified messages (`handle`) and may check that the
verified sender is the counterparty it expects (`expect`): the verifier proves who sent a
message, the actor decides whether that GNode may tell it this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pika
from algosdk.v2client.algod import AlgodClient
from pydantic import BaseModel

from gridworks.actors.broker import BrokerConfig, connect
from gridworks.actors.consumer import VerifyingConsumer, handler_refusal
from gridworks.actors.messages import MESSAGE_TYPES
from gridworks.actors.publisher import SignedPublisher
from gridworks.identity.chain import genesis_hash
from gridworks.identity.chain_cache import ChainCache
from gridworks.identity.envelope import MessageSigner, SignedEnvelope, seal
from gridworks.identity.errors import IdentityError
from gridworks.identity.rejection import RejectReason
from gridworks.identity.replay import ReplayGuard
from gridworks.identity.roles import GNodeRole
from gridworks.identity.verifier import Policy, Rejected, Verified, Verifier


class CounterpartyError(IdentityError):
    """A verified message from a GNode that is not this actor's counterparty for it."""

    reason = RejectReason.NOT_COUNTERPARTY


@dataclass(frozen=True)
class ChainContext:
    """The network and GNodeFactory an actor's certificates live on."""

    algod: AlgodClient
    factory_app_id: int
    genesis_hash: str

    @classmethod
    def of(cls, algod: AlgodClient, factory_app_id: int) -> ChainContext:
        return cls(algod, factory_app_id, genesis_hash(algod))


Listener = Callable[["Actor", Verified | Rejected], None]


class Actor:
    """Send signed messages as `alias`; receive verified ones on `alias`'s queue."""

    def __init__(
        self,
        alias: str,
        key: MessageSigner,
        chain: ChainContext,
        *,
        broker: BrokerConfig | None = None,
        policy: Policy | None = None,
        listener: Listener | None = None,
        follow_chain: bool = True,
        replay_path: Path | str | None = None,
    ) -> None:
        """`replay_path`: a SQLite file remembering accepted message ids across restarts."""
        self.alias = alias
        self.key = key
        self.chain = chain
        self.broker = broker or BrokerConfig()
        self.listener = listener
        self.policy = policy or Policy()
        self.cache = ChainCache(
            chain.algod,
            watch_app_ids=(chain.factory_app_id,),
            max_staleness_rounds=self.policy.max_staleness_rounds,
            follow=follow_chain,
            poll_seconds=0.25,  # how long close() may wait for the follower's long poll
        )
        self.verifier = Verifier(
            chain.algod,
            chain.factory_app_id,
            receivers=(alias,),
            policy=self.policy,
            message_types=MESSAGE_TYPES,
            genesis_hash=chain.genesis_hash,
            cache=self.cache,
            replay=ReplayGuard(path=replay_path),
        )
        self.connection: pika.BlockingConnection = connect(self.broker)
        self.publisher = SignedPublisher(self.connection, self.broker)
        self.consumer = VerifyingConsumer(
            self.connection,
            self.broker,
            alias,
            self.verifier.verify,
            self._accepted,
            on_reject=self._refused,
        )
        self.cache.start()

    # ---- sending ----------------------------------------------------------------------------

    def seal(self, destination: str, payload: BaseModel, *, ttl_ms: int = 60_000) -> SignedEnvelope:
        """Sign `payload` (a registered message type) from this actor to `destination`."""
        message_type, version = MESSAGE_TYPES.type_of(type(payload))
        return seal(
            self.key,
            message_type=message_type,
            version=version,
            payload=payload,
            source=self.alias,
            destination=destination,
            genesis_hash=self.chain.genesis_hash,
            ttl_ms=ttl_ms,
        )

    def send(self, destination: str, payload: BaseModel, *, ttl_ms: int = 60_000) -> SignedEnvelope:
        """Seal and publish (confirmed by the broker, routed to the destination's queue)."""
        envelope = self.seal(destination, payload, ttl_ms=ttl_ms)
        self.publisher.publish(envelope)
        return envelope

    def send_all(
        self, destination: str, payloads: Iterable[BaseModel], *, ttl_ms: int = 60_000
    ) -> int:
        """Seal and publish a stream of payloads in order (e.g. a burst of readings); the next
        is sealed while the broker confirms the current one. Returns how many were sent."""
        return self.publisher.publish_all(
            self.seal(destination, payload, ttl_ms=ttl_ms) for payload in payloads
        )

    # ---- receiving --------------------------------------------------------------------------

    def step(self, max_messages: int | None = None, timeout: float = 0.5) -> int:
        """Handle what is waiting on the queue (see `VerifyingConsumer.drain`)."""
        return self.consumer.drain(max_messages, timeout)

    def handle(self, verified: Verified) -> None:
        """What the actor does with a verified message; raise to refuse it (dead-lettered)."""

    @staticmethod
    def expect(verified: Verified, role: GNodeRole, terminal_asset: str | None) -> None:
        """Refuse a verified sender that is not `role` speaking for `terminal_asset`."""
        sender = verified.sender
        if sender.role is not role or sender.terminal_asset != terminal_asset:
            raise CounterpartyError(
                f"{sender.alias} ({sender.role} for {sender.terminal_asset}) is not the "
                f"{role} of {terminal_asset}"
            )

    def _accepted(self, verified: Verified) -> None:
        try:
            self.handle(verified)
        except Exception as error:  # the consumer dead-letters it with this reason
            if self.listener is not None:
                self.listener(self, handler_refusal(verified, error))
            raise
        if self.listener is not None:
            self.listener(self, verified)

    def _refused(self, rejected: Rejected, _properties: pika.BasicProperties) -> None:
        if self.listener is not None:
            self.listener(self, rejected)

    def close(self) -> None:
        self.verifier.close()
        if self.connection.is_open:
            self.connection.close()

    def __enter__(self) -> Actor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
