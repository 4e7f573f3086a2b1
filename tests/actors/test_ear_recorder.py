"""The ear records every message on the exchange, direct and broadcast, and the archive
re-verifies as of receipt: a message accepted then still verifies after its sender's
certificate is revoked."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from gridworks.actors.atomic_tnode import AtomicTNode
from gridworks.actors.ear import VERIFIED, EarArchive, verify_archive
from gridworks.actors.ear_recorder import EarRecorder
from gridworks.actors.scada import Scada
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.verifier import Verified
from gridworks.sandbox import Network
from tests.actors.fleet import Events, Fleet, make_fleet


@pytest.fixture(scope="module")
def fleet(network: Network) -> Iterator[Fleet]:
    yield from make_fleet(network, "d1.ear")


def test_the_ear_archives_every_message_and_settles_it_later(fleet: Fleet, tmp_path) -> None:
    device = fleet.device()
    atn, scada = AtomicTNode(device.atn, device.atn_key), Scada(device.scada, device.scada_key)
    events = Events()
    archive = EarArchive(tmp_path / "ear.sqlite")

    async def main() -> list[str]:
        async with EarRecorder(fleet.config, fleet.network.algod, archive) as ear:
            async with fleet.host(atn, scada, events=events):
                sent = [await scada.report("power-w", v) for v in (100, 200)]
                sent.append(await atn.dispatch(900))
                await events.take(3)
            assert await ear.drained() == 3
        return [envelope.header.message_id for envelope in sent]

    try:
        ids = asyncio.run(main())
    finally:
        fleet.delete_queues(device.atn, device.scada)
    assert all(isinstance(r, Verified) for _, r in events.seen)
    archived = list(archive)
    assert [m.message_id for m in archived] == ids
    # later, the ScadaCert is revoked: the live verifier would refuse the Scada now, but the
    # archive is judged as of each message's round
    fleet.factory.revoke(fleet.admin, device.terminal_asset, CertificateKind.ScadaCert)
    report = verify_archive(archive, fleet.network.algod, fleet.factory.app_id)
    assert report.counts == {VERIFIED: 3}
    archive.close()
