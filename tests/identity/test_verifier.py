"""The verifier against the chain: the attack suite, each case refused with its own reason."""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from algosdk import transaction
from conftest import mint_look_alike, send
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridworks.actors.messages import MESSAGE_TYPES, TELEMETRY, Telemetry
from gridworks.contracts.factory import Factory
from gridworks.identity.certificates import CertificateKind
from gridworks.identity.chain_cache import ChainCache
from gridworks.identity.envelope import DOMAIN_PREFIX, Header, SignedEnvelope, now_ms, seal, wire_of
from gridworks.identity.keys import ActorKey
from gridworks.identity.rejection import RejectReason
from gridworks.identity.roles import GNodeRole
from gridworks.identity.verifier import Policy, Rejected, Verified, Verifier
from gridworks.sandbox import Network

R = RejectReason
VALIDATOR = "d1.isone.ver.validator"
ATN = "d1.isone.ver.keene.holly"
TA = ATN + ".ta"
SCADA = ATN + ".scada"


@dataclass
class World:
    network: Network
    factory: Factory
    admin: ActorKey
    validator: ActorKey
    owner: ActorKey
    atn: ActorKey  # holds the TaTradingRights: the AtomicTNode
    scada: ActorKey
    genesis: str

    def new_key(self, micro_algos: int = 1_000_000) -> ActorKey:
        return ActorKey.from_dev_account(self.network.new_account(micro_algos))

    def new_device(self, atn_alias: str) -> tuple[ActorKey, ActorKey, ActorKey]:
        """A fresh TerminalAsset `<atn_alias>.ta` with its owner, AtomicTNode and Scada keys."""
        owner, atn, scada = (self.new_key(2_000_000) for _ in range(3))
        self.factory.create_terminal_asset(self.validator, atn_alias + ".ta", owner, atn)
        self.factory.issue_scada_cert(owner, atn_alias + ".ta", scada)
        return owner, atn, scada


@pytest.fixture(scope="module")
def world(network: Network) -> World:
    admin, validator, owner, atn, scada = (
        ActorKey.from_dev_account(network.new_account(10_000_000)) for _ in range(5)
    )
    factory = Factory.deploy(network, admin)
    factory.certify_validator(admin, validator, VALIDATOR)
    factory.create_terminal_asset(validator, TA, owner, atn)
    factory.issue_scada_cert(owner, TA, scada)
    genesis = str(network.algod.suggested_params().gh)
    return World(network, factory, admin, validator, owner, atn, scada, genesis)


@pytest.fixture
def verifier(world: World) -> Iterator[Verifier]:
    """The AtomicTNode's verifier, reading the chain on every call (no follower thread)."""
    cache = ChainCache(world.network.algod, watch_app_ids=(world.factory.app_id,), follow=False)
    v = Verifier(
        world.network.algod,
        world.factory.app_id,
        receivers=(ATN,),
        message_types=MESSAGE_TYPES,
        cache=cache,
    )
    yield v
    v.close()


def reading(ta: str = TA, value: int = 3200) -> Telemetry:
    return Telemetry(terminal_asset=ta, channel="power-w", value=value, read_ms=now_ms())


def telemetry(world: World, key: ActorKey | None = None, **overrides: Any) -> SignedEnvelope:
    args: dict[str, Any] = dict(
        message_type=TELEMETRY,
        payload=reading(),
        source=SCADA,
        destination=ATN,
        genesis_hash=world.genesis,
    )
    args.update(overrides)
    return seal(key or world.scada, **args)


def hand_signed(key: ActorKey, header: dict[str, Any], payload: dict[str, Any]) -> bytes:
    """An envelope whose header the test writes itself (seal would not sign these)."""
    message = json.dumps({"header": header, "payload": payload}, separators=(",", ":")).encode()
    return wire_of(key.sign(DOMAIN_PREFIX + message), message)


