"""The actors' broker plumbing (`BrokerLink`, `ActorHost`) against the RabbitMQ dev broker
(``scripts/broker start``): message properties, what the broker refuses and how the link
carries on, dead letters by the broker and by the host, and clear errors.

Each test uses exchanges and queues of its own (a `BrokerConfig` with unique names) and
deletes them afterwards. Tests that need certified actors use the sandbox chain (`Fleet`).
"""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import pika
import pytest

from gridworks.actors import routing
from gridworks.actors.atomic_tnode import AtomicTNode
from gridworks.actors.broker import (
    DEFAULT_BROKER_URL,
    BrokerConfig,
    BrokerError,
    PublishError,
    connect,
    queue_name,
)
from gridworks.actors.dead_letters import read_dead_letters
from gridworks.actors.host import APP_ID, CONTENT_TYPE
from gridworks.actors.link import Binding, BrokerLink, Delivery, QueueSpec
from gridworks.actors.messages import Telemetry
from gridworks.actors.scada import Scada
from gridworks.identity.envelope import now_ms, parse
from gridworks.identity.rejection import RejectReason
from gridworks.identity.verifier import Rejected
from gridworks.sandbox import Network
from tests.actors.fleet import Device, Events, Fleet, make_fleet

pytestmark = pytest.mark.broker


def unique_alias(kind: str = "x") -> str:
    return f"d1.test.{kind}{uuid.uuid4().hex[:16]}"


def props(**kwargs: object) -> pika.BasicProperties:
    kwargs.setdefault("message_id", uuid.uuid4().hex)
    return pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent, **kwargs)  # type: ignore[arg-type]


@dataclass
class Topology:
    """A throw-away topology on the dev broker, and a blocking connection to look at it."""

    config: BrokerConfig
    connection: pika.BlockingConnection
    queues: list[str] = field(default_factory=list)

    def queue(self, alias: str | None = None) -> tuple[str, str]:
        """A fresh actor queue's name and the routing key that reaches it (remembered for
        deletion)."""
        alias = alias or unique_alias()
        name = queue_name(self.config, alias)
        self.queues.append(name)
        return name, routing.routing_key(unique_alias("s"), "gridworks.test", alias)

    def spec(self, name: str, key: str, **kwargs: object) -> QueueSpec:
        return QueueSpec(
            name,
            self.config.actor_queue_arguments(),
            [Binding(self.config.exchange, key)],
            **kwargs,  # type: ignore[arg-type]
        )

    async def declare(self, link: BrokerLink) -> None:
        """The shared part: what `ActorHost` declares (without the ear)."""
        config = self.config
        await link.declare_exchange(config.exchange, "topic")
        await link.declare_exchange(config.dead_letter_exchange, "fanout")
        await link.declare_queue(
            config.dead_letter_queue,
            config.queue_arguments(),
            [Binding(config.dead_letter_exchange, "")],
        )

    def link(self) -> BrokerLink:
        return BrokerLink(self.config, declare=self.declare)

    def ready(self, queue: str) -> int:
        """Messages waiting in `queue` (not counting delivered, unacked ones)."""
        channel = self.connection.channel()
        try:
            return int(channel.queue_declare(queue=queue, passive=True).method.message_count)
        finally:
            channel.close()

    def take_all(self, queue: str) -> list[pika.BasicProperties]:
        channel = self.connection.channel()
        taken: list[pika.BasicProperties] = []
        try:
            while True:
                method, properties, _ = channel.basic_get(queue, auto_ack=True)
                if method is None:
                    return taken
                taken.append(properties)
        finally:
            channel.close()


def with_link(topology: Topology, body: Callable[[BrokerLink], Awaitable[None]]) -> None:
    async def main() -> None:
        link = topology.link()
        await link.start()
        try:
            await body(link)
        finally:
            await link.close()

    asyncio.run(main())


@pytest.fixture
def topology() -> Iterator[Topology]:
    tag = uuid.uuid4().hex[:12]
    config = BrokerConfig(
        exchange=f"gridworks.test.link.{tag}",
        dead_letter_exchange=f"gridworks.test.link.{tag}.dead-letter",
        dead_letter_queue=f"gridworks.test.link.{tag}.dead-letter",
        queue_expires_ms=60_000,
    )
    try:
        connection = connect(config)
    except BrokerError as error:
        pytest.fail(f"{error} (or set GRIDWORKS_BROKER_URL)", pytrace=False)
    made = Topology(config, connection)
    try:
        yield made
    finally:
        if connection.is_open:
            channel = connection.channel()
            for queue in [*made.queues, config.dead_letter_queue, config.ear_queue]:
                channel.queue_delete(queue=queue)
            channel.exchange_delete(exchange=config.exchange)
            channel.exchange_delete(exchange=config.dead_letter_exchange)
            connection.close()


