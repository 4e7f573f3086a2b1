"""Certified actors on the asyncio runtime, over the real RabbitMQ broker, verified against the
chain: direct messages, broadcasts, request/reply, refusals and their dead letters."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from gridworks.actors.actor import Actor
from gridworks.actors.atomic_tnode import AtomicTNode
from gridworks.actors.host import Limits
from gridworks.actors.messages import Dispatch, Telemetry
from gridworks.actors.scada import Scada
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.envelope import MessageSigner, now_ms
from gridworks.identity.rejection import RejectReason
from gridworks.identity.verifier import Rejected, Verified
from gridworks.sandbox import Network
from tests.actors.fleet import Device, Events, Fleet, make_fleet


@pytest.fixture(scope="module")
def fleet(network: Network) -> Iterator[Fleet]:
    yield from make_fleet(network, "d1.rt")


@pytest.fixture
def device(fleet: Fleet) -> Iterator[Device]:
    made = fleet.device()
    yield made
    fleet.delete_queues(made.atn, made.scada)


def pair(device: Device) -> tuple[AtomicTNode, Scada]:
    return AtomicTNode(device.atn, device.atn_key), Scada(device.scada, device.scada_key)


def reading(device: Device, value: int) -> Telemetry:
    return Telemetry(
        terminal_asset=device.terminal_asset, channel="power-w", value=value, read_ms=now_ms()
    )


def test_telemetry_and_dispatch_between_certified_actors(fleet: Fleet, device: Device) -> None:
    atn, scada = pair(device)
    events = Events()

    async def main() -> None:
        async with fleet.host(atn, scada, events=events):
            await scada.report("power-w", 3200)
            assert await events.next() == (atn.alias, events.seen[0][1])
            await atn.dispatch(1500)
            await events.next()

    asyncio.run(main())
    (to_atn, first), (to_scada, second) = events.seen
    assert isinstance(first, Verified) and isinstance(second, Verified)
    assert (to_atn, first.sender.alias) == (atn.alias, scada.alias)
    assert (to_scada, second.sender.alias) == (scada.alias, atn.alias)
    assert first.sender.terminal_asset == second.sender.terminal_asset == device.terminal_asset
    assert atn.readings["power-w"].value == 3200
    assert scada.setpoint_w == 1500


def test_many_messages_arrive_in_order_and_none_is_lost(fleet: Fleet, device: Device) -> None:
    atn, scada = pair(device)
    events = Events()

    async def main() -> list[str]:
        async with fleet.host(atn, scada, events=events):
            sent = await asyncio.gather(
                *(scada.send(atn.alias, reading(device, v)) for v in range(200))
            )
            await events.take(200)
            return [envelope.header.message_id for envelope in sent]

    sent = asyncio.run(main())
    assert [v.header.message_id for v in events.accepted(atn.alias)] == sent
    assert atn.readings["power-w"].value == 199


def test_an_impostor_is_dead_lettered_with_its_reason(fleet: Fleet, device: Device) -> None:
    atn, _ = pair(device)
    fake = Scada(device.scada, fleet.key())  # the right alias, a key without the ScadaCert
    events = Events()

    async def main() -> str:
        async with fleet.host(atn, events=events), fleet.host(fake):
            sent = await fake.report("power-w", 0)
            await events.next()
            return sent.header.message_id

    message_id = asyncio.run(main())
    [(_, result)] = events.seen
    assert isinstance(result, Rejected) and result.reason is RejectReason.NO_CERTIFICATE
    assert atn.readings == {}
    [letter] = [d for d in fleet.dead_letters() if d.message_id == message_id]
    assert letter.reason == "NO_CERTIFICATE"


def test_a_certified_scada_of_another_device_is_not_a_counterparty(
    fleet: Fleet, device: Device
) -> None:
    atn, _ = pair(device)
    other = fleet.device()
    stray = Scada(other.scada, other.scada_key)
    events = Events()

    async def main() -> None:
        async with fleet.host(atn, stray, events=events):
            await stray.send(atn.alias, reading(other, 7))
            await events.next()

    try:
        asyncio.run(main())
    finally:
        fleet.delete_queues(other.atn, other.scada)
    [(_, result)] = events.seen
    assert isinstance(result, Rejected) and result.reason is RejectReason.NOT_COUNTERPARTY
    assert other.terminal_asset in result.detail
    assert atn.readings == {}


def test_revocation_reaches_a_running_host(fleet: Fleet, device: Device) -> None:
    atn, scada = pair(device)
    events = Events()

    async def main() -> None:
        async with fleet.host(atn, scada, events=events) as host:
            await scada.report("power-w", 1)
            await events.next()
            fleet.factory.revoke(fleet.admin, device.terminal_asset, CertificateKind.ScadaCert)
            target = fleet.network.algod.status()["last-round"]
            assert await asyncio.to_thread(host.cache.caught_up, target)
            await scada.report("power-w", 2)
            await events.next()

    asyncio.run(main())
    _, last = events.seen[-1]
    assert isinstance(last, Rejected) and last.reason is RejectReason.REVOKED
    assert atn.readings["power-w"].value == 1


class Echo(Actor):
    """Answers every verified Telemetry with a Dispatch naming its value."""

    async def handle(self, verified: Verified) -> None:
        message = verified.message
        assert isinstance(message, Telemetry)
        await self.reply(
            verified,
            Dispatch(terminal_asset=message.terminal_asset, setpoint_w=message.value, until_ms=1),
        )


def test_request_and_reply_are_correlated(fleet: Fleet, device: Device) -> None:
    scada = Scada(device.scada, device.scada_key)
    echo = Echo(device.atn, device.atn_key)  # the AtomicTNode, answering as an echo

    async def main() -> list[int]:
        async with fleet.host(scada, echo):
            answers = await asyncio.gather(
                *(scada.request(echo.alias, reading(device, v), timeout=10) for v in range(5))
            )
        return [a.message.setpoint_w for a in answers]  # type: ignore[union-attr]

    assert asyncio.run(main()) == list(range(5))
    assert scada.dispatches == []  # replies went to their requests, not to `handle`


def test_a_request_nobody_answers_times_out(fleet: Fleet, device: Device) -> None:
    atn, scada = pair(device)  # the AtomicTNode takes telemetry and answers nothing

    async def main() -> None:
        async with fleet.host(atn, scada):
            with pytest.raises(TimeoutError):
                await scada.request(atn.alias, reading(device, 1), timeout=0.5)

    asyncio.run(main())
    assert scada._requests == {}


class Listener(Actor):
    def __init__(self, alias: str, key, channel: str, publisher: str | None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(alias, key)
        self.channel, self.publisher = channel, publisher
        self.heard: list[BaseModel | None] = []

    async def on_start(self) -> None:
        await self.subscribe(self.channel, self.publisher)

    async def handle(self, verified: Verified) -> None:
        self.heard.append(verified.message)


def test_a_broadcast_is_signed_once_and_verified_by_each_subscriber(fleet: Fleet) -> None:
    devices = [fleet.device() for _ in range(3)]
    channel = f"{fleet.prefix}.news"
    speaker = Scada(devices[0].scada, devices[0].scada_key)
    listeners = [Listener(d.atn, d.atn_key, channel, speaker.alias) for d in devices]
    deaf = Scada(devices[1].scada, devices[1].scada_key)  # not subscribed
    events = Events()

    async def main() -> str:
        async with fleet.host(speaker, deaf, *listeners, events=events):
            sent = await speaker.broadcast(channel, reading(devices[0], 42))
            await events.take(3)
            await asyncio.sleep(0.3)  # nothing more arrives
            return sent.header.message_id

    try:
        message_id = asyncio.run(main())
    finally:
        fleet.delete_queues(*(d.atn for d in devices), *(d.scada for d in devices))
    assert len(events.seen) == 3
    assert {alias for alias, _ in events.seen} == {d.atn for d in devices}
    for _, result in events.seen:
        assert isinstance(result, Verified)
        assert result.header.message_id == message_id
        assert result.header.destination == channel
    assert all(isinstance(each.heard[0], Telemetry) for each in listeners)


def test_a_broadcast_from_another_publisher_is_not_taken(fleet: Fleet) -> None:
    a, b = fleet.device(), fleet.device()
    channel = f"{fleet.prefix}.prices"
    listener = Listener(a.atn, a.atn_key, channel, a.scada)  # takes a's Scada only
    intruder = Scada(b.scada, b.scada_key)
    trusted = Scada(a.scada, a.scada_key)
    events = Events()

    async def main() -> None:
        async with fleet.host(listener, intruder, trusted, events=events):
            await intruder.broadcast(channel, reading(b, 1))  # bound away by the subscription
            await trusted.broadcast(channel, reading(a, 2))
            await events.next()
            await asyncio.sleep(0.3)

    try:
        asyncio.run(main())
    finally:
        fleet.delete_queues(a.atn, a.scada, b.atn, b.scada)
    assert [m.value for m in listener.heard] == [2]  # type: ignore[union-attr]
    assert len(events.seen) == 1


class Fragile(Actor):
    async def handle(self, verified: Verified) -> None:
        message = verified.message
        assert isinstance(message, Telemetry)
        if message.value < 0:
            raise RuntimeError("negative power")
        self.last = message.value


def test_a_handler_exception_refuses_that_message_only(fleet: Fleet, device: Device) -> None:
    fragile = Fragile(device.atn, device.atn_key)
    scada = Scada(device.scada, device.scada_key)
    events = Events()

    async def main() -> None:
        async with fleet.host(fragile, scada, events=events):
            for value in (1, -1, 2):
                await scada.send(fragile.alias, reading(device, value))
            await events.take(3)

    asyncio.run(main())
    kinds = [r.reason if isinstance(r, Rejected) else "ok" for _, r in events.seen]
    assert kinds == ["ok", RejectReason.HANDLER_FAILED, "ok"]
    assert fragile.last == 2


def test_a_flooding_sender_is_bounded_and_others_still_get_through(
    fleet: Fleet, device: Device
) -> None:
    atn, scada = pair(device)
    other = fleet.device()
    flooder = Scada(other.scada, other.scada_key)  # certified, but not atn's Scada
    events = Events()

    async def main() -> None:
        host = fleet.host(atn, scada, flooder, events=events, limits=Limits(rate=5, burst=20))
        async with host:
            await asyncio.gather(*(flooder.send(atn.alias, reading(other, v)) for v in range(300)))
            for value in range(5):
                await scada.send(atn.alias, reading(device, value))
            await events.take(305, timeout=30)

    try:
        asyncio.run(main())
    finally:
        fleet.delete_queues(other.atn, other.scada)
    reasons = [r.reason for a, r in events.seen if isinstance(r, Rejected)]
    assert reasons.count(RejectReason.RATE_LIMITED) >= 250
    # the flooder's first messages were verified (and refused as not atn's counterparty)
    assert set(reasons) == {RejectReason.RATE_LIMITED, RejectReason.NOT_COUNTERPARTY}
    assert [v.message.value for v in events.accepted(atn.alias)] == list(range(5))  # type: ignore[union-attr]


class Held(Actor):
    """Holds each message until its gate opens (awaiting, as a handler must, not blocking);
    counts how many it holds at once."""

    def __init__(self, alias: str, key: MessageSigner) -> None:
        super().__init__(alias, key)
        self.gate = asyncio.Event()
        self.entered = asyncio.Event()
        self.holding = 0
        self.most_held = 0

    async def handle(self, verified: Verified) -> None:
        self.holding += 1
        self.most_held = max(self.most_held, self.holding)
        self.entered.set()
        try:
            await self.gate.wait()
        finally:
            self.holding -= 1


def test_a_slow_handler_does_not_stall_the_other_actors(fleet: Fleet, device: Device) -> None:
    other = fleet.device()
    slow = Held(device.atn, device.atn_key)
    quick = AtomicTNode(other.atn, other.atn_key)
    scada, other_scada = Scada(device.scada, device.scada_key), Scada(other.scada, other.scada_key)
    events = Events()

    async def main() -> None:
        async with fleet.host(slow, quick, scada, other_scada, events=events):
            await scada.send(slow.alias, reading(device, 1))
            await scada.send(slow.alias, reading(device, 2))
            await asyncio.wait_for(slow.entered.wait(), 10)
            for value in range(5):
                await other_scada.send(quick.alias, reading(other, value))
            first = await events.take(5)
            # all five handled while the slow actor holds its first message
            assert [alias for alias, _ in first] == [quick.alias] * 5
            assert slow.holding == 1
            slow.gate.set()
            rest = await events.take(2)
            assert [alias for alias, _ in rest] == [slow.alias] * 2
            assert slow.most_held == 1  # it took its two in turn

    try:
        asyncio.run(main())
    finally:
        fleet.delete_queues(other.atn, other.scada)
    assert quick.readings["power-w"].value == 4


def test_a_redelivered_copy_of_a_refused_message_is_not_refused_twice(
    fleet: Fleet, device: Device
) -> None:
    import pika

    from gridworks.actors.link import Delivery

    atn = AtomicTNode(device.atn, device.atn_key)
    events = Events()
    host = fleet.host(atn, events=events)  # not started: nothing may reach the broker
    hosted = host._hosted[atn.alias]
    hosted.dead_lettered["m-refused"] = None  # as `_refuse` remembers a dead-lettered id

    def delivery(message_id: str, redelivered: bool) -> Delivery:
        return Delivery(
            queue=hosted.queue,
            routing_key="not a routing key",
            redelivered=redelivered,
            properties=pika.BasicProperties(message_id=message_id),
            body=b"{}",
            delivery_tag=1,
            generation=0,
        )

    # without the memory it would be refused again, a dead letter waiting for the broker
    asyncio.run(asyncio.wait_for(host._take(hosted, delivery("m-refused", redelivered=True)), 5))
    assert host.stats.duplicates == 1 and events.seen == [] and not host.stats.refused
    try:
        host.cache.close()
    finally:
        hosted.verifier.replay.close()
