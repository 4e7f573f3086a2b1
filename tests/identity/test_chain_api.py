"""The chain API: Factory operations, gnode()/tree() reads and check() verdicts, on the sandbox."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from algosdk import transaction
from conftest import mint_look_alike

from gridworks.contracts.factory import Factory
from gridworks.identity import CertificateKind, GNodeRole, GNodeStatus
from gridworks.identity.chain import ChainError
from gridworks.identity.record import RECORD, record_key
from gridworks.identity.record import ZERO_ADDRESS as ZERO
from gridworks.identity.rejection import RejectReason
from gridworks.sandbox import DevAccount

K = CertificateKind
VALIDATOR = "dwgps.validator.with.a.rather.long.alias"
TA = "d1.isone.ver.keene.holly.ta"


@dataclass
class World:
    factory: Factory
    admin: DevAccount
    validator: DevAccount
    owner: DevAccount
    trader: DevAccount
    scada: DevAccount


@pytest.fixture(name="world")
def chain_world(network, account_factory) -> World:
    admin, validator, owner, trader, scada = (account_factory() for _ in range(5))
    factory = Factory.deploy(network, admin)
    factory.certify_validator(admin, validator, VALIDATOR)
    factory.create_terminal_asset(validator, TA, owner, trader)
    factory.issue_scada_cert(owner, TA, scada)
    return World(factory, admin, validator, owner, trader, scada)


def test_valid_holders(world: World) -> None:
    f = world.factory
    for who, alias, kind in [
        (world.validator, VALIDATOR, K.ValidatorCert),
        (world.owner, TA, K.TaDeed),
        (world.trader, TA, K.TaTradingRights),
        (world.scada, TA, K.ScadaCert),
    ]:
        verdict = f.check(who.address, alias, kind)
        assert verdict.ok, verdict
        assert verdict.reason is None
        assert verdict.asset_id == f.gnode(alias).certificate_asset_ids[kind]


def test_unregistered_alias(world: World) -> None:
    verdict = world.factory.check(world.owner.address, "d1.nowhere.ta", K.TaDeed)
    assert (verdict.ok, verdict.reason) == (False, RejectReason.NOT_REGISTERED)
    assert "d1.nowhere.ta is not registered" in verdict.detail


def test_look_alike_made_by_someone_else(world: World, network) -> None:
    """A TATRADE named like the TA, carrying the right metadata hash, but not the factory's."""
    forger = world.validator  # anyone but the factory
    victim = world.owner  # holds no TaTradingRights
    algod = network.algod
    fake = mint_look_alike(algod, forger, CertificateKind.TaTradingRights, TA)
    optin = transaction.AssetOptInTxn(victim.address, algod.suggested_params(), fake)
    give = transaction.AssetTransferTxn(
        forger.address, algod.suggested_params(), victim.address, 1, fake
    )
    for signer, txn in ((victim, optin), (forger, give)):
        transaction.wait_for_confirmation(algod, algod.send_transaction(signer.sign(txn)), 4)

    verdict = world.factory.check(victim.address, TA, K.TaTradingRights)
    assert (verdict.ok, verdict.reason, verdict.asset_id) == (
        False,
        RejectReason.WRONG_ISSUER,
        fake,
    )
    assert "look-alike TATRADE" in verdict.detail
    assert world.factory.check(world.trader.address, TA, K.TaTradingRights).ok


def test_wrong_kind(world: World) -> None:
    verdict = world.factory.check(world.trader.address, TA, K.TaDeed)
    assert (verdict.ok, verdict.reason) == (False, RejectReason.WRONG_KIND)
    assert "holds the TaTradingRights of" in verdict.detail


def test_wrong_role(world: World) -> None:
    verdict = world.factory.check(world.validator.address, VALIDATOR, K.TaDeed)
    assert (verdict.ok, verdict.reason) == (False, RejectReason.WRONG_ROLE)


def test_no_certificate(world: World, account_factory) -> None:
    stranger = account_factory()
    verdict = world.factory.check(stranger.address, TA, K.TaDeed)
    assert (verdict.ok, verdict.reason) == (False, RejectReason.NO_CERTIFICATE)


def test_suspended_then_reactivated(world: World) -> None:
    f = world.factory
    assert f.suspend(world.admin, TA).status is GNodeStatus.Suspended
    verdict = f.check(world.owner.address, TA, K.TaDeed)
    assert (verdict.ok, verdict.reason) == (False, RejectReason.NOT_ACTIVE)
    assert "Suspended" in verdict.detail
    assert f.reactivate(world.admin, TA).status is GNodeStatus.Active
    assert f.check(world.owner.address, TA, K.TaDeed).ok
    assert f.deactivate(world.admin, TA).status is GNodeStatus.PermanentlyDeactivated
    with pytest.raises(ChainError, match="set .* Active"):
        f.reactivate(world.admin, TA)