@pytest.fixture(scope="module")
def fleet(network: Network) -> Iterator[Fleet]:
    yield from make_fleet(network, "d1.lk")


@pytest.fixture
def device(fleet: Fleet) -> Iterator[Device]:
    made = fleet.device()
    yield made
    fleet.delete_queues(made.atn, made.scada)


def reading(device: Device, value: int) -> Telemetry:
    return Telemetry(
        terminal_asset=device.terminal_asset, channel="power-w", value=value, read_ms=now_ms()
    )


# ---- what a sent envelope carries -----------------------------------------------------------


def test_a_sent_envelope_reaches_its_receiver_with_its_properties(
    fleet: Fleet, device: Device
) -> None:
    """The Scada's host publishes; a plain link consumes the AtomicTNode's queue in its stead
    and sees the delivery as a handler's host would."""
    scada = Scada(device.scada, device.scada_key)
    receiver = BrokerLink(fleet.config)
    deliveries: asyncio.Queue[Delivery] = asyncio.Queue()
    queue = queue_name(fleet.config, device.atn)

    async def main() -> tuple[Delivery, str, int]:
        async with fleet.host(scada):  # (which declares the exchanges)
            await receiver.add_queue(
                QueueSpec(
                    queue,
                    fleet.config.actor_queue_arguments(),
                    [Binding(fleet.config.exchange, routing.binding_key(device.atn))],
                    on_delivery=deliveries.put_nowait,
                )
            )
            await receiver.start()
            try:
                before = now_ms()
                sent = await scada.send(device.atn, reading(device, 42), ttl_ms=60_000)
                delivery = await asyncio.wait_for(deliveries.get(), 5)
                receiver.ack(delivery)
                await asyncio.sleep(0.2)
                assert deliveries.empty()
            finally:
                await receiver.close()
        return delivery, sent.wire.decode(), before

    delivery, wire, before = asyncio.run(main())
    assert delivery.body.decode() == wire
    assert delivery.queue == queue
    assert delivery.routing_key == routing.routing_key(
        device.scada, "gridworks.telemetry", device.atn
    )
    assert not delivery.redelivered
    p = delivery.properties
    header = parse(delivery.body).header
    assert p.message_id == header.message_id
    assert p.type == f"gridworks.telemetry/v{header.version}"
    assert p.user_id == fleet.config.user == "smqPublic"
    assert p.app_id == APP_ID
    assert p.timestamp == header.created_ms // 1000
    assert p.content_type == CONTENT_TYPE
    assert p.delivery_mode == 2
    assert p.correlation_id is None
    # What was left of the envelope's validity when it was published.
    assert p.expiration is not None
    assert 50_000 < int(p.expiration) <= header.expires_ms - before
    connection = connect(fleet.config)
    try:
        channel = connection.channel()
        assert channel.queue_declare(queue=queue, passive=True).method.message_count == 0
    finally:
        connection.close()


# ---- what the broker refuses ----------------------------------------------------------------


def test_a_publish_no_queue_takes_is_unroutable(topology: Topology) -> None:
    async def body(link: BrokerLink) -> None:
        key = routing.routing_key(unique_alias("s"), "gridworks.test", unique_alias("nobody"))
        with pytest.raises(PublishError, match="unroutable"):
            await link.publish(topology.config.exchange, key, b"{}", props())
        assert link.connected
        # without `mandatory` it is dropped quietly (a broadcast nobody subscribes to)
        await link.publish(topology.config.exchange, key, b"{}", props(), mandatory=False)

    with_link(topology, body)


