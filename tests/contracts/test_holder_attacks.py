"""A TaTradingRights holder trying to pass the certificate on by itself, or to opt out and back
in: the certificate is default frozen with the factory as clawback, so a transfer is refused, and
after a close-out (to the creator, the factory's account) the only way back is the factory's
`deliver`, which sends it to the recorded holder and nobody else."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from algosdk import transaction

from gridworks.contracts.factory import Factory
from gridworks.identity import CertificateKind
from gridworks.identity.chain import ChainError
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
    rights: int  # the TaTradingRights asset id


@pytest.fixture(name="world")
def attack_world(network, account_factory) -> World:
    admin, validator, owner, trader = (account_factory() for _ in range(4))
    factory = Factory.deploy(network, admin)
    factory.certify_validator(admin, validator, VALIDATOR)
    node = factory.create_terminal_asset(validator, TA, owner, trader)
    return World(
        factory, admin, validator, owner, trader, node.certificate_asset_ids[K.TaTradingRights]
    )


def send(algod, who: DevAccount, txn: transaction.Transaction) -> None:
    transaction.wait_for_confirmation(algod, algod.send_transaction(who.sign(txn)), 4)


def holding(algod, address: str, asset: int) -> int | None:
    """The account's amount of `asset`, or None when it is not opted in."""
    info = algod.account_info(address)
    amounts = [a["amount"] for a in info.get("assets", []) if a["asset-id"] == asset]
    return amounts[0] if amounts else None


def test_a_frozen_certificate_cannot_be_transferred(
    world: World, account_factory, algod, unchanged
) -> None:
    buyer = account_factory()
    send(
        algod,
        buyer,
        transaction.AssetOptInTxn(buyer.address, algod.suggested_params(), world.rights),
    )
    give = transaction.AssetTransferTxn(
        world.trader.address, algod.suggested_params(), buyer.address, 1, world.rights
    )
    with unchanged(), pytest.raises(Exception, match="frozen"):
        send(algod, world.trader, give)
    # nor can the holder act as the clawback (it is the factory's account)
    pull = transaction.AssetTransferTxn(
        buyer.address,
        algod.suggested_params(),
        buyer.address,
        1,
        world.rights,
        revocation_target=world.trader.address,
    )
    with unchanged(), pytest.raises(Exception, match="clawback|revocation"):
        send(algod, buyer, pull)
    assert holding(algod, world.trader.address, world.rights) == 1
    assert holding(algod, buyer.address, world.rights) == 0
    assert world.factory.check(world.trader.address, TA, K.TaTradingRights).ok
    verdict = world.factory.check(buyer.address, TA, K.TaTradingRights)
    assert (verdict.ok, verdict.reason) == (False, RejectReason.NO_CERTIFICATE)


def test_opting_out_and_back_in_loses_the_certificate_until_the_factory_delivers(
    world: World, account_factory, algod, unchanged
) -> None:
    f, trader = world.factory, world.trader
    # the ledger lets a frozen holding close out to the asset's creator: the factory's account
    close = transaction.AssetCloseOutTxn(
        trader.address, algod.suggested_params(), f.address, world.rights
    )
    send(algod, trader, close)
    assert holding(algod, trader.address, world.rights) is None
    assert holding(algod, f.address, world.rights) == 1
    verdict = f.check(trader.address, TA, K.TaTradingRights)
    assert (verdict.ok, verdict.reason, verdict.asset_id) == (
        False,
        RejectReason.NO_CERTIFICATE,
        world.rights,
    )
    assert f.record(TA).trader == trader.address  # the registry still names the trader

    # opting back in gives an empty, frozen holding: still no certificate
    send(
        algod,
        trader,
        transaction.AssetOptInTxn(trader.address, algod.suggested_params(), world.rights),
    )
    assert holding(algod, trader.address, world.rights) == 0
    verdict = f.check(trader.address, TA, K.TaTradingRights)
    assert (verdict.ok, verdict.reason) == (False, RejectReason.NO_CERTIFICATE)
    # the trader cannot take it from the factory's account by itself
    take = transaction.AssetTransferTxn(
        trader.address,
        algod.suggested_params(),
        trader.address,
        1,
        world.rights,
        revocation_target=f.address,
    )
    with unchanged(), pytest.raises(Exception, match="clawback|revocation"):
        send(algod, trader, take)

    # nobody else can receive it: `deliver` sends it to the recorded holder whoever calls it,
    # and moving the rights needs the recorded trader's signature
    thief = account_factory()
    send(
        algod,
        thief,
        transaction.AssetOptInTxn(thief.address, algod.suggested_params(), world.rights),
    )
    with unchanged(), pytest.raises(ChainError, match="current trader's signature"):
        f.move_trading_rights(thief, TA, thief)
    f.client.app.call(
        "deliver",
        sender=thief.address,
        signer=thief.signer,
        alias=TA,
        slot=2,
        boxes=[(0, b"g" + TA.encode())],
        accounts=[trader.address],
        foreign_assets=[world.rights],
        suggested_params=f.client.params(),
    )
    assert holding(algod, thief.address, world.rights) == 0
    assert holding(algod, trader.address, world.rights) == 1
    assert f.check(trader.address, TA, K.TaTradingRights).ok
    verdict = f.check(thief.address, TA, K.TaTradingRights)
    assert (verdict.ok, verdict.reason) == (False, RejectReason.NO_CERTIFICATE)
    # and once delivered it cannot be delivered again
    with unchanged(), pytest.raises(ChainError, match="already delivered"):
        f.deliver(trader, TA, K.TaTradingRights)


def test_the_recorded_holder_gets_it_back_through_deliver(world: World, algod) -> None:
    f, trader = world.factory, world.trader
    close = transaction.AssetCloseOutTxn(
        trader.address, algod.suggested_params(), f.address, world.rights
    )
    send(algod, trader, close)
    f.deliver(trader, TA, K.TaTradingRights)  # its opt-in and the factory's claw, one group
    assert holding(algod, trader.address, world.rights) == 1
    verdict = f.check(trader.address, TA, K.TaTradingRights)
    assert (verdict.ok, verdict.reason, verdict.asset_id) == (True, None, world.rights)
