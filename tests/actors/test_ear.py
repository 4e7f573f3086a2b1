"""The ear: archived messages re-verified against the chain as of the rounds they arrived."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from algosdk import transaction
from algosdk.v2client.algod import AlgodClient

from gridworks.actors.ear import (
    VERIFIED,
    EarArchive,
    archive_delivery,
    last_round,
    verify_archive,
)
from gridworks.contracts.provision import Device, provision_factory, provision_service
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.chain import genesis_hash
from gridworks.identity.envelope import SignedEnvelope, now_ms, seal
from gridworks.identity.keys import ActorKey
from gridworks.identity.rejection import RejectReason
from gridworks.identity.roles import GNodeRole
from gridworks.identity.verifier import Rejected, Verified, Verifier
from gridworks.sandbox import Network
from tests.conftest import send

ROUTING_KEY = "d1-test-x-scada.gridworks_telemetry.d1-test-x"


class RekeyedSigner:
    """Signs for `address` with another account's key (the account was rekeyed to it)."""

    def __init__(self, address: str, key: ActorKey) -> None:
        self.address = address
        self.key = key

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)


def telemetry(device: Device, signer: object = None, **kwargs: object) -> SignedEnvelope:
    return seal(
        signer or device.scada,  # type: ignore[arg-type]
        message_type="gridworks.telemetry",
        payload={"watts": 4200},
        source=device.scada_alias,
        destination=device.atomic_tnode_alias,
        genesis_hash=device.genesis_hash,
        **kwargs,  # type: ignore[arg-type]
    )


def live(algod: AlgodClient, device: Device, wire: bytes) -> Verified | Rejected:
    verifier = Verifier(algod, device.factory.app_id, receivers=(device.atomic_tnode_alias,))
    try:
        return verifier.verify(wire)
    finally:
        verifier.close()


def rekey(algod: AlgodClient, account: str, to: str, signer: ActorKey) -> None:
    txn = transaction.PaymentTxn(account, algod.suggested_params(), account, 0, rekey_to=to)
    send(algod, txn.sign(signer.private_key))


# ---- the archive -----------------------------------------------------------------------------


def test_archive_is_append_only_ordered_and_durable(tmp_path: Path) -> None:
    path = tmp_path / "ear.sqlite"
    with EarArchive(path) as archive:
        first = archive.append(
            routing_key="a.b.c", body=b"one", message_id="m1", received_ms=10, round_=5
        )
        archive.append(
            routing_key="a.b.d", body=b"\xff\x00", message_id=None, received_ms=11, round_=6
        )
        assert first.seq == 1
        assert archive.count() == 2
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            archive._db.execute("UPDATE messages SET body = x'00' WHERE seq = 1")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            archive._db.execute("DELETE FROM messages")
    with EarArchive(path) as reopened:
        rows = list(reopened)
        assert [
            (m.seq, m.routing_key, m.body, m.message_id, m.received_ms, m.round) for m in rows
        ] == [
            (1, "a.b.c", b"one", "m1", 10, 5),
            (2, "a.b.d", b"\xff\x00", None, 11, 6),
        ]
        assert [m.seq for m in reopened.messages(after=1)] == [2]
        assert (path.parent / "ear.sqlite-wal").exists()  # WAL mode


def test_paged_iteration_sees_every_message(tmp_path: Path) -> None:
    with EarArchive(tmp_path / "ear.sqlite") as archive:
        for i in range(7):
            archive.append(
                routing_key="k", body=bytes([i]), message_id=None, received_ms=i, round_=1
            )
        assert [m.body for m in archive.messages(page=3)] == [bytes([i]) for i in range(7)]


def test_archive_delivery_records_the_round_and_time(tmp_path: Path, algod: AlgodClient) -> None:
    with EarArchive(tmp_path / "ear.sqlite") as archive:
        message = archive_delivery(archive, algod, "a.b.c", b"body", "id-1", clock=lambda: 1234)
        assert (message.round, message.received_ms) == (last_round(algod), 1234)
        later = archive_delivery(archive, lambda: 99, "a.b.c", b"body2")
        assert later.round == 99 and later.message_id is None
        assert archive.count() == 2


# ---- re-verification -------------------------------------------------------------------------


def test_revocation_later_does_not_void_what_was_sent_before(
    tmp_path: Path, algod: AlgodClient, certified_device: Device
) -> None:
    device = certified_device
    before = telemetry(device)
    with EarArchive(tmp_path / "ear.sqlite") as archive:
        archive_delivery(archive, algod, ROUTING_KEY, before.wire, before.header.message_id)
        tampered = before.wire.replace(b'"watts":4200', b'"watts":9999')
        assert tampered != before.wire
        archive_delivery(archive, algod, ROUTING_KEY, tampered)

        device.factory.revoke(device.admin, device.terminal_asset_alias, CertificateKind.ScadaCert)

        after = telemetry(device)  # signed by the same account, which no longer holds the cert
        archive_delivery(archive, algod, ROUTING_KEY, after.wire, after.header.message_id)
        archive_delivery(archive, algod, ROUTING_KEY, b"not an envelope")

        report = verify_archive(archive, algod, device.factory.app_id)

    assert [r.verdict for r in report.results] == [
        VERIFIED,
        RejectReason.BAD_SIGNATURE,
        RejectReason.REVOKED,
        RejectReason.MALFORMED,
    ]
    ok = report.results[0].result
    assert isinstance(ok, Verified)
    assert ok.sender.alias == device.scada_alias and ok.sender.address == device.scada.address
    assert ok.sender.certificate is CertificateKind.ScadaCert
    assert report.counts == {
        VERIFIED: 1,
        "BAD_SIGNATURE": 1,
        "REVOKED": 1,
        "MALFORMED": 1,
    }
    assert [r.message.seq for r in report.refused] == [2, 3, 4]
    assert not report.ok
    # the live verifier, reading the chain now, refuses the very message the archive upholds
    now = live(algod, device, before.wire)
    assert isinstance(now, Rejected) and now.reason is RejectReason.REVOKED