def test_another_users_user_id_fails_that_publish_only(topology: Topology) -> None:
    """RabbitMQ closes the channel on a forged user_id; the link fails that publish, sends the
    others again on a fresh channel, and carries on."""
    queue, key = topology.queue()
    honest = [uuid.uuid4().hex for _ in range(60)]
    exchange = topology.config.exchange

    async def body(link: BrokerLink) -> None:
        await link.add_queue(topology.spec(queue, key))
        sends = [link.publish(exchange, key, b"{}", props(message_id=m)) for m in honest[:30]]
        sends.append(link.publish(exchange, key, b"{}", props(message_id="forged", user_id="x")))
        sends += [link.publish(exchange, key, b"{}", props(message_id=m)) for m in honest[30:]]
        results = await asyncio.gather(*sends, return_exceptions=True)
        forged = results.pop(30)
        assert results == [None] * len(honest)
        assert isinstance(forged, PublishError)
        assert "PRECONDITION_FAILED" in str(forged) and "user_id property set to 'x'" in str(forged)
        # and it keeps working
        await link.publish(exchange, key, b"{}", props(message_id="after"))
        assert link.connected and link.reconnects == 0
        resent = link.resent

        stored = [p.message_id for p in topology.take_all(queue)]
        assert set(stored) == {*honest, "after"}
        # a publish whose confirm was lost with the channel may be stored twice (receivers
        # drop the copy by message id), never more often than the link sent it again
        assert len(stored) - len(honest) - 1 <= resent

    with_link(topology, body)


def test_an_ack_while_the_publishing_channel_reopens_is_not_lost(topology: Topology) -> None:
    """Acks go on the consuming channel, which a refused publish leaves open."""
    queue, key = topology.queue()
    deliveries: asyncio.Queue[Delivery] = asyncio.Queue()

    async def body(link: BrokerLink) -> None:
        await link.add_queue(topology.spec(queue, key, on_delivery=deliveries.put_nowait))
        await link.publish(topology.config.exchange, key, b"{}", props())
        delivery = await asyncio.wait_for(deliveries.get(), 5)
        with pytest.raises(PublishError):
            await link.publish(topology.config.exchange, key, b"{}", props(user_id="x"))
        assert not link.connected  # the publishing channel is being reopened
        link.ack(delivery)
        await link.publish(topology.config.exchange, key, b"{}", props(message_id="next"))
        second = await asyncio.wait_for(deliveries.get(), 5)
        assert second.properties.message_id == "next" and not second.redelivered
        link.ack(second)
        await asyncio.sleep(0.2)

    with_link(topology, body)
    assert topology.ready(queue) == 0  # an ack dropped would have put it back at close


def test_a_full_actor_queue_refuses_and_others_are_unaffected(topology: Topology) -> None:
    topology.config = topology.config.model_copy(update={"max_queue_length": 3})
    full, full_key = topology.queue()
    other, other_key = topology.queue()
    exchange = topology.config.exchange

    async def body(link: BrokerLink) -> None:
        await link.add_queue(topology.spec(full, full_key))
        await link.add_queue(topology.spec(other, other_key))
        for _ in range(3):
            await link.publish(exchange, full_key, b"{}", props())
        with pytest.raises(PublishError, match="nacked"):
            await link.publish(exchange, full_key, b"{}", props())
        await link.publish(exchange, other_key, b"{}", props())
        assert link.connected

    with_link(topology, body)
    assert (topology.ready(full), topology.ready(other)) == (3, 1)


def test_a_message_that_expires_in_a_queue_is_dead_lettered_by_the_broker(
    topology: Topology,
) -> None:
    queue, key = topology.queue()

    async def body(link: BrokerLink) -> None:
        await link.add_queue(topology.spec(queue, key))  # declared, nobody consumes
        await link.publish(
            topology.config.exchange, key, b"late", props(message_id="late", expiration="1")
        )

    with_link(topology, body)
    [letter] = read_dead_letters(topology.connection, topology.config, 1, timeout=3)
    assert (letter.body, letter.message_id) == (b"late", "late")
    assert letter.reason == "expired"
    assert letter.by_broker
    assert letter.queue == queue
    assert topology.ready(queue) == 0


def test_a_queue_declared_differently_before_is_one_clear_error(topology: Topology) -> None:
    queue, key = topology.queue()
    other, other_key = topology.queue()
    channel = topology.connection.channel()
    channel.queue_declare(queue=queue, durable=True)  # no dead-letter exchange, no limit
    channel.close()

    def check(error: BrokerError) -> None:
        message = str(error)
        assert f"cannot declare queue {queue!r}" in message
        assert "declared differently" in message and "inequivalent arg" in message
        assert "\n" not in message

    async def main() -> None:
        # at start
        link = topology.link()
        await link.add_queue(topology.spec(queue, key))
        with pytest.raises(BrokerError) as info:
            await link.start()
        check(info.value)
        assert not link.connected
        await link.close()
        # on a running link: that queue is refused, and the link comes back without it
        link = topology.link()
        await link.start()
        try:
            with pytest.raises(BrokerError) as info:
                await link.add_queue(topology.spec(queue, key))
            check(info.value)
            await link.add_queue(topology.spec(other, other_key))
            await link.publish(topology.config.exchange, other_key, b"{}", props())
            assert link.connected
        finally:
            await link.close()

    asyncio.run(main())
    assert topology.ready(other) == 1