def header_of(world: World, key: ActorKey, **changes: Any) -> dict[str, Any]:
    created = now_ms()
    fields: dict[str, Any] = dict(
        type=TELEMETRY,
        version=1,
        message_id=str(uuid.uuid4()),
        source=SCADA,
        destination=ATN,
        created_ms=created,
        expires_ms=created + 60_000,
        signer=key.address,
        algorithm="Ed25519",
        genesis_hash=world.genesis,
    )
    fields.update(changes)
    return fields


def refused(verifier: Verifier, wire: bytes) -> Rejected:
    result = verifier.verify(wire)
    assert isinstance(result, Rejected), f"accepted: {result}"
    assert result.detail
    return result


# ---- accepted ----------------------------------------------------------------------------


def test_scada_telemetry_is_verified_with_the_device_it_speaks_for(
    world: World, verifier: Verifier
) -> None:
    env = telemetry(world)
    result = verifier.verify(env.wire)
    assert isinstance(result, Verified), result
    sender = result.sender
    assert (sender.alias, sender.role, sender.terminal_asset) == (SCADA, GNodeRole.Scada, TA)
    assert sender.address == world.scada.address
    assert sender.certificate is CertificateKind.ScadaCert
    assert (
        sender.certificate_asset_id
        == world.factory.gnode(TA).certificate_asset_ids[CertificateKind.ScadaCert]
    )
    assert isinstance(result.message, Telemetry) and result.message.value == 3200
    assert result.header.message_id == env.header.message_id


def test_atomic_tnode_and_validator_are_verified_in_their_roles(world: World) -> None:
    scada_side = Verifier(world.network.algod, world.factory.app_id, receivers=(SCADA,))
    dispatch = seal(
        world.atn,
        message_type="gridworks.dispatch",
        payload={"terminal_asset": TA, "setpoint_w": 1500, "until_ms": now_ms() + 60_000},
        source=ATN,
        destination=SCADA,
        genesis_hash=world.genesis,
    )
    result = scada_side.verify(dispatch.wire)
    assert isinstance(result, Verified), result
    assert (result.sender.role, result.sender.terminal_asset) == (GNodeRole.AtomicTNode, TA)
    assert result.sender.certificate is CertificateKind.TaTradingRights
    note = seal(
        world.validator,
        message_type="gridworks.note",
        payload={"text": "TA inspected"},
        source=VALIDATOR,
        destination=SCADA,
        genesis_hash=world.genesis,
    )
    by_validator = scada_side.verify(note.wire)
    assert isinstance(by_validator, Verified), by_validator
    assert (by_validator.sender.role, by_validator.sender.terminal_asset) == (
        GNodeRole.Validator,
        None,
    )
    scada_side.close()


# ---- forgery and impostors -------------------------------------------------------------


def test_forged_signature(world: World, verifier: Verifier) -> None:
    env = telemetry(world)
    bad = bytearray(env.signature)
    bad[5] ^= 0x40
    assert refused(verifier, wire_of(bytes(bad), env.message_bytes)).reason is R.BAD_SIGNATURE


def test_valid_signature_by_a_key_without_the_certificate(world: World, verifier: Verifier) -> None:
    impostor = world.new_key()
    result = refused(verifier, telemetry(world, key=impostor).wire)
    assert result.reason is R.NO_CERTIFICATE
    assert impostor.address in result.detail


def test_claiming_the_scadas_address_but_signing_with_another_key(
    world: World, verifier: Verifier
) -> None:
    impostor = world.new_key()
    wire = hand_signed(impostor, header_of(world, world.scada), reading().model_dump())
    assert refused(verifier, wire).reason is R.BAD_SIGNATURE


def test_holder_of_another_certificate_of_the_same_device(world: World, verifier: Verifier) -> None:
    """The AtomicTNode's key (TaTradingRights) cannot speak as the Scada."""
    result = refused(verifier, telemetry(world, key=world.atn).wire)
    assert result.reason is R.WRONG_KIND  # it holds the TaTradingRights of that TerminalAsset


