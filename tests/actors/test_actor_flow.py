"""Two certified actors talk over the real RabbitMQ broker, verified against the chain."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from gridworks.actors import BrokerConfig, connect, read_dead_letters
from gridworks.actors.actor import Actor, ChainContext
from gridworks.actors.atomic_tnode import AtomicTNode
from gridworks.actors.messages import Telemetry
from gridworks.actors.scada import Scada
from gridworks.contracts.factory import Factory
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.envelope import now_ms
from gridworks.identity.keys import ActorKey
from gridworks.identity.rejection import RejectReason
from gridworks.identity.verifier import Rejected, Verified
from gridworks.sandbox import Network


@dataclass
class Site:
    atn: AtomicTNode
    scada: Scada
    events: list[tuple[str, Verified | Rejected]]


@dataclass
class Fleet:
    network: Network
    factory: Factory
    admin: ActorKey
    validator: ActorKey
    config: BrokerConfig
    chain: ChainContext

    def key(self) -> ActorKey:
        return ActorKey.from_dev_account(self.network.new_account(5_000_000))

    def site(self) -> Site:
        atn_alias = f"d1.flow.x{uuid.uuid4().hex[:12]}"
        owner, atn_key, scada_key = self.key(), self.key(), self.key()
        self.factory.create_terminal_asset(self.validator, atn_alias + ".ta", owner, atn_key)
        self.factory.issue_scada_cert(owner, atn_alias + ".ta", scada_key)
        events: list[tuple[str, Verified | Rejected]] = []

        def listen(actor: Actor, result: Verified | Rejected) -> None:
            events.append((actor.alias, result))

        atn = AtomicTNode(atn_alias, atn_key, self.chain, broker=self.config, listener=listen)
        scada = Scada(
            atn_alias + ".scada", scada_key, self.chain, broker=self.config, listener=listen
        )
        return Site(atn, scada, events)


@pytest.fixture(scope="module")
def fleet(network: Network) -> Iterator[Fleet]:
    admin, validator = (ActorKey.from_dev_account(network.new_account()) for _ in range(2))
    factory = Factory.deploy(network, admin)
    factory.certify_validator(admin, validator, "d1.flow.validator")
    tag = uuid.uuid4().hex[:12]
    config = BrokerConfig(
        exchange=f"gridworks.test.flow.{tag}",
        dead_letter_exchange=f"gridworks.test.flow-dl.{tag}",
        dead_letter_queue=f"gridworks.test.flow-dl.{tag}",
    )
    yield Fleet(
        network, factory, admin, validator, config, ChainContext.of(network.algod, factory.app_id)
    )


@pytest.fixture
def site(fleet: Fleet) -> Iterator[Site]:
    made = fleet.site()
    yield made
    for actor in (made.atn, made.scada):
        actor.close()
    connection = connect(fleet.config)
    channel = connection.channel()
    for actor in (made.atn, made.scada):
        channel.queue_delete(actor.consumer.queue)
    connection.close()


def test_telemetry_and_dispatch_flow_between_certified_actors(site: Site) -> None:
    site.scada.report("power-w", 3200)
    assert site.atn.step(max_messages=1, timeout=5) == 1
    assert site.atn.readings["power-w"].value == 3200
    site.atn.dispatch(1500)
    assert site.scada.step(max_messages=1, timeout=5) == 1
    assert site.scada.setpoint_w == 1500
    (to_atn, first), (to_scada, second) = site.events
    assert isinstance(first, Verified) and isinstance(second, Verified)
    assert (to_atn, first.sender.alias) == (site.atn.alias, site.scada.alias)
    assert (to_scada, second.sender.alias) == (site.scada.alias, site.atn.alias)
    assert first.sender.terminal_asset == second.sender.terminal_asset == site.atn.terminal_asset


def test_many_messages_in_order_and_none_lost(site: Site) -> None:
    sent = [site.scada.report("power-w", value).header.message_id for value in range(50)]
    handled = 0
    while handled < 50:
        got = site.atn.step(max_messages=50 - handled, timeout=5)
        assert got, "messages went missing"
        handled += got
    ids = [result.header.message_id for _, result in site.events if isinstance(result, Verified)]
    assert ids == sent
    assert site.atn.readings["power-w"].value == 49


def test_an_impostor_is_dead_lettered_with_its_reason(fleet: Fleet, site: Site) -> None:
    impostor = fleet.key()
    fake = Scada(site.scada.alias, impostor, fleet.chain, broker=fleet.config)
    try:
        sent = fake.report("power-w", 0)
    finally:
        fake.close()
    assert site.atn.step(max_messages=1, timeout=5) == 1
    assert "power-w" not in site.atn.readings
    [(_, result)] = site.events
    assert isinstance(result, Rejected) and result.reason is RejectReason.NO_CERTIFICATE
    letters = read_dead_letters(site.atn.connection, fleet.config, max_messages=10, timeout=1)
    mine = [letter for letter in letters if letter.message_id == sent.header.message_id]
    assert len(mine) == 1
    assert mine[0].reason == "NO_CERTIFICATE"
    assert mine[0].body == sent.wire


def test_a_certified_scada_of_another_device_is_not_a_counterparty(
    fleet: Fleet, site: Site
) -> None:
    other = fleet.site()
    try:
        stray = other.scada.send(
            site.atn.alias,
            Telemetry(
                terminal_asset=other.atn.terminal_asset,
                channel="power-w",
                value=7,
                read_ms=now_ms(),
            ),
        )
        assert site.atn.step(max_messages=1, timeout=5) == 1
        [(_, result)] = site.events
        assert isinstance(result, Rejected)
        assert result.reason is RejectReason.NOT_COUNTERPARTY
        assert site.atn.readings == {}
        letters = read_dead_letters(site.atn.connection, fleet.config, max_messages=10, timeout=1)
        assert [letter.message_id for letter in letters] == [stray.header.message_id]
        assert letters[0].reason == "NOT_COUNTERPARTY"
        assert other.atn.terminal_asset in (letters[0].detail or "")
    finally:
        for actor in (other.atn, other.scada):
            actor.connection.channel().queue_delete(actor.consumer.queue)
            actor.close()


def test_revocation_reaches_a_running_actor(fleet: Fleet, site: Site) -> None:
    site.scada.report("power-w", 1)
    assert site.atn.step(max_messages=1, timeout=5) == 1
    fleet.factory.revoke(fleet.admin, site.atn.terminal_asset, CertificateKind.ScadaCert)
    # the actor's chain cache follows the chain on its own thread; wait for it to catch up
    target = fleet.network.algod.status()["last-round"]
    assert site.atn.cache.caught_up(target), "the follower did not see the revocation"
    site.scada.report("power-w", 2)
    assert site.atn.step(max_messages=1, timeout=5) == 1
    _, last = site.events[-1]
    assert isinstance(last, Rejected) and last.reason is RejectReason.REVOKED
    assert site.atn.readings["power-w"].value == 1


def test_a_restarted_actor_with_a_replay_file_refuses_a_replay(
    fleet: Fleet, site: Site, tmp_path
) -> None:
    path = tmp_path / "atn-replay.sqlite"
    atn_key = site.atn.key
    site.atn.close()
    events: list[Verified | Rejected] = []

    def start() -> AtomicTNode:
        return AtomicTNode(
            site.atn.alias,
            atn_key,
            fleet.chain,
            broker=fleet.config,
            listener=lambda actor, result: events.append(result),
            replay_path=path,
        )

    first = start()
    sent = site.scada.report("power-w", 11)
    assert first.step(max_messages=1, timeout=5) == 1
    first.close()
    again = start()
    try:
        site.scada.publisher.publish_wire(sent.wire, site.atn.alias)
        assert again.step(max_messages=1, timeout=5) == 1
    finally:
        again.close()
    assert isinstance(events[0], Verified)
    assert isinstance(events[1], Rejected) and events[1].reason is RejectReason.REPLAY


def test_send_all_streams_readings_in_order(site: Site) -> None:
    readings = [
        Telemetry(terminal_asset=site.scada.terminal_asset, channel="power-w", value=v, read_ms=v)
        for v in range(20)
    ]
    assert site.scada.send_all(site.atn.alias, readings) == 20
    handled = 0
    while handled < 20:
        got = site.atn.step(max_messages=20 - handled, timeout=5)
        assert got, "readings went missing"
        handled += got
    values = [r.message.value for _, r in site.events if isinstance(r, Verified)]  # type: ignore[union-attr]
    assert values == list(range(20))