# ---- what the host dead-letters -------------------------------------------------------------


def test_malformed_bodies_and_wrong_routes_are_dead_lettered_with_their_reason(
    fleet: Fleet, device: Device
) -> None:
    atn, scada = AtomicTNode(device.atn, device.atn_key), Scada(device.scada, device.scada_key)
    events = Events()
    exchange = fleet.config.exchange
    own_key = routing.routing_key(scada.alias, "gridworks.telemetry", atn.alias)
    # three words ending in the receiver's (so its binding takes it), not the convention's
    bad_key = "NOT-an-alias.gridworks_telemetry." + routing.alias_word(atn.alias)
    other = unique_alias("o")
    impostor_key = routing.routing_key(other, "gridworks.telemetry", atn.alias)

    async def main() -> dict[str, str]:
        async with fleet.host(atn, scada, events=events) as host:
            signed = scada.seal(atn.alias, reading(device, 5))
            ids = {
                "malformed": await publish_id(host.link, exchange, own_key, b"not an envelope"),
                "bad key": await publish_id(host.link, exchange, bad_key, signed.wire),
                "other sender": await publish_id(host.link, exchange, impostor_key, signed.wire),
            }
            await events.take(3)
            return ids

    ids = asyncio.run(main())
    reasons = {r.reason for _, r in events.seen if isinstance(r, Rejected)}
    assert reasons == {RejectReason.MALFORMED, RejectReason.WRONG_ROUTE}
    assert atn.readings == {}
    letters = {d.message_id: d for d in fleet.dead_letters(max_messages=50)}
    assert letters[ids["malformed"]].reason == "MALFORMED"
    assert letters[ids["malformed"]].body == b"not an envelope"
    assert letters[ids["bad key"]].reason == "WRONG_ROUTE"
    assert "routing key" in (letters[ids["bad key"]].detail or "")
    assert letters[ids["other sender"]].reason == "WRONG_ROUTE"
    assert other in (letters[ids["other sender"]].detail or "")
    for letter in (letters[ids[name]] for name in ids):
        assert letter.queue == queue_name(fleet.config, atn.alias)
        assert not letter.by_broker
        assert letter.headers["x-gridworks-user-id"] == "smqPublic"  # who published it


async def publish_id(link: BrokerLink, exchange: str, key: str, body: bytes) -> str:
    """Publish raw bytes with a fresh message id; the id."""
    message_id = uuid.uuid4().hex
    await link.publish(exchange, key, body, props(message_id=message_id, user_id=link.config.user))
    return message_id


# ---- connecting -----------------------------------------------------------------------------


def test_connect_to_a_closed_port_names_the_broker_but_not_the_password() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    password = "pw-" + uuid.uuid4().hex
    config = BrokerConfig(url=f"amqp://smqPublic:{password}@127.0.0.1:{port}/d1__1")

    def check(error: BrokerError, started: float) -> None:
        # it gave up (retrying for ever would never end); far above the 2-3 s asked for, so
        # a loaded machine does not fail it
        assert time.monotonic() - started < 30
        message = str(error)
        assert f"127.0.0.1:{port}/d1__1" in message
        assert "scripts/broker start" in message
        assert "\n" not in message
        assert password not in message

    started = time.monotonic()
    with pytest.raises(BrokerError) as info:
        connect(config, timeout=2)
    check(info.value, started)

    async def start() -> None:
        link = BrokerLink(config)
        try:
            await link.start(timeout=3)
        finally:
            assert not link.connected
            await link.close()

    started = time.monotonic()
    with pytest.raises(BrokerError) as info:
        asyncio.run(start())
    check(info.value, started)
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
    monkeypatch.setenv("GRIDWORKS_AMQP_URL", "amqp://bob:pw@legacy.example:5674/v")
    assert BrokerConfig().where == "legacy.example:5674/v"
    monkeypatch.setenv("GRIDWORKS_BROKER_URL", "amqp://alice:secret@broker.example:5673/d1__2")
    config = BrokerConfig()
    assert config.user == "alice"
    assert config.where == "broker.example:5673/d1__2"
