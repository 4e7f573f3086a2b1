"""The actors' broker plumbing against the real RabbitMQ dev broker (``scripts/broker start``).

Each test gets its own exchanges and dead-letter queue (a `BrokerConfig` with unique names)
and deletes them afterwards, so tests neither see nor eat each other's dead letters. The
verifier is a stand-in returning real `Verified` / `Rejected` results; the chain-backed one is
tested in tests/identity.
"""

from __future__ import annotations

import base64
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pika
import pytest
from algosdk import account

from gridworks.actors import (
    BrokerConfig,
    BrokerError,
    PublishError,
    SignedPublisher,
    VerifyingConsumer,
    connect,
    read_dead_letters,
)
from gridworks.actors.broker import DEFAULT_BROKER_URL, declare_actor_queue, queue_name
from gridworks.actors.publisher import CONTENT_TYPE
from gridworks.identity.authority import ProvenIdentity
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.envelope import SignedEnvelope, now_ms, parse, seal
from gridworks.identity.rejection import RejectReason
from gridworks.identity.roles import GNodeRole
from gridworks.identity.verifier import Rejected, Verified
from gridworks.sandbox import ed25519

pytestmark = pytest.mark.broker

GENESIS_HASH = base64.b64encode(bytes(range(32))).decode()


def broker_url() -> str:
    # As tests/actors/test_dev_broker.py finds the dev broker, plus the actors' own variable.
    return (
        os.environ.get("GRIDWORKS_BROKER_URL")
        or os.environ.get("GRIDWORKS_AMQP_URL")
        or DEFAULT_BROKER_URL
    )


def unique_alias(kind: str = "x") -> str:
    return f"d1.test.{kind}{uuid.uuid4().hex[:16]}"


class Signer:
    """An Algorand account that signs envelopes with raw Ed25519."""

    def __init__(self) -> None:
        private_key, self.address = account.generate_account()
        self._seed = base64.b64decode(private_key)[:32]

    def sign(self, data: bytes) -> bytes:
        return ed25519.sign(self._seed, data)


@dataclass
class Plumbing:
    config: BrokerConfig
    connection: pika.BlockingConnection
    publisher: SignedPublisher
    signer: Signer = field(default_factory=Signer)
    source: str = field(default_factory=lambda: unique_alias("s") + ".scada")
    queues: list[str] = field(default_factory=list)

    def envelope(self, destination: str, **kwargs: object) -> SignedEnvelope:
        return seal(
            self.signer,
            message_type="gridworks.test",
            payload={"reading": 42},
            source=self.source,
            destination=destination,
            genesis_hash=GENESIS_HASH,
            **kwargs,  # type: ignore[arg-type]
        )

    def identity(self) -> ProvenIdentity:
        return ProvenIdentity(
            alias=self.source,
            role=GNodeRole.Scada,
            address=self.signer.address,
            certificate=CertificateKind.ScadaCert,
            certificate_asset_id=1,
            terminal_asset="d1.test.ta",
            factory_app_id=1,
        )

    def accept_all(self, body: bytes) -> Verified | Rejected:
        return Verified(envelope=parse(body), sender=self.identity())

    def consumer(
        self,
        alias: str,
        verify: Callable[[bytes], Verified | Rejected] | None = None,
        on_message: Callable[[Verified], None] | None = None,
        **kwargs: object,
    ) -> VerifyingConsumer:
        self.queues.append(queue_name(self.config, alias))
        return VerifyingConsumer(
            self.connection,
            self.config,
            alias,
            verify or self.accept_all,
            on_message or (lambda verified: None),
            **kwargs,  # type: ignore[arg-type]
        )

    def ready(self, alias: str) -> int:
        """Messages waiting in `alias`'s queue (not counting ones delivered and unacked)."""
        queue = queue_name(self.config, alias)
        channel = self.connection.channel()
        try:
            return int(channel.queue_declare(queue=queue, passive=True).method.message_count)
        finally:
            channel.close()


