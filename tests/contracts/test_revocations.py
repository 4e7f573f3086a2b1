"""Revoking a TerminalAsset's certificates: admin only, the holder loses it, the registry forgets
it, the DispatchContract stops taking that party's heartbeats, and what can be re-issued.

Every refusal leaves the ledger unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from beaker.client import ApplicationClient
from contracts_helpers import Setup, factory_setup  # noqa: F401

from gridworks.contracts import dispatch_contract
from gridworks.identity.certificates import Slot
from gridworks.identity.record import Record, record_key
from gridworks.sandbox import DevAccount

TA = "d1.isone.ver.keene.revoked.ta"


@dataclass
class Flow:
    record: Record
    owner: DevAccount
    trader: DevAccount
    scada: DevAccount
    scada_cert: int
    dispatch: ApplicationClient

    def holder(self, slot: Slot) -> DevAccount:
        return (self.owner, self.trader, self.scada)[slot - 1]

    def cert(self, slot: Slot) -> int:
        return (self.record.primary_cert, self.record.trading_rights, self.scada_cert)[slot - 1]

    def heartbeat(self, party: DevAccount) -> None:
        self.dispatch.call(
            "heartbeat",
            signer=party.signer,
            sender=party.address,
            foreign_assets=[self.scada_cert, self.record.trading_rights],
        )


@pytest.fixture
def flow(setup: Setup, account_factory, algod) -> Flow:
    """A TerminalAsset with all three certificates delivered and a bootstrapped DispatchContract
    whose two parties have each sent one heartbeat."""
    f = setup.factory
    owner, trader, scada = account_factory(), account_factory(), account_factory()
    record = f.create_terminal_asset(setup.validator, TA, owner.address, trader.address)
    f.deliver(owner, TA, Slot.PRIMARY)
    f.deliver(trader, TA, Slot.TRADING)
    scada_cert = f.issue_scada_cert(owner, TA, scada.address)
    f.deliver(scada, TA, Slot.SCADA)
    dispatch = ApplicationClient(algod, dispatch_contract.app, signer=trader.signer)
    dispatch.create(factory=f.app.app_id, ta_alias=TA)
    dispatch.call("bootstrap", scada_cert=scada_cert, trading_rights=record.trading_rights)
    result = Flow(record, owner, trader, scada, scada_cert, dispatch)
    result.heartbeat(scada)
    result.heartbeat(trader)
    return result


def amount(algod, address: str, asset: int) -> int:
    """What `address` holds of `asset`; 0 when it has no holding (or the asset is gone)."""
    info = algod.account_info(address)
    return sum(a["amount"] for a in info.get("assets", []) if a["asset-id"] == asset)


@pytest.mark.parametrize("slot", [Slot.PRIMARY, Slot.TRADING, Slot.SCADA])
def test_only_the_admin_revokes(
    setup: Setup, flow: Flow, account_factory, algod, unchanged, slot: Slot
) -> None:
    f = setup.factory
    for intruder in [account_factory(), flow.owner, flow.holder(slot), setup.validator]:
        with unchanged(), pytest.raises(Exception, match="only the admin"):
            f.revoke(intruder.address, intruder.signer, TA, slot)
    assert f.record(TA).cert(slot) == flow.cert(slot)
    assert amount(algod, flow.holder(slot).address, flow.cert(slot)) == 1


@pytest.mark.parametrize("slot", [Slot.PRIMARY, Slot.TRADING, Slot.SCADA])
def test_revocation_takes_the_certificate_away(
    setup: Setup, flow: Flow, algod, unchanged, slot: Slot
) -> None:
    f, admin = setup.factory, setup.admin
    holder, asset = flow.holder(slot), flow.cert(slot)
    f.revoke(admin.address, admin.signer, TA, slot)

    record = f.record(TA)
    assert record.cert(slot) == 0
    assert record.holder(slot) == holder.address  # the record still names the last holder
    for other in set(Slot) - {slot}:
        assert record.cert(other) == flow.cert(other)
        assert amount(algod, flow.holder(other).address, flow.cert(other)) == 1
    assert amount(algod, holder.address, asset) == 0
    with pytest.raises(Exception, match="404|not exist"):
        algod.asset_info(asset)  # destroyed

    # a second revocation finds nothing to revoke
    with unchanged(), pytest.raises(Exception, match="no such certificate"):
        f.revoke(admin.address, admin.signer, TA, slot)
    # nor can the destroyed certificate be delivered again
    with unchanged(), pytest.raises(Exception, match="no such certificate"):
        f.app.call(  # FactoryClient.deliver would opt in to asset 0 first
            "deliver",
            sender=holder.address,
            signer=holder.signer,
            alias=TA,
            slot=int(slot),
            boxes=[(0, record_key(TA))],
            suggested_params=f.params(),
        )


@pytest.mark.parametrize("slot", [Slot.PRIMARY, Slot.TRADING, Slot.SCADA])
def test_the_revoked_party_heartbeat_is_refused(
    setup: Setup, flow: Flow, unchanged, slot: Slot
) -> None:
    f, admin = setup.factory, setup.admin
    f.revoke(admin.address, admin.signer, TA, slot)
    with unchanged(), pytest.raises(Exception, match="rejected"):
        flow.heartbeat(flow.holder(slot))
    # the other heartbeat party is unaffected (the deed owner never was one)
    survivors = {Slot.TRADING: flow.trader, Slot.SCADA: flow.scada}
    survivors.pop(slot, None)
    for party in survivors.values():
        flow.heartbeat(party)


def test_a_scada_cert_is_reissued_but_the_dispatch_contract_keeps_the_old_one(
    setup: Setup, flow: Flow, account_factory, algod, unchanged
) -> None:
    f, admin = setup.factory, setup.admin
    with unchanged(), pytest.raises(Exception, match="a ScadaCert exists; revoke it first"):
        f.issue_scada_cert(flow.owner, TA, flow.scada.address)
    f.revoke(admin.address, admin.signer, TA, Slot.SCADA)

    new_scada = account_factory()
    with unchanged(), pytest.raises(Exception, match="deed owner's signature"):
        f.issue_scada_cert(new_scada, TA, new_scada.address)
    cert = f.issue_scada_cert(flow.owner, TA, new_scada.address)
    assert cert not in (0, flow.scada_cert)
    f.deliver(new_scada, TA, Slot.SCADA)
    record = f.record(TA)
    assert (record.scada_cert, record.scada) == (cert, new_scada.address)
    assert amount(algod, new_scada.address, cert) == 1
    assert f.app.get_global_state()["scada_certs"] == 2

    # the existing DispatchContract is bound to the destroyed ScadaCert and cannot be re-bound
    with unchanged(), pytest.raises(Exception, match="already bootstrapped"):
        flow.dispatch.call("bootstrap", scada_cert=cert, trading_rights=record.trading_rights)
    with unchanged(), pytest.raises(Exception, match="rejected"):
        flow.dispatch.call(
            "heartbeat",
            signer=new_scada.signer,
            sender=new_scada.address,
            foreign_assets=[flow.scada_cert, record.trading_rights, cert],
        )
    # a new DispatchContract accepts the re-issued certificate
    dispatch = ApplicationClient(algod, dispatch_contract.app, signer=flow.trader.signer)
    dispatch.create(factory=f.app.app_id, ta_alias=TA)
    dispatch.call("bootstrap", scada_cert=cert, trading_rights=record.trading_rights)
    dispatch.call(
        "heartbeat",
        signer=new_scada.signer,
        sender=new_scada.address,
        foreign_assets=[cert, record.trading_rights],
    )
    assert dispatch.get_global_state()["scada_heartbeat"] > 0


def test_deed_and_trading_rights_are_not_reissued(
    setup: Setup, flow: Flow, account_factory, unchanged
) -> None:
    """The contract has no re-issue path for TaDeed / TaTradingRights: the alias is taken for
    good and every method that moves them needs a live certificate."""
    f, admin = setup.factory, setup.admin
    f.revoke(admin.address, admin.signer, TA, Slot.PRIMARY)
    f.revoke(admin.address, admin.signer, TA, Slot.TRADING)
    with unchanged(), pytest.raises(Exception, match="alias already registered"):
        f.create_terminal_asset(setup.validator, TA, flow.owner.address, flow.trader.address)
    buyer = account_factory()
    with unchanged(), pytest.raises(Exception, match="no such certificate"):
        f.app.call(  # FactoryClient.move_trading_rights would opt the buyer in to asset 0 first
            "move_trading_rights",
            sender=flow.trader.address,
            signer=flow.trader.signer,
            ta_alias=TA,
            new_trader=buyer.address,
            boxes=[(0, record_key(TA))],
            suggested_params=f.params(),
        )
    record = f.record(TA)
    assert (record.primary_cert, record.trading_rights) == (0, 0)


def test_a_revoked_deed_owner_cannot_issue_a_scada_cert(
    setup: Setup, flow: Flow, unchanged
) -> None:
    f, admin = setup.factory, setup.admin
    f.revoke(admin.address, admin.signer, TA, Slot.SCADA)
    f.revoke(admin.address, admin.signer, TA, Slot.PRIMARY)
    with unchanged(), pytest.raises(Exception, match="TaDeed revoked"):
        f.issue_scada_cert(flow.owner, TA, flow.scada.address)
