"""A revocation is refused within the staleness bound while the factory is busy (issue 10,
defect 1): the verifier's chain follower reads every block the factory writes, and a block it
could not read would never stretch the bound."""

from __future__ import annotations

import threading
import uuid

from gridworks.actors.messages import TELEMETRY, Telemetry
from gridworks.contracts.provision import Device, FactorySetup, provision_device
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.envelope import now_ms, seal
from gridworks.identity.rejection import RejectReason
from gridworks.identity.verifier import Verified, Verifier
from gridworks.sandbox import Network


def telemetry_from(device: Device, value: int) -> bytes:
    reading = Telemetry(
        terminal_asset=device.terminal_asset_alias, channel="power-w", value=value, read_ms=now_ms()
    )
    return seal(
        device.scada,
        message_type=TELEMETRY,
        payload=reading,
        source=device.scada_alias,
        destination=device.atomic_tnode_alias,
        genesis_hash=device.genesis_hash,
    ).wire


def test_revocation_amid_busy_factory_activity_is_refused_within_the_bound(
    network: Network, gnode_factory: FactorySetup, certified_device: Device
) -> None:
    algod = network.algod
    device = certified_device
    other = provision_device(
        network, f"d1.test.busy{uuid.uuid4().hex[:12]}", on=gnode_factory, micro_algos=2_000_000
    )
    stop = threading.Event()
    busy_calls = 0

    def keep_the_factory_busy() -> None:  # state-writing app calls, block after block
        nonlocal busy_calls
        while not stop.is_set() and busy_calls < 200:
            other.factory.suspend(other.admin, other.terminal_asset_alias)
            other.factory.reactivate(other.admin, other.terminal_asset_alias)
            busy_calls += 2

    with Verifier(algod, device.factory.app_id, receivers=(device.atomic_tnode_alias,)) as v:
        bound = v.policy.max_staleness_rounds
        assert isinstance(v.verify(telemetry_from(device, 1)), Verified)  # warm
        worker = threading.Thread(target=keep_the_factory_busy, daemon=True)
        worker.start()
        try:
            while busy_calls < 6:
                assert isinstance(v.verify(telemetry_from(device, 2)), Verified)
            device.factory.revoke(
                device.admin, device.terminal_asset_alias, CertificateKind.ScadaCert
            )
            revoked_by = algod.status()["last-round"]  # the revocation's round or later
            outcomes: list[tuple[int, object]] = []
            while len(outcomes) < 200:
                node_round = algod.status()["last-round"]
                result = v.verify(telemetry_from(device, 3))
                outcomes.append((node_round, result))
                if node_round > revoked_by + bound + 3:
                    break
        finally:
            stop.set()
            worker.join(30)
    late = [(r, res) for r, res in outcomes if r > revoked_by + bound and res.ok]
    assert not late, f"accepted {len(late)} messages beyond the bound: {late[:3]}"
    refusals = [res.reason for _, res in outcomes if not res.ok]  # type: ignore[attr-defined]
    assert refusals and set(refusals) == {RejectReason.REVOKED}, refusals[:5]
    assert outcomes[-1][0] > revoked_by + bound  # the chain really moved past the bound