@pytest.fixture
def plumbing() -> Iterator[Plumbing]:
    tag = uuid.uuid4().hex[:12]
    config = BrokerConfig(
        url=broker_url(),
        exchange=f"gridworks.test.actors.{tag}",
        dead_letter_exchange=f"gridworks.test.dead-letter.{tag}",
        dead_letter_queue=f"gridworks.test.dead-letter.{tag}",
    )
    try:
        connection = connect(config)
    except BrokerError as error:
        pytest.fail(f"{error} (or set GRIDWORKS_BROKER_URL)", pytrace=False)
    try:
        state = Plumbing(config, connection, SignedPublisher(connection, config))
        yield state
    finally:
        if connection.is_open:
            channel = connection.channel()
            for queue in [*state.queues, config.dead_letter_queue]:
                channel.queue_delete(queue=queue)
            channel.exchange_delete(exchange=config.exchange)
            channel.exchange_delete(exchange=config.dead_letter_exchange)
            connection.close()


def test_published_envelope_reaches_the_handler_with_its_properties(plumbing: Plumbing) -> None:
    alias = unique_alias()
    seen: list[tuple[Verified, pika.BasicProperties]] = []
    consumer: VerifyingConsumer

    def on_message(verified: Verified) -> None:
        assert consumer.current is not None
        seen.append((verified, consumer.current.properties))

    consumer = plumbing.consumer(alias, on_message=on_message)
    envelope = plumbing.envelope(alias, ttl_ms=60_000)
    before = now_ms()
    plumbing.publisher.publish(envelope)

    assert consumer.drain(max_messages=1, timeout=5) == 1
    [(verified, props)] = seen
    assert verified.envelope.wire == envelope.wire
    assert verified.header == envelope.header
    header = envelope.header
    assert props.message_id == header.message_id
    assert props.type == "gridworks.test/v1"
    assert props.user_id == plumbing.config.user == "smqPublic"
    assert props.app_id == "gridworks"
    assert props.timestamp == header.created_ms // 1000
    assert props.content_type == CONTENT_TYPE
    assert props.delivery_mode == 2
    assert props.headers == {"source": header.source, "destination": alias}
    # What was left of the envelope's validity when it was published.
    assert props.expiration is not None
    assert 0 < int(props.expiration) <= header.expires_ms - before
    assert int(props.expiration) > 50_000
    assert consumer.current is None
    assert (consumer.accepted, consumer.rejected, consumer.failed) == (1, 0, 0)
    consumer.close()
    assert plumbing.ready(alias) == 0


def test_drain_stops_after_max_messages_and_keeps_the_rest(plumbing: Plumbing) -> None:
    alias = unique_alias()
    seen: list[str] = []
    consumer = plumbing.consumer(alias, on_message=lambda v: seen.append(v.header.message_id))
    sent = [plumbing.envelope(alias) for _ in range(3)]
    for envelope in sent:
        plumbing.publisher.publish(envelope)

    assert consumer.drain(max_messages=2, timeout=5) == 2
    assert consumer.drain(timeout=0.3) == 1
    assert consumer.drain(timeout=0.1) == 0
    assert seen == [e.header.message_id for e in sent]
    consumer.close()
    assert plumbing.ready(alias) == 0


def test_rejected_message_is_dead_lettered_with_its_reason(plumbing: Plumbing) -> None:
    alias = unique_alias()
    envelope = plumbing.envelope(alias)
    detail = "the signature does not verify " + "x" * 600
    handled: list[Verified] = []
    refused: list[tuple[Rejected, pika.BasicProperties]] = []

    def refuse(body: bytes) -> Verified | Rejected:
        return Rejected(reason=RejectReason.BAD_SIGNATURE, detail=detail, header=parse(body).header)

    consumer = plumbing.consumer(
        alias,
        verify=refuse,
        on_message=handled.append,
        on_reject=lambda r, p: refused.append((r, p)),
    )
    plumbing.publisher.publish(envelope)
    assert consumer.drain(max_messages=1, timeout=5) == 1

    assert handled == []
    [(rejected, props)] = refused
    assert rejected.reason is RejectReason.BAD_SIGNATURE
    assert props.message_id == envelope.header.message_id
    consumer.close()
    assert plumbing.ready(alias) == 0  # acked, not merely delivered

    [letter] = read_dead_letters(plumbing.connection, plumbing.config, 5, timeout=0.5)
    assert letter.body == envelope.wire
    assert letter.reason == "BAD_SIGNATURE"
    assert letter.detail == detail[:500]
    assert letter.queue == queue_name(plumbing.config, alias)
    assert letter.message_id == envelope.header.message_id
    assert not letter.by_broker
    assert letter.headers["source"] == envelope.header.source
    assert letter.headers["x-gridworks-user-id"] == "smqPublic"