def test_freshness_is_judged_at_receipt(
    tmp_path: Path, algod: AlgodClient, certified_device: Device
) -> None:
    device = certified_device
    hour_ago = now_ms() - 3_600_000
    old = telemetry(device, clock=lambda: hour_ago)
    late = telemetry(device, clock=lambda: hour_ago)
    with EarArchive(tmp_path / "ear.sqlite") as archive:
        rnd = last_round(algod)
        archive.append(
            routing_key=ROUTING_KEY,
            body=old.wire,
            message_id=None,
            received_ms=hour_ago + 500,
            round_=rnd,
        )
        archive.append(
            routing_key=ROUTING_KEY,
            body=late.wire,
            message_id=None,
            received_ms=hour_ago + 30 * 60_000,
            round_=rnd,
        )
        archive.append(
            routing_key=ROUTING_KEY,
            body=old.wire,
            message_id=None,
            received_ms=hour_ago + 900,
            round_=rnd,
        )
        report = verify_archive(archive, algod, device.factory.app_id)
    assert [r.verdict for r in report.results] == [
        VERIFIED,
        RejectReason.EXPIRED,
        RejectReason.REPLAY,
    ]
    now = live(algod, device, old.wire)
    assert isinstance(now, Rejected) and now.reason is RejectReason.EXPIRED


def test_destination_is_checked_only_when_asked(
    tmp_path: Path, algod: AlgodClient, certified_device: Device
) -> None:
    device = certified_device
    message = telemetry(device)
    with EarArchive(tmp_path / "ear.sqlite") as archive:
        archive_delivery(archive, algod, ROUTING_KEY, message.wire)
        anyone = verify_archive(archive, algod, device.factory.app_id)
        other = verify_archive(archive, algod, device.factory.app_id, receivers=("d1.other",))
    assert anyone.ok and anyone.verified == 1
    assert [r.verdict for r in other.results] == [RejectReason.WRONG_DESTINATION]


def test_signing_key_is_the_one_authorized_at_receipt(
    tmp_path: Path, algod: AlgodClient, certified_device: Device
) -> None:
    device = certified_device
    scada = device.scada
    new_key = ActorKey.generate()
    with EarArchive(tmp_path / "ear.sqlite") as archive:
        own = telemetry(device)
        archive_delivery(archive, algod, ROUTING_KEY, own.wire)
        early = telemetry(device, signer=RekeyedSigner(scada.address, new_key))
        archive_delivery(archive, algod, ROUTING_KEY, early.wire)  # before the rekey

        rekey(algod, scada.address, new_key.address, signer=scada)

        stale_key = telemetry(device)  # the account's own key no longer signs for it
        archive_delivery(archive, algod, ROUTING_KEY, stale_key.wire)
        rekeyed = telemetry(device, signer=RekeyedSigner(scada.address, new_key))
        archive_delivery(archive, algod, ROUTING_KEY, rekeyed.wire)
        report = verify_archive(archive, algod, device.factory.app_id)

    assert [r.verdict for r in report.results] == [
        VERIFIED,
        RejectReason.BAD_SIGNATURE,
        RejectReason.BAD_SIGNATURE,
        VERIFIED,
    ]
    now = live(algod, device, own.wire)
    assert isinstance(now, Rejected) and now.reason is RejectReason.BAD_SIGNATURE


def test_a_service_gnode_judged_as_of_receipt(tmp_path: Path, network: Network) -> None:
    setup = provision_factory(network, terminal_assets=1)
    time = provision_service(network, "d1.time", GNodeRole.TimeCoordinator, on=setup)
    genesis = genesis_hash(network.algod)

    def tick() -> SignedEnvelope:
        return seal(
            time,
            message_type="gridworks.timestep",
            payload={"step": 1},
            source="d1.time",
            destination="d1.isone.ver.keene.holly",
            genesis_hash=genesis,
        )

    with EarArchive(tmp_path / "ear.sqlite") as archive:
        archive_delivery(archive, network.algod, "d1-time.timestep.x", tick().wire)
        setup.factory.revoke(setup.admin, "d1.time", CertificateKind.ServiceCert)
        archive_delivery(archive, network.algod, "d1-time.timestep.x", tick().wire)
        report = verify_archive(archive, network.algod, setup.factory.app_id)
    assert [r.verdict for r in report.results] == [VERIFIED, RejectReason.REVOKED]
    first = report.results[0].result
    assert isinstance(first, Verified) and first.sender.role is GNodeRole.TimeCoordinator


def test_a_round_the_chain_has_not_reached_and_a_future_date_are_refused(
    tmp_path: Path, algod: AlgodClient, certified_device: Device
) -> None:
    device = certified_device
    message = telemetry(device)
    created = message.header.created_ms
    with EarArchive(tmp_path / "ear.sqlite") as archive:
        archive.append(
            routing_key=ROUTING_KEY,
            body=message.wire,
            message_id=None,
            received_ms=created,
            round_=last_round(algod) + 1_000_000,
        )
        archive.append(
            routing_key=ROUTING_KEY,
            body=message.wire,
            message_id=None,
            received_ms=created - 3_600_000,  # received an hour before it was signed
            round_=last_round(algod),
        )
        report = verify_archive(archive, algod, device.factory.app_id)
    assert [r.verdict for r in report.results] == [
        RejectReason.CHAIN_UNAVAILABLE,
        RejectReason.FUTURE_DATED,
    ]
    assert "last round" in report.results[0].result.detail  # type: ignore[union-attr]
