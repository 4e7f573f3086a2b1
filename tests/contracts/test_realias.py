"""Re-issue on re-alias: the admin moves a TerminalAsset to a new alias; the old record is
PermanentlyDeactivated, its certificates destroyed, and new ones bound to the new alias are
delivered to the same holders. Every refusal leaves the ledger unchanged."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pytest

from gridworks.contracts.factory import Factory
from gridworks.identity import CertificateKind, GNodeStatus
from gridworks.identity.alias import MAX_ALIAS_LENGTH
from gridworks.identity.certificates import Slot, metadata_hash
from gridworks.identity.chain import ChainError
from gridworks.identity.rejection import RejectReason
from gridworks.sandbox import DevAccount

K = CertificateKind
VALIDATOR = "dwgps.validator.with.a.rather.long.alias"
OLD = "d1.isone.ver.keene.holly.ta"
NEW = "d1.isone.ver.keene.pwrs.holly.ta"
KINDS = {Slot.PRIMARY: K.TaDeed, Slot.TRADING: K.TaTradingRights, Slot.SCADA: K.ScadaCert}


@dataclass
class World:
    factory: Factory
    admin: DevAccount
    validator: DevAccount
    owner: DevAccount
    trader: DevAccount
    scada: DevAccount

    def holder(self, slot: Slot) -> DevAccount:
        return (self.owner, self.trader, self.scada)[slot - 1]


@pytest.fixture(name="world")
def realias_world(network, account_factory) -> World:
    admin, validator, owner, trader, scada = (account_factory() for _ in range(5))
    factory = Factory.deploy(network, admin)
    factory.certify_validator(admin, validator, VALIDATOR)
    factory.create_terminal_asset(validator, OLD, owner, trader)
    factory.issue_scada_cert(owner, OLD, scada)
    return World(factory, admin, validator, owner, trader, scada)


def amount(algod, address: str, asset: int) -> int:
    info = algod.account_info(address)
    return sum(a["amount"] for a in info.get("assets", []) if a["asset-id"] == asset)


def test_only_the_admin_realiases(world: World, account_factory, unchanged) -> None:
    f = world.factory
    before = f.record(OLD)
    for intruder in [account_factory(), world.validator, world.owner, world.trader, world.scada]:
        with unchanged(), pytest.raises(ChainError, match="only the admin"):
            f.realias(intruder, OLD, NEW)
    assert f.record(OLD) == before
    assert f.record(NEW) is None


def test_realias_reissues_the_certificates(world: World, algod) -> None:
    f = world.factory
    old = f.record(OLD)
    assert old is not None
    holders = (world.owner, world.trader, world.scada)
    node = f.realias(world.admin, OLD, NEW, holders)
    assert node.status is GNodeStatus.Active

    new = f.record(NEW)
    assert new is not None
    assert new.parent == "d1.isone.ver.keene.pwrs.holly"  # as create derives it
    assert (new.owner, new.trader, new.scada) == (old.owner, old.trader, old.scada)
    retired = f.record(OLD)
    assert retired is not None
    assert retired.status is GNodeStatus.PermanentlyDeactivated
    assert (retired.primary_cert, retired.trading_rights, retired.scada_cert) == (0, 0, 0)
    assert (retired.owner, retired.trader, retired.scada) == (old.owner, old.trader, old.scada)

    for slot, kind in KINDS.items():
        holder, old_id, new_id = world.holder(slot), old.cert(slot), new.cert(slot)
        assert new_id not in (0, old_id)
        verdict = f.check(holder.address, NEW, kind)
        assert (verdict.ok, verdict.reason, verdict.asset_id) == (True, None, new_id)
        stale = f.check(holder.address, OLD, kind)
        assert (stale.ok, stale.reason) == (False, RejectReason.NOT_ACTIVE)
        # the old certificate is gone, from the holder and from the ledger
        assert amount(algod, holder.address, old_id) == 0
        with pytest.raises(Exception, match="404|not exist"):
            algod.asset_info(old_id)
        # the new one is bound to the new alias by its ARC-3 metadata hash
        params = algod.asset_info(new_id)["params"]
        digest = base64.b64decode(params["metadata-hash"])
        assert digest == metadata_hash(kind, NEW)
        assert digest != metadata_hash(kind, OLD)
        assert params["creator"] == f.address
        assert params["default-frozen"] is True
        assert amount(algod, holder.address, new_id) == 1
    state = f.client.app.get_global_state()
    assert (state["terminal_assets"], state["scada_certs"]) == (2, 2)


def test_the_new_certificates_wait_for_delivery(world: World, account_factory, algod) -> None:
    """Without holders the new certificates sit in the app account; `deliver` sends each only to
    its recorded holder."""
    f = world.factory
    f.realias(world.admin, OLD, NEW)
    new = f.record(NEW)
    assert new is not None
    for slot, kind in KINDS.items():
        assert amount(algod, f.address, new.cert(slot)) == 1
        verdict = f.check(world.holder(slot).address, NEW, kind)
        assert (verdict.ok, verdict.reason) == (False, RejectReason.NO_CERTIFICATE)
    stranger = account_factory()
    with pytest.raises(ChainError):
        f.deliver(stranger, NEW, K.TaTradingRights)  # the claw targets the trader, not opted in
    f.deliver(world.trader, NEW, K.TaTradingRights)
    assert amount(algod, stranger.address, new.trading_rights) == 0
    assert f.check(world.trader.address, NEW, K.TaTradingRights).ok


@pytest.mark.parametrize(
    ("new_alias", "error"),
    [
        (OLD, "alias already registered"),
        (VALIDATOR, "TerminalAsset alias ends in .ta"),
        ("d1.isone.ver.keene.other.ta", "alias already registered"),
        ("d1.isone.Ver.keene.holly.ta", "alias character"),
        ("d1.isone..keene.holly.ta", "empty alias word"),
        ("d1.isone.ver.keene.holly", "TerminalAsset alias ends in .ta"),
        ("x1.isone.ver.keene.holly.ta", "alias root is d or h"),
        ("d.isone.ver.keene.holly.ta", "alias root is d or h"),
        ("", "alias length"),
    ],
)
def test_a_taken_or_malformed_alias_is_refused(
    world: World, unchanged, new_alias: str, error: str
) -> None:
    f = world.factory
    if new_alias == "d1.isone.ver.keene.other.ta":
        f.create_terminal_asset(world.validator, new_alias, world.owner, world.trader)
    before = f.record(OLD)
    with unchanged(), pytest.raises(ChainError, match=error):
        f.realias(world.admin, OLD, new_alias)
    assert f.record(OLD) == before
    for slot, kind in KINDS.items():
        assert f.check(world.holder(slot).address, OLD, kind).ok


def test_a_retired_alias_is_never_reused(world: World, unchanged) -> None:
    f = world.factory
    f.realias(world.admin, OLD, NEW, (world.owner, world.trader, world.scada))
    with unchanged(), pytest.raises(ChainError, match="alias already registered"):
        f.realias(world.admin, NEW, OLD)
    with unchanged(), pytest.raises(ChainError, match="not active"):
        f.realias(world.admin, OLD, "d1.isone.ver.keene.third.ta")
    with unchanged(), pytest.raises(ChainError, match="alias already registered"):
        f.create_terminal_asset(world.validator, OLD, world.owner, world.trader)


def test_only_a_terminal_asset_is_realiased(world: World, unchanged) -> None:
    with unchanged(), pytest.raises(ChainError, match="not a TerminalAsset"):
        world.factory.realias(world.admin, VALIDATOR, "d1.validator.ta")


def test_a_revoked_certificate_stays_revoked(world: World, algod) -> None:
    f = world.factory
    f.revoke(world.admin, OLD, K.ScadaCert)
    node = f.realias(world.admin, OLD, NEW, (world.owner, world.trader))
    assert set(node.certificate_asset_ids) == {K.TaDeed, K.TaTradingRights}
    new = f.record(NEW)
    assert new is not None
    assert (new.scada_cert, new.scada) == (0, world.scada.address)
    assert f.check(world.scada.address, NEW, K.ScadaCert).reason is RejectReason.REVOKED
    assert f.check(world.owner.address, NEW, K.TaDeed).ok
    assert f.client.app.get_global_state()["scada_certs"] == 1


def test_the_longest_alias_fits_the_budget(world: World, unchanged) -> None:
    longest = "d1." + "a" * (MAX_ALIAS_LENGTH - 6) + ".ta"
    assert len(longest) == MAX_ALIAS_LENGTH
    f = world.factory
    f.realias(world.admin, OLD, longest, (world.owner, world.trader, world.scada))
    for slot, kind in KINDS.items():
        assert f.check(world.holder(slot).address, longest, kind).ok
    # one byte more cannot even name its registry box (the ledger refuses before the contract)
    with unchanged(), pytest.raises(ChainError, match="Name too long, max len 64"):
        f.realias(world.admin, longest, longest + "a")
