"""GNodeFactory refusals: non-validators, duplicate and malformed aliases, status transitions,
revocation, and a 2-of-3 multisig admin. Every refusal leaves the ledger unchanged."""

from __future__ import annotations

import pytest
from algosdk import account, transaction
from algosdk.atomic_transaction_composer import MultisigTransactionSigner
from contracts_helpers import VALIDATOR_ALIAS, Setup, factory_setup  # noqa: F401

from gridworks.contracts import gnode_factory
from gridworks.contracts.deploy import deploy
from gridworks.contracts.factory_client import FactoryClient
from gridworks.identity.certificates import Slot
from gridworks.identity.status import GNodeStatus

TA = "hw1.isone.me.versant.keene.ta"


def test_a_non_validator_cannot_approve(setup: Setup, account_factory, unchanged) -> None:
    impostor, owner = account_factory(), account_factory()
    with unchanged(), pytest.raises(Exception, match="not a certified validator"):
        setup.factory.create_terminal_asset(
            impostor, TA, owner.address, owner.address, validator_alias=VALIDATOR_ALIAS
        )


def test_a_duplicate_alias_is_refused_even_after_deactivation(
    setup: Setup, account_factory, unchanged
) -> None:
    f, admin = setup.factory, setup.admin
    owner = account_factory()
    f.create_terminal_asset(setup.validator, TA, owner.address, owner.address)
    with unchanged(), pytest.raises(Exception, match="alias already registered"):
        f.create_terminal_asset(setup.validator, TA, owner.address, owner.address)
    f.set_status(admin.address, admin.signer, TA, GNodeStatus.PermanentlyDeactivated)
    with unchanged(), pytest.raises(Exception, match="alias already registered"):
        f.create_terminal_asset(setup.validator, TA, owner.address, owner.address)


@pytest.mark.parametrize(
    ("alias", "reason"),
    [
        ("d1.isone.holly", "ends in .ta"),
        ("x1.isone.holly.ta", "root"),
        ("wx.isone.holly.ta", "root"),
        ("d1.Isone.holly.ta", "alias character"),
        ("d1..holly.ta", "empty alias word"),
        ("1d.holly.ta", "starts with a letter"),
        ("d1.holly-x.ta", "alias character"),
        ("d1." + "a" * 60 + ".ta", "alias length|too long"),
    ],
)
def test_malformed_aliases_are_refused(
    setup: Setup, account_factory, unchanged, alias: str, reason: str
) -> None:
    owner = account_factory()
    with unchanged(), pytest.raises(Exception, match=reason):
        setup.factory.create_terminal_asset(setup.validator, alias, owner.address, owner.address)


def test_the_longest_alias_and_root_w_are_accepted(setup: Setup, account_factory) -> None:
    owner = account_factory()
    for alias in ["w.ta", "d1." + "a" * 57 + ".ta"]:
        record = setup.factory.create_terminal_asset(
            setup.validator, alias, owner.address, owner.address
        )
        assert record.alias == alias


def test_status_transitions(setup: Setup, account_factory, unchanged) -> None:
    f, admin = setup.factory, setup.admin
    owner = account_factory()
    f.create_terminal_asset(setup.validator, TA, owner.address, owner.address)

    def move(status: GNodeStatus) -> None:
        f.set_status(admin.address, admin.signer, TA, status)
        assert f.record(TA).status == status

    def refused(status: GNodeStatus) -> None:
        with unchanged(), pytest.raises(Exception, match="transition not allowed"):
            f.set_status(admin.address, admin.signer, TA, status)

    refused(GNodeStatus.Pending)
    refused(GNodeStatus.Active)
    move(GNodeStatus.Suspended)
    refused(GNodeStatus.Suspended)
    move(GNodeStatus.Active)
    move(GNodeStatus.Suspended)
    move(GNodeStatus.PermanentlyDeactivated)
    for status in GNodeStatus:
        refused(status)
    with unchanged(), pytest.raises(Exception, match="only the admin"):
        f.set_status(owner.address, owner.signer, VALIDATOR_ALIAS, GNodeStatus.Suspended)


def test_a_suspended_validator_cannot_approve(setup: Setup, account_factory, unchanged) -> None:
    f, admin = setup.factory, setup.admin
    owner = account_factory()
    f.set_status(admin.address, admin.signer, VALIDATOR_ALIAS, GNodeStatus.Suspended)
    with unchanged(), pytest.raises(Exception, match="validator not active"):
        f.create_terminal_asset(setup.validator, TA, owner.address, owner.address)
    f.set_status(admin.address, admin.signer, VALIDATOR_ALIAS, GNodeStatus.Active)
    f.create_terminal_asset(setup.validator, TA, owner.address, owner.address)


def test_revoking_a_validator_cert_destroys_it(
    setup: Setup, account_factory, algod, unchanged
) -> None:
    f, admin = setup.factory, setup.admin
    f.revoke(admin.address, admin.signer, VALIDATOR_ALIAS, Slot.PRIMARY)
    assert f.record(VALIDATOR_ALIAS).primary_cert == 0
    with pytest.raises(Exception, match="404|not exist"):
        algod.asset_info(setup.validator_cert)
    owner = account_factory()
    with unchanged(), pytest.raises(Exception, match="certificate revoked"):
        f.create_terminal_asset(setup.validator, TA, owner.address, owner.address)


def test_trading_rights_move_only_with_the_traders_signature(
    setup: Setup, account_factory, algod, unchanged
) -> None:
    f = setup.factory
    owner, trader, buyer = account_factory(), account_factory(), account_factory()
    record = f.create_terminal_asset(setup.validator, TA, owner.address, trader.address)
    f.deliver(trader, TA, Slot.TRADING)
    with unchanged(), pytest.raises(Exception, match="current trader's signature"):
        f.move_trading_rights(buyer, TA, buyer)
    f.move_trading_rights(trader, TA, buyer)
    assert f.record(TA).trader == buyer.address
    holding = algod.account_asset_info(buyer.address, record.trading_rights)["asset-holding"]
    assert holding["amount"] == 1
    assert (
        algod.account_asset_info(trader.address, record.trading_rights)["asset-holding"]["amount"]
        == 0
    )


def test_a_two_of_three_multisig_admin(network, account_factory, algod, unchanged) -> None:
    keys = [account.generate_account() for _ in range(3)]
    msig = transaction.Multisig(1, 2, [address for _, address in keys])
    creator = account_factory()
    client = deploy(gnode_factory.app, network, creator, create_args={"admin": msig.address()})
    f = FactoryClient(client)
    funding = transaction.PaymentTxn(
        creator.address, algod.suggested_params(), msig.address(), 1_000_000
    )
    algod.send_transaction(creator.sign(funding))
    transaction.wait_for_confirmation(algod, funding.get_txid(), 4)
    validator = account_factory()

    one = MultisigTransactionSigner(msig, [keys[0][0]])
    with unchanged(), pytest.raises(Exception, match="multisig|signature"):
        f.certify_validator(msig.address(), one, validator.address, "dmsig.validator")
    with unchanged(), pytest.raises(Exception, match="only the admin"):
        f.certify_validator(creator.address, creator.signer, validator.address, "dmsig.validator")
    two = MultisigTransactionSigner(msig, [keys[0][0], keys[2][0]])
    cert = f.certify_validator(msig.address(), two, validator.address, "dmsig.validator")
    assert algod.asset_info(cert)["params"]["creator"] == f.address