def test_unregistered_source(world: World) -> None:
    v = Verifier(world.network.algod, world.factory.app_id, receivers=(ATN,))
    env = telemetry(world, source="d1.nowhere.else.scada")
    assert refused(v, env.wire).reason is R.NOT_REGISTERED
    env = telemetry(world, source="d1.nowhere.else")
    assert refused(v, env.wire).reason is R.NOT_REGISTERED


def test_payload_swapped_under_a_valid_header(world: World, verifier: Verifier) -> None:
    a = telemetry(world, payload=reading(value=100))
    b = telemetry(world, payload=reading(value=999_999))
    message = json.loads(a.message_bytes)
    message["payload"] = json.loads(b.message_bytes)["payload"]
    swapped = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()
    assert refused(verifier, wire_of(a.signature, swapped)).reason is R.BAD_SIGNATURE


def test_a_look_alike_certificate_from_another_issuer(world: World, verifier: Verifier) -> None:
    """An impostor mints itself a SCADA NFT bound (by metadata) to the same TerminalAsset."""
    impostor = world.new_key(5_000_000)
    mint_look_alike(world.network.algod, impostor, CertificateKind.ScadaCert, TA)
    result = refused(verifier, telemetry(world, key=impostor).wire)
    assert result.reason is R.WRONG_ISSUER


def test_rekeyed_account_signing_with_its_old_key(world: World) -> None:
    owner, atn, scada = world.new_device("d1.isone.ver.keene.rekeyed")
    source, ta = "d1.isone.ver.keene.rekeyed.scada", "d1.isone.ver.keene.rekeyed.ta"
    v = Verifier(
        world.network.algod, world.factory.app_id, receivers=("d1.isone.ver.keene.rekeyed",)
    )
    new_key = world.new_key()
    algod = world.network.algod
    rekey = transaction.PaymentTxn(
        scada.address, algod.suggested_params(), scada.address, 0, rekey_to=new_key.address
    )
    send(algod, scada.sign_transaction(rekey))

    def message(signing_key: ActorKey) -> bytes:
        header = header_of(world, scada, source=source, destination="d1.isone.ver.keene.rekeyed")
        return hand_signed(signing_key, header, reading(ta).model_dump())

    assert refused(v, message(scada)).reason is R.BAD_SIGNATURE
    accepted = v.verify(message(new_key))
    assert isinstance(accepted, Verified), accepted
    assert accepted.sender.address == scada.address
    v.close()


# ---- algorithm, network, destination, time, replay -----------------------------------------


@pytest.mark.parametrize("algorithm", ["none", "None", "", "ed25519", "Ed448", "HS256"])
def test_algorithms_off_the_allow_list(world: World, verifier: Verifier, algorithm: str) -> None:
    wire = hand_signed(
        world.scada, header_of(world, world.scada, algorithm=algorithm), reading().model_dump()
    )
    result = refused(verifier, wire)
    assert result.reason is R.UNSUPPORTED_ALGORITHM
    assert repr(algorithm) in result.detail


def test_replay(world: World, verifier: Verifier) -> None:
    env = telemetry(world)
    assert verifier.verify(env.wire).ok
    result = refused(verifier, env.wire)
    assert result.reason is R.REPLAY
    assert env.header.message_id in result.detail


def test_a_refused_message_does_not_burn_its_id(world: World, verifier: Verifier) -> None:
    """Only accepted ids are remembered: a forgery reusing a real id cannot block it."""
    env = telemetry(world)
    forged = bytearray(env.signature)
    forged[0] ^= 1
    assert refused(verifier, wire_of(bytes(forged), env.message_bytes)).reason is R.BAD_SIGNATURE
    assert verifier.verify(env.wire).ok


