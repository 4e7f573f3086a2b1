"""The plugin's identity fixtures, used as a project's tests would use them."""

from __future__ import annotations

import asyncio
import time

import pika.exceptions

from gridworks.actors.actor import ChainContext
from gridworks.actors.atomic_tnode import AtomicTNode
from gridworks.actors.broker import BrokerConfig, connect, queue_name
from gridworks.actors.host import ActorHost
from gridworks.actors.link import BrokerLink
from gridworks.actors.scada import Scada
from gridworks.contracts.provision import Device, FactorySetup
from gridworks.identity.certificates import CertificateKind


def test_certified_device_holds_all_three_certificates(certified_device: Device) -> None:
    device = certified_device
    ta = device.terminal_asset_alias
    for holder, kind in (
        (device.owner, CertificateKind.TaDeed),
        (device.atomic_tnode, CertificateKind.TaTradingRights),
        (device.scada, CertificateKind.ScadaCert),
    ):
        assert device.factory.check(holder.address, ta, kind).ok


def test_devices_share_the_session_factory(
    certified_device: Device, gnode_factory: FactorySetup, network
) -> None:
    from gridworks.contracts.provision import provision_device

    other = provision_device(network, "d1.test.sharedsecond", on=gnode_factory)
    assert other.factory.app_id == certified_device.factory.app_id == gnode_factory.factory.app_id
    assert other.terminal_asset_alias != certified_device.terminal_asset_alias


def test_a_scada_and_its_atomic_tnode_talk(
    certified_device: Device, broker_config: BrokerConfig, algod
) -> None:
    device = certified_device
    chain = ChainContext.of(algod, device.factory.app_id)
    atn = AtomicTNode(device.atomic_tnode_alias, device.atomic_tnode)
    scada = Scada(device.scada_alias, device.scada)
    heard: asyncio.Queue[object] = asyncio.Queue()

    async def main() -> None:
        host = ActorHost(
            chain, broker_config, actors=(atn, scada), listener=lambda a, r: heard.put_nowait(r)
        )
        async with host:
            await scada.report("tank-temp-c-x100", 5230)
            await asyncio.wait_for(heard.get(), 10)
            assert atn.readings["tank-temp-c-x100"].value == 5230
            await atn.dispatch(-2000)  # charge the thermal store
            await asyncio.wait_for(heard.get(), 10)
            assert scada.setpoint_w == -2000

    asyncio.run(main())


def test_idle_queues_of_a_throwaway_config_expire(broker_config: BrokerConfig) -> None:
    config = broker_config.model_copy(update={"queue_expires_ms": 300})
    queue = queue_name(config, "d1.test.expiring")

    async def declare() -> None:
        link = BrokerLink(config)
        await link.start()
        await link.declare_queue(queue, config.actor_queue_arguments())
        await link.close()

    asyncio.run(declare())
    time.sleep(1.5)  # untouched: even a passive declare would count as a use
    connection = connect(config)
    try:
        channel = connection.channel()
        try:
            channel.queue_declare(queue, passive=True)
            raise AssertionError("the idle queue did not expire")
        except pika.exceptions.ChannelClosedByBroker as error:
            assert error.reply_code == 404
    finally:
        connection.close()


def test_a_certified_service_signs_as_its_role(certified_service, gnode_factory, algod) -> None:
    from gridworks.identity.envelope import seal
    from gridworks.identity.roles import GNodeRole
    from gridworks.identity.verifier import Verified, Verifier

    alias, key = certified_service("TimeCoordinator")
    chain = ChainContext.of(algod, gnode_factory.factory.app_id)
    with Verifier(algod, chain.factory_app_id, receivers=("d1.anyone",)) as verifier:
        result = verifier.verify(
            seal(
                key,
                message_type="gridworks.ping",
                payload={},
                source=alias,
                destination="d1.anyone",
                genesis_hash=chain.genesis_hash,
            ).wire
        )
    assert isinstance(result, Verified), result
    assert result.sender.role is GNodeRole.TimeCoordinator and result.sender.alias == alias