def test_a_failing_handler_dead_letters_the_message(plumbing: Plumbing) -> None:
    alias = unique_alias()
    envelope = plumbing.envelope(alias)

    def crash(verified: Verified) -> None:
        raise RuntimeError("handler bug")

    consumer = plumbing.consumer(alias, on_message=crash)
    plumbing.publisher.publish(envelope)
    assert consumer.drain(max_messages=1, timeout=5) == 1
    assert consumer.failed == 1
    consumer.close()
    assert plumbing.ready(alias) == 0

    [letter] = read_dead_letters(plumbing.connection, plumbing.config, 1, timeout=2)
    assert read_dead_letters(plumbing.connection, plumbing.config, 1, timeout=0.2) == []
    assert letter.body == envelope.wire
    assert not letter.by_broker
    assert (letter.reason, letter.detail) == ("HANDLER_FAILED", "handler bug")
    assert letter.queue == queue_name(plumbing.config, alias)
    assert letter.message_id == envelope.header.message_id


def test_a_handler_refusal_with_a_reason_keeps_it(plumbing: Plumbing) -> None:
    alias = unique_alias()

    class NotYours(Exception):
        reason = RejectReason.NOT_COUNTERPARTY

    def refuse(verified: Verified) -> None:
        raise NotYours("not my Scada")

    consumer = plumbing.consumer(alias, on_message=refuse)
    plumbing.publisher.publish(plumbing.envelope(alias))
    assert consumer.drain(max_messages=1, timeout=5) == 1
    consumer.close()
    [letter] = read_dead_letters(plumbing.connection, plumbing.config, 1, timeout=2)
    assert (letter.reason, letter.detail) == ("NOT_COUNTERPARTY", "not my Scada")


def test_a_verifier_that_raises_is_nacked_to_the_dead_letter_queue(plumbing: Plumbing) -> None:
    alias = unique_alias()
    envelope = plumbing.envelope(alias)

    def broken(body: bytes) -> Verified | Rejected:
        raise RuntimeError("verifier bug")

    consumer = plumbing.consumer(alias, verify=broken)
    plumbing.publisher.publish(envelope)
    assert consumer.drain(max_messages=1, timeout=5) == 1
    assert consumer.failed == 1
    consumer.close()
    assert plumbing.ready(alias) == 0
    [letter] = read_dead_letters(plumbing.connection, plumbing.config, 1, timeout=2)
    assert letter.body == envelope.wire
    assert letter.by_broker
    assert letter.reason == "rejected"  # the broker's word for a nack without requeue


def test_a_refusal_that_cannot_be_dead_lettered_stays_in_the_queue(plumbing: Plumbing) -> None:
    alias = unique_alias()
    envelope = plumbing.envelope(alias)

    def refuse(body: bytes) -> Verified | Rejected:
        return Rejected(reason=RejectReason.REPLAY, detail="seen before")

    consumer = plumbing.consumer(alias, verify=refuse)
    channel = plumbing.connection.channel()
    channel.queue_delete(queue=plumbing.config.dead_letter_queue)  # nowhere to put it
    channel.close()
    plumbing.publisher.publish(envelope)

    with pytest.raises(PublishError, match="unroutable"):
        consumer.drain(max_messages=1, timeout=5)
    consumer.close()
    assert plumbing.ready(alias) == 1  # given back, not dropped


def test_run_forever_returns_after_stop(plumbing: Plumbing) -> None:
    alias = unique_alias()
    seen: list[str] = []
    consumer: VerifyingConsumer

    def on_message(verified: Verified) -> None:
        seen.append(verified.header.message_id)
        if len(seen) == 2:
            consumer.stop()

    consumer = plumbing.consumer(alias, on_message=on_message)
    for _ in range(3):
        plumbing.publisher.publish(plumbing.envelope(alias))
    consumer.run_forever(poll=0.2)
    assert len(seen) == 2
    consumer.close()
    assert plumbing.ready(alias) == 1  # the third, prefetched, went back to the queue