def test_time_checks(world: World, verifier: Verifier) -> None:
    minute = 60_000
    now = now_ms()
    cases = {
        R.FUTURE_DATED: dict(created_ms=now + 5 * minute, expires_ms=now + 6 * minute),
        R.STALE: dict(created_ms=now - 5 * minute, expires_ms=now + 4 * minute),
        R.EXPIRED: dict(created_ms=now - 2 * minute, expires_ms=now - minute),
        R.TTL_TOO_LONG: dict(created_ms=now, expires_ms=now + 60 * minute),
        R.SCHEMA: dict(created_ms=now, expires_ms=now - 1),
    }
    for reason, times in cases.items():
        wire = hand_signed(
            world.scada, header_of(world, world.scada, **times), reading().model_dump()
        )
        assert refused(verifier, wire).reason is reason, reason
    skewed = dict(created_ms=now + 10_000, expires_ms=now + minute)  # within the 30 s skew
    wire = hand_signed(world.scada, header_of(world, world.scada, **skewed), reading().model_dump())
    assert verifier.verify(wire).ok


def test_the_verifiers_clock_decides(world: World) -> None:
    env = telemetry(world, ttl_ms=60_000)
    later = Verifier(
        world.network.algod,
        world.factory.app_id,
        receivers=(ATN,),
        clock=lambda: env.header.created_ms + 95_000,
    )
    assert refused(later, env.wire).reason is R.EXPIRED
    strict = Verifier(
        world.network.algod,
        world.factory.app_id,
        receivers=(ATN,),
        policy=Policy(max_age_ms=1_000, max_clock_skew_ms=0),
        clock=lambda: env.header.created_ms + 2_000,
    )
    assert refused(strict, env.wire).reason is R.STALE


@pytest.mark.parametrize(("age_ms", "stale"), [(120_000, False), (120_001, True), (140_000, True)])
def test_stale_means_older_than_max_age_exactly(world: World, age_ms: int, stale: bool) -> None:
    """The README's bound: older than 120 s is STALE; the 30 s clock skew does not stretch it."""
    env = telemetry(world, ttl_ms=300_000)
    assert Policy().max_age_ms == 120_000 and Policy().max_clock_skew_ms == 30_000
    at = Verifier(
        world.network.algod,
        world.factory.app_id,
        receivers=(ATN,),
        clock=lambda: env.header.created_ms + age_ms,
    )
    try:
        if stale:
            result = refused(at, env.wire)
            assert result.reason is R.STALE
            assert f"{age_ms / 1000:.1f} s ago" in result.detail
        else:
            assert isinstance(at.verify(env.wire), Verified)
    finally:
        at.close()


def test_wrong_destination(world: World, verifier: Verifier) -> None:
    env = telemetry(world, destination="d1.isone.ver.keene.other")
    result = refused(verifier, env.wire)
    assert result.reason is R.WRONG_DESTINATION
    assert "d1.isone.ver.keene.other" in result.detail


def test_wrong_network(world: World, verifier: Verifier) -> None:
    other = base64.b64encode(os.urandom(32)).decode()
    assert refused(verifier, telemetry(world, genesis_hash=other).wire).reason is R.WRONG_NETWORK


# ---- revocation and status, with the cache refreshed --------------------------------------


def test_revoked_scada_cert_is_refused_after_being_accepted(world: World) -> None:
    atn_alias = "d1.isone.ver.keene.revoked"
    owner, atn, scada = world.new_device(atn_alias)
    v = Verifier(
        world.network.algod,
        world.factory.app_id,
        receivers=(atn_alias,),
        policy=Policy(max_staleness_rounds=1_000),
    )
    with v:

        def message() -> bytes:
            return telemetry(
                world,
                key=scada,
                source=atn_alias + ".scada",
                destination=atn_alias,
                payload=reading(atn_alias + ".ta"),
            ).wire

        assert v.verify(message()).ok
        assert v.verify(message()).ok  # served from the cache
        world.factory.revoke(world.admin, atn_alias + ".ta", CertificateKind.ScadaCert)
        assert v.cache is not None
        v.cache.sync()
        result = refused(v, message())
        assert result.reason is R.REVOKED