def test_revoked(world: World) -> None:
    f = world.factory
    node = f.revoke(world.admin, TA, K.ScadaCert)
    assert K.ScadaCert not in node.certificate_asset_ids
    verdict = f.check(world.scada.address, TA, K.ScadaCert)
    assert (verdict.ok, verdict.reason) == (False, RejectReason.REVOKED)
    f.revoke(world.admin, TA, K.TaDeed)
    verdict = f.check(world.trader.address, TA, K.TaTradingRights)
    assert (verdict.ok, verdict.reason) == (False, RejectReason.REVOKED)
    assert "TaDeed" in verdict.detail


def test_move_trading_rights(world: World, account_factory) -> None:
    buyer = account_factory()
    world.factory.move_trading_rights(world.trader, TA, buyer)
    assert world.factory.check(buyer.address, TA, K.TaTradingRights).ok
    old = world.factory.check(world.trader.address, TA, K.TaTradingRights)
    assert old.reason is RejectReason.NO_CERTIFICATE


def test_gnode_reads_the_registry(world: World) -> None:
    ta = world.factory.gnode(TA)
    assert ta.role is GNodeRole.TerminalAsset
    assert ta.status is GNodeStatus.Active
    assert str(ta.parent_alias) == "d1.isone.ver.keene.holly"
    assert set(ta.certificate_asset_ids) == {K.TaDeed, K.TaTradingRights, K.ScadaCert}
    assert ta.account_addresses == (
        world.owner.address,
        world.trader.address,
        world.scada.address,
    )
    validator = world.factory.gnode(VALIDATOR)
    assert validator.role is GNodeRole.Validator
    assert validator.account_addresses == (world.validator.address,)
    with pytest.raises(ChainError, match="no GNode 'd1.none.ta' is registered"):
        world.factory.gnode("d1.none.ta")


def test_tree(world: World) -> None:
    tree = world.factory.tree()
    lines = tree.splitlines()
    assert lines[0] == "d1 (implied)"
    assert any(line.endswith("holly (implied)") for line in lines)
    ta_line = next(line for line in lines if "holly.ta" in line)
    assert "d1.isone.ver.keene.holly.ta (TerminalAsset, Active) [ScadaCert=" in ta_line
    assert ta_line.startswith("                └── ")
    assert "dwgps (implied)" in lines
    assert any(f"{VALIDATOR} (Validator, Active) [ValidatorCert=" in line for line in lines)
    assert "not placed" not in tree


def test_alias_mismatch(world: World, account_factory) -> None:
    """The owner of another TerminalAsset's deed presents it for this one."""
    other_owner = account_factory()
    world.factory.create_terminal_asset(
        world.validator, "d1.isone.other.ta", other_owner, world.trader
    )
    verdict = world.factory.check(other_owner.address, TA, K.TaDeed)
    assert (verdict.ok, verdict.reason) == (False, RejectReason.ALIAS_MISMATCH)
    assert world.factory.check(other_owner.address, "d1.isone.other.ta", K.TaDeed).ok


def test_explaining_a_missing_certificate_reads_a_bounded_number_of_assets(
    world: World, account_factory, network, monkeypatch
) -> None:
    """An account stuffed with junk assets costs a checker at most EXPLAIN_LIMIT asset reads;
    a look-alike among the newest is still named."""
    from gridworks.identity.chain import EXPLAIN_LIMIT

    stuffed = account_factory(50_000_000)
    algod = network.algod
    for i in range(EXPLAIN_LIMIT + 4):
        junk = transaction.AssetCreateTxn(
            stuffed.address, algod.suggested_params(), total=1, decimals=0,
            default_frozen=False, unit_name=f"J{i}", asset_name=f"junk {i}",
        )  # fmt: skip
        transaction.wait_for_confirmation(algod, algod.send_transaction(stuffed.sign(junk)), 4)
    reads: list[int] = []
    real = world.factory.asset_params

    def counted(asset_id: int):  # type: ignore[no-untyped-def]
        reads.append(asset_id)
        return real(asset_id)

    monkeypatch.setattr(world.factory, "asset_params", counted)
    verdict = world.factory.check(stuffed.address, TA, K.TaDeed)
    assert (verdict.ok, verdict.reason) == (False, RejectReason.NO_CERTIFICATE)
    assert len(reads) == EXPLAIN_LIMIT

    mint_look_alike(algod, stuffed, CertificateKind.TaDeed, TA)
    reads.clear()
    verdict = world.factory.check(stuffed.address, TA, K.TaDeed)
    assert verdict.reason == RejectReason.WRONG_ISSUER
    assert len(reads) <= EXPLAIN_LIMIT