def test_an_expired_message_is_dead_lettered_by_the_broker(plumbing: Plumbing) -> None:
    alias = unique_alias()
    consumer = plumbing.consumer(alias)
    # Signed two minutes ago, valid for one: the broker gets an expiration of 1 ms.
    envelope = plumbing.envelope(alias, ttl_ms=60_000, clock=lambda: now_ms() - 120_000)
    plumbing.publisher.publish(envelope)

    [letter] = read_dead_letters(plumbing.connection, plumbing.config, 1, timeout=3)
    assert letter.body == envelope.wire
    assert letter.reason == "expired"
    assert letter.by_broker
    assert consumer.drain(timeout=0.1) == 0
    consumer.close()


def test_publish_to_an_alias_without_queue_is_unroutable(plumbing: Plumbing) -> None:
    nobody = unique_alias("nobody")
    with pytest.raises(PublishError, match="unroutable"):
        plumbing.publisher.publish(plumbing.envelope(nobody))


def test_the_broker_refuses_another_users_user_id(plumbing: Plumbing) -> None:
    alias = unique_alias()
    consumer = plumbing.consumer(alias)
    forged = plumbing.envelope(alias)

    with pytest.raises(PublishError) as info:
        plumbing.publisher.publish_wire(
            forged.wire, alias, message_id=forged.header.message_id, user_id="intruder"
        )
    message = str(info.value)
    assert "user_id 'intruder'" in message
    assert "PRECONDITION_FAILED" in message
    assert plumbing.ready(alias) == 0

    # The publisher opens a fresh channel and carries on.
    honest = plumbing.envelope(alias)
    plumbing.publisher.publish(honest)
    assert plumbing.ready(alias) == 1
    assert consumer.drain(max_messages=1, timeout=5) == 1
    consumer.close()


def test_connect_to_a_closed_port_names_the_broker_but_not_the_password() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    password = "pw-" + uuid.uuid4().hex
    config = BrokerConfig(url=f"amqp://smqPublic:{password}@127.0.0.1:{port}/d1__1")
    started = time.monotonic()
    with pytest.raises(BrokerError) as info:
        connect(config, timeout=2)
    assert time.monotonic() - started < 5
    message = str(info.value)
    assert f"127.0.0.1:{port}/d1__1" in message
    assert "scripts/broker start" in message
    assert "\n" not in message
    assert password not in message
    assert password not in repr(config) and password not in str(config)
    assert config.user == "smqPublic"


def test_config_reads_the_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRIDWORKS_AMQP_URL", raising=False)
    monkeypatch.delenv("GRIDWORKS_BROKER_URL", raising=False)
    monkeypatch.delenv("GRIDWORKS_BROKER_PORT", raising=False)
    assert BrokerConfig().url == DEFAULT_BROKER_URL
    monkeypatch.setenv("GRIDWORKS_BROKER_PORT", "5999")  # the dev broker scripts/broker runs there
    assert BrokerConfig().where == "127.0.0.1:5999/d1__1"
    monkeypatch.setenv("GRIDWORKS_BROKER_PORT", "nope")
    with pytest.raises(ValueError, match="GRIDWORKS_BROKER_PORT must be a port number"):
        BrokerConfig()
    monkeypatch.setenv("GRIDWORKS_BROKER_URL", "amqp://alice:secret@broker.example:5673/d1__2")
    config = BrokerConfig()
    assert config.user == "alice"
    assert config.where == "broker.example:5673/d1__2"


def test_a_queue_declared_differently_before_is_one_clear_error(plumbing: Plumbing) -> None:
    alias = unique_alias()
    queue = queue_name(plumbing.config, alias)
    plumbing.queues.append(queue)
    channel = plumbing.connection.channel()
    channel.queue_declare(queue=queue, durable=True)  # no dead-letter exchange
    channel.close()
    with pytest.raises(BrokerError) as info:
        declare_actor_queue(plumbing.connection.channel(), plumbing.config, alias)
    message = str(info.value)
    assert f"cannot declare queue {queue!r}" in message
    assert "x-dead-letter-exchange" in message and "declared differently" in message
