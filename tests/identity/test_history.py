"""The chain as of a past round, rebuilt from blocks and the factory's record events."""

from __future__ import annotations

import uuid

import msgpack
from algosdk import transaction
from algosdk.encoding import encode_address
from algosdk.v2client.algod import AlgodClient

from gridworks.contracts.provision import Device, FactorySetup, funded_key, provision_device
from gridworks.identity.authority import ProvenIdentity, Refusal, authorize
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.history import ChainHistory, block_facts, parse_record_event
from gridworks.identity.keys import ActorKey
from gridworks.identity.record import RECORD_CREATED, RECORD_UPDATED, Record, record_key
from gridworks.identity.rejection import RejectReason
from gridworks.identity.status import GNodeStatus
from gridworks.sandbox import Network
from tests.conftest import send


def last_round(algod: AlgodClient) -> int:
    return int(algod.status()["last-round"])


def rekey(algod: AlgodClient, account: ActorKey, to: str, signer: ActorKey) -> None:
    params = algod.suggested_params()
    txn = transaction.PaymentTxn(account.address, params, account.address, 0, rekey_to=to)
    send(algod, txn.sign(signer.private_key))


def test_every_record_write_is_logged_in_the_block(
    algod: AlgodClient, certified_device: Device
) -> None:
    device = certified_device
    ta = device.terminal_asset_alias
    history = ChainHistory(algod, device.factory.app_id)
    events = [e for r in range(1, last_round(algod) + 1) for e in history.facts(r).records]
    mine = [e for e in events if e.key == record_key(ta)]
    # created by create_terminal_asset, then changed by issue_scada_cert
    assert [e.created for e in mine] == [True, False]
    assert Record.decode(mine[-1].record) == device.factory.record(ta)
    assert Record.decode(mine[0].record).scada_cert == 0

    device.factory.suspend(device.admin, ta)
    raw = algod.block_info(last_round(algod), response_format="msgpack")
    block = msgpack.unpackb(raw, raw=True, strict_map_key=False)[b"block"]
    (event,) = block_facts(block, last_round(algod), device.factory.app_id).records
    assert (event.key, event.created) == (record_key(ta), False)
    assert Record.decode(event.record).status is GNodeStatus.Suspended


def test_parse_record_event() -> None:
    assert parse_record_event(RECORD_CREATED + b"\x00\x02gx" + b"rec") == (b"gx", True, b"rec")
    assert parse_record_event(RECORD_UPDATED + b"\x00\x02gx") == (b"gx", False, b"")
    assert parse_record_event(b"\x15\x1f|u" + bytes(8)) is None  # an ABI return
    assert parse_record_event(RECORD_CREATED + b"\x00\x09gx") is None  # truncated key


def test_revoked_scada_cert_as_of_before_and_after(
    algod: AlgodClient, certified_device: Device
) -> None:
    device = certified_device
    factory = device.factory
    ta, scada = device.terminal_asset_alias, device.scada
    cert = factory.record(ta).scada_cert  # type: ignore[union-attr]
    held = last_round(algod)
    factory.revoke(device.admin, ta, CertificateKind.ScadaCert)
    revoked = last_round(algod)
    history = ChainHistory(algod, factory.app_id)

    then, now = history.as_of(held), history.as_of(revoked)
    assert then.record(ta).scada_cert == cert  # type: ignore[union-attr]
    assert now.record(ta).scada_cert == 0  # type: ignore[union-attr]
    assert history.holdings(scada.address, held).get(cert) == 1
    assert cert not in history.holdings(scada.address, revoked)
    params = history.asset_params(cert, held)
    assert params is not None and params["unit-name"] == "SCADA"
    assert params["creator"] == factory.address
    assert history.asset_params(cert, revoked) is None  # destroyed

    proven = authorize(then, scada.address, device.scada_alias)
    assert isinstance(proven, ProvenIdentity) and proven.certificate_asset_id == cert
    refused = authorize(now, scada.address, device.scada_alias)
    assert isinstance(refused, Refusal) and refused.reason is RejectReason.REVOKED
    live = authorize(factory, scada.address, device.scada_alias)
    assert isinstance(live, Refusal) and live.reason is RejectReason.REVOKED


def test_before_the_terminal_asset_existed(
    algod: AlgodClient, network: Network, gnode_factory: FactorySetup
) -> None:
    before = last_round(algod)
    alias = f"d1.test.late{uuid.uuid4().hex[:12]}"
    device = provision_device(network, alias, on=gnode_factory, micro_algos=5_000_000)
    history = ChainHistory(algod, device.factory.app_id)
    past = history.as_of(before)
    assert past.record(device.terminal_asset_alias) is None
    assert history.as_of(last_round(algod)).record(device.terminal_asset_alias) is not None
    deed = device.factory.record(device.terminal_asset_alias).primary_cert  # type: ignore[union-attr]
    assert history.asset_params(deed, before) is None  # not created yet
    assert deed not in history.holdings(device.owner.address, before)
    refused = authorize(past, device.scada.address, device.scada_alias)
    assert isinstance(refused, Refusal) and refused.reason is RejectReason.NOT_REGISTERED