def test_suspended_terminal_asset_and_revoked_trading_rights(world: World) -> None:
    atn_alias = "d1.isone.ver.keene.suspended"
    owner, atn, scada = world.new_device(atn_alias)
    ta = atn_alias + ".ta"
    v = Verifier(world.network.algod, world.factory.app_id, receivers=(atn_alias,))

    def message() -> bytes:
        return telemetry(
            world,
            key=scada,
            source=atn_alias + ".scada",
            destination=atn_alias,
            payload=reading(ta),
        ).wire

    assert v.verify(message()).ok
    world.factory.suspend(world.admin, ta)
    assert refused(v, message()).reason is R.NOT_ACTIVE
    world.factory.reactivate(world.admin, ta)
    assert v.verify(message()).ok
    world.factory.revoke(world.admin, ta, CertificateKind.TaTradingRights)
    result = refused(v, message())
    assert result.reason is R.REVOKED
    assert "TaTradingRights" in result.detail


# ---- malformed input through the verifier -----------------------------------------------


def test_malformed_inputs(world: World, verifier: Verifier) -> None:
    env = telemetry(world)
    wire = env.wire
    dup = wire_of(
        env.signature, env.message_bytes.replace(b'"payload":{', b'"payload":{"value":1,', 1)
    )
    small = Verifier(
        world.network.algod, world.factory.app_id, receivers=(ATN,), policy=Policy(max_bytes=200)
    )
    assert refused(verifier, wire[:-40]).reason is R.MALFORMED
    assert refused(small, wire).reason is R.TOO_LARGE
    assert refused(verifier, wire.replace(b"power-w", b"power-\xff")).reason is R.NOT_UTF8
    assert refused(verifier, dup).reason is R.DUPLICATE_KEY


def test_unknown_type_and_bad_payload(world: World, verifier: Verifier) -> None:
    unknown = telemetry(world, message_type="gridworks.gossip")
    assert refused(verifier, unknown.wire).reason is R.UNKNOWN_TYPE
    newer = telemetry(world, version=9)
    assert refused(verifier, newer.wire).reason is R.UNKNOWN_TYPE
    bad = telemetry(world, payload={"terminal_asset": TA, "channel": "power-w", "value": "high"})
    result = refused(verifier, bad.wire)
    assert result.reason is R.SCHEMA and "payload.value" in result.detail


def test_an_unreachable_chain_is_a_rejection_not_an_exception(world: World) -> None:
    from algosdk.v2client.algod import AlgodClient

    dead = AlgodClient("a" * 64, "http://127.0.0.1:9")
    v = Verifier(dead, world.factory.app_id, receivers=(ATN,), genesis_hash=world.genesis)
    result = refused(v, telemetry(world).wire)
    assert result.reason is R.CHAIN_UNAVAILABLE


def test_header_model_is_what_the_wire_says(world: World) -> None:
    env = telemetry(world)
    assert Header.model_validate(json.loads(env.message_bytes)["header"]) == env.header


@settings(max_examples=150, suppress_health_check=list(HealthCheck), deadline=None)
@given(junk=st.binary(max_size=400), cut=st.integers(0, 400))
def test_fuzzed_input_is_always_a_rejection(world: World, junk: bytes, cut: int) -> None:
    v = Verifier(
        world.network.algod,
        world.factory.app_id,
        receivers=(ATN,),
        message_types=MESSAGE_TYPES,
        genesis_hash=world.genesis,
        cache=ChainCache(world.network.algod, follow=False),
    )
    base = telemetry(world).wire
    for candidate in (junk, base[:cut] + junk, base[: len(base) - cut % 50] + junk):
        result = v.verify(candidate)
        assert isinstance(result, (Verified, Rejected))
        if isinstance(result, Rejected):
            assert result.reason in RejectReason