# ---- a registry holding records the identity model refuses -----------------------------------

# A test-only app that writes any box it is told to: `box_put(arg 0, arg 1)`. It stands in for a
# GNodeFactory deployed before the alias grammar was enforced on chain (which accepted `d.odd.ta`);
# the fixed factory refuses to write such a record, so this is how one gets on chain now.
BOX_WRITER = """#pragma version 8
txn ApplicationID
bz done
txna ApplicationArgs 0
txna ApplicationArgs 1
box_put
done:
int 1
"""


def write_boxes(network, creator: DevAccount, boxes: dict[bytes, bytes]) -> int:
    import base64

    from algosdk.logic import get_application_address

    algod = network.algod
    approval = base64.b64decode(algod.compile(BOX_WRITER)["result"])
    clear = base64.b64decode(algod.compile("#pragma version 8\nint 1\n")["result"])
    no_state = transaction.StateSchema(0, 0)
    create = transaction.ApplicationCreateTxn(
        creator.address, algod.suggested_params(), transaction.OnComplete.NoOpOC,
        approval, clear, no_state, no_state,
    )  # fmt: skip
    txid = algod.send_transaction(creator.sign(create))
    app_id = transaction.wait_for_confirmation(algod, txid, 4)["application-index"]
    fund = transaction.PaymentTxn(
        creator.address, algod.suggested_params(), get_application_address(app_id), 2_000_000
    )
    transaction.wait_for_confirmation(algod, algod.send_transaction(creator.sign(fund)), 4)
    for key, value in boxes.items():
        put = transaction.ApplicationCallTxn(
            creator.address, algod.suggested_params(), app_id, transaction.OnComplete.NoOpOC,
            app_args=[key, value], boxes=[(0, key)],
        )  # fmt: skip
        transaction.wait_for_confirmation(algod, algod.send_transaction(creator.sign(put)), 4)
    return int(app_id)


def test_one_bad_record_does_not_break_the_others(network, account_factory) -> None:
    from gridworks.identity.chain import MalformedRecordError, SkippedRecord

    creator, owner, validator = (account_factory() for _ in range(3))

    def record(role: int, alias: str, parent: str, holder: str) -> bytes:
        return RECORD.encode([role, 1, alias, parent, 1001, 0, 0, holder, ZERO, ZERO])

    app_id = write_boxes(
        network,
        creator,
        {
            record_key("d1.good.ta"): record(2, "d1.good.ta", "d1.good", owner.address),
            record_key("d.odd.ta"): record(2, "d.odd.ta", "d.odd", owner.address),  # bare root
            record_key("d1.junk.ta"): b"\x07 not a record",
            record_key("dwgps.validator"): record(1, "dwgps.validator", "", validator.address),
            b"v" + bytes(32): b"dwgps.validator",  # not a registry record: ignored
        },
    )
    factory = Factory(network, app_id)

    nodes = factory.gnodes()
    assert [str(n.alias) for n in nodes] == ["d1.good.ta", "dwgps.validator"]
    assert [s.key for s in nodes.skipped] == [b"gd.odd.ta", b"gd1.junk.ta"]
    odd, junk = nodes.skipped
    assert isinstance(odd, SkippedRecord)
    assert "bad root 'd'" in odd.reason
    assert "undecodable" in junk.reason

    tree = factory.tree()
    assert "d1.good.ta (TerminalAsset, Active)" in tree
    assert "dwgps.validator (Validator, Active)" in tree
    assert "skipped (malformed registry records):" in tree
    assert "b'gd.odd.ta': alias 'd.odd.ta' has bad root 'd'" in tree

    assert factory.gnode("d1.good.ta").account_addresses == (owner.address,)
    with pytest.raises(MalformedRecordError, match=r"registry record b'gd.odd.ta' .* bad root"):
        factory.gnode("d.odd.ta")
    with pytest.raises(ChainError, match=r"registry record b'gd1.junk.ta' .* undecodable"):
        factory.gnode("d1.junk.ta")
    # check() reads the raw record: a bad alias is not a certificate of anything
    assert not factory.check(owner.address, "d.odd.ta", K.TaDeed).ok