def test_moved_trading_rights_as_of(
    algod: AlgodClient, network: Network, certified_device: Device
) -> None:
    device = certified_device
    factory = device.factory
    ta = device.terminal_asset_alias
    rights = factory.record(ta).trading_rights  # type: ignore[union-attr]
    new_trader = funded_key(network, 2_000_000)
    optin = transaction.AssetOptInTxn(new_trader.address, algod.suggested_params(), rights)
    send(algod, optin.sign(new_trader.private_key))
    before = last_round(algod)
    factory.move_trading_rights(device.atomic_tnode, ta, new_trader)
    after = last_round(algod)
    history = ChainHistory(algod, factory.app_id)

    assert history.holdings(device.atomic_tnode.address, before).get(rights) == 1
    assert history.holdings(new_trader.address, before).get(rights) is None
    assert history.holdings(new_trader.address, after).get(rights) == 1
    assert rights not in history.holdings(device.atomic_tnode.address, after)
    alias = device.atomic_tnode_alias
    old = authorize(history.as_of(before), device.atomic_tnode.address, alias)
    assert isinstance(old, ProvenIdentity)
    gone = authorize(history.as_of(after), device.atomic_tnode.address, alias)
    assert isinstance(gone, Refusal) and gone.reason is RejectReason.NO_CERTIFICATE
    assert isinstance(authorize(history.as_of(after), new_trader.address, alias), ProvenIdentity)


def test_authorizer_follows_rekeys(algod: AlgodClient, certified_device: Device) -> None:
    scada = certified_device.scada
    k2, k3 = ActorKey.generate(), ActorKey.generate()
    r0 = last_round(algod)
    rekey(algod, scada, k2.address, signer=scada)
    r1 = last_round(algod)
    rekey(algod, scada, k3.address, signer=k2)
    r2 = last_round(algod)
    rekey(algod, scada, scada.address, signer=k3)  # back to its own key
    r3 = last_round(algod)
    history = ChainHistory(algod, certified_device.factory.app_id)
    assert history.authorizer(scada.address, r0) == scada.address
    assert history.authorizer(scada.address, r1) == k2.address
    assert history.authorizer(scada.address, r2) == k3.address
    assert history.authorizer(scada.address, r3) == scada.address


def test_realias_as_of_before_and_after(algod: AlgodClient, certified_device: Device) -> None:
    device = certified_device
    factory = device.factory
    old_ta = device.terminal_asset_alias
    new_atn = f"d1.test.re{uuid.uuid4().hex[:12]}"
    before = last_round(algod)
    holders = (device.owner, device.atomic_tnode, device.scada)
    factory.realias(device.admin, old_ta, f"{new_atn}.ta", holders)
    after = last_round(algod)
    history = ChainHistory(algod, factory.app_id)

    then, now = history.as_of(before), history.as_of(after)
    assert then.record(old_ta).status is GNodeStatus.Active  # type: ignore[union-attr]
    assert now.record(old_ta).status is GNodeStatus.PermanentlyDeactivated  # type: ignore[union-attr]
    assert then.record(f"{new_atn}.ta") is None
    assert now.record(f"{new_atn}.ta") == factory.record(f"{new_atn}.ta")
    scada = device.scada.address
    assert isinstance(authorize(then, scada, device.scada_alias), ProvenIdentity)
    gone = authorize(now, scada, device.scada_alias)
    assert isinstance(gone, Refusal) and gone.reason is RejectReason.NOT_ACTIVE
    assert isinstance(authorize(now, scada, f"{new_atn}.scada"), ProvenIdentity)
    assert isinstance(authorize(then, scada, f"{new_atn}.scada"), Refusal)


def test_block_facts_of_go_algorand_msgpack() -> None:
    """go-algorand writes Go strings (types, logs) as msgpack str and addresses as bin; decoded
    with raw=True both are bytes. Clawbacks, close-outs, inner creations, destructions, factory
    logs (of an inner call too) and a rekeyed sender are all read."""
    a, b, c, auth, app = (bytes([n]) * 32 for n in (1, 2, 3, 4, 5))
    record = b"record-bytes"
    block = {
        "rnd": 7,
        "txns": [
            {"sgnr": auth, "txn": {"type": "pay", "snd": a, "rcv": b, "amt": 1}},
            {"txn": {"type": "axfer", "snd": app, "asnd": a, "arcv": b, "xaid": 9, "aamt": 1}},
            {"txn": {"type": "axfer", "snd": a, "aclose": c, "arcv": c, "xaid": 8}, "aca": 5},
            {
                "txn": {"type": "appl", "snd": b, "apid": 42},
                "dt": {
                    "lg": [RECORD_UPDATED + b"\x00\x02gx" + record, "\x15\x1f|u"],
                    "itx": [
                        {
                            "caid": 77,
                            "txn": {
                                "type": "acfg",
                                "snd": app,
                                "apar": {"t": 1, "un": "SCADA", "am": b"h" * 32},
                            },
                        },
                        {"txn": {"type": "acfg", "snd": app, "caid": 9}},
                        {
                            "txn": {"type": "appl", "snd": app, "apid": 42},
                            "dt": {"lg": [RECORD_CREATED + b"\x00\x02gy" + record]},
                        },
                    ],
                },
            },
            {"txn": {"type": "pay", "snd": a, "rcv": a}},  # not a's first: its signer stays
        ],
    }
    raw = msgpack.unpackb(msgpack.packb({"block": block}, use_bin_type=True), raw=True)
    facts = block_facts(raw[b"block"], 7, 42)
    A, B, C, APP = (encode_address(x) for x in (a, b, c, app))
    assert facts.authorizers == {A: encode_address(auth), APP: APP, B: B}
    assert facts.deltas == [(A, 9, -1), (B, 9, 1), (A, 8, -5), (C, 8, 5), (APP, 77, 1)]
    assert facts.created[77]["unit-name"] == "SCADA" and facts.created[77]["creator"] == APP
    assert facts.destroyed == [9]
    assert [(e.key, e.created, e.record) for e in facts.records] == [
        (b"gx", False, record),
        (b"gy", True, record),
    ]
