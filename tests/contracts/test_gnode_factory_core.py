"""GNodeFactory end to end: deploy, validator certification, TerminalAsset creation."""

from __future__ import annotations

import pytest
from algosdk import transaction
from conftest import rejected
from contracts_helpers import VALIDATOR_ALIAS, Setup, factory_setup  # noqa: F401

from gridworks.contracts import gnode_factory
from gridworks.contracts.deploy import deploy
from gridworks.identity.certificates import CertificateKind, Slot, arc3_url, metadata_hash
from gridworks.identity.record import record_key
from gridworks.identity.roles import GNodeRole
from gridworks.identity.status import GNodeStatus

TA = "d1.isone.ver.keene.holly.ta"


def test_deploy_is_idempotent(network, account_factory) -> None:
    admin = account_factory()
    first = deploy(gnode_factory.app, network, admin, create_args={"admin": admin.address})
    again = deploy(gnode_factory.app, network, admin, create_args={"admin": admin.address})
    assert again.app_id == first.app_id
    assert network.balance(first.app_addr) >= 1_000_000
    state = first.get_global_state()
    assert state["validators"] == 0 and state["terminal_assets"] == 0


def test_certify_validator_mints_a_frozen_cert_into_the_validator(setup: Setup, algod) -> None:
    f = setup.factory
    params = algod.asset_info(setup.validator_cert)["params"]
    assert params["creator"] == f.address
    assert params["unit-name"] == "VLDTR"
    assert params["name"] == VALIDATOR_ALIAS[:32]
    assert params["url"] == arc3_url(CertificateKind.ValidatorCert)
    assert params["default-frozen"] is True
    assert params["clawback"] == params["freeze"] == params["manager"] == f.address
    assert bytes(__import__("base64").b64decode(params["metadata-hash"])) == metadata_hash(
        CertificateKind.ValidatorCert, VALIDATOR_ALIAS
    )
    holding = algod.account_asset_info(setup.validator.address, setup.validator_cert)
    assert holding["asset-holding"]["amount"] == 1
    record = f.record(VALIDATOR_ALIAS)
    assert record.role == GNodeRole.Validator and record.status == GNodeStatus.Active
    assert record.owner == setup.validator.address
    assert f.validator_alias(setup.validator.address) == VALIDATOR_ALIAS


def test_only_the_admin_certifies(setup: Setup, account_factory, unchanged) -> None:
    intruder = account_factory()
    with unchanged(), pytest.raises(Exception, match="only the admin"):
        setup.factory.certify_validator(
            intruder.address, intruder.signer, intruder.address, "intruder.vldtr"
        )


def test_create_terminal_asset_end_to_end(setup: Setup, account_factory, algod) -> None:
    f = setup.factory
    owner, trader = account_factory(), account_factory()
    record = f.create_terminal_asset(setup.validator, TA, owner.address, trader.address)
    assert record.role == GNodeRole.TerminalAsset and record.status == GNodeStatus.Active
    assert record.parent == "d1.isone.ver.keene.holly"
    assert (record.owner, record.trader) == (owner.address, trader.address)
    f.deliver(owner, TA, Slot.PRIMARY)
    f.deliver(trader, TA, Slot.TRADING)
    for asset, holder, kind in [
        (record.primary_cert, owner, CertificateKind.TaDeed),
        (record.trading_rights, trader, CertificateKind.TaTradingRights),
    ]:
        params = algod.asset_info(asset)["params"]
        assert params["creator"] == f.address
        assert params["unit-name"] == kind.unit_name
        assert params["total"] == 1 and params["decimals"] == 0
        holding = algod.account_asset_info(holder.address, asset)["asset-holding"]
        assert holding == {"amount": 1, "asset-id": asset, "is-frozen": True}
        # a holder cannot pass the certificate on by itself
        other = account_factory()
        sp = algod.suggested_params()
        optin = transaction.AssetOptInTxn(other.address, sp, asset)
        algod.send_transaction(other.sign(optin))
        transaction.wait_for_confirmation(algod, optin.get_txid(), 4)
        give = transaction.AssetTransferTxn(holder.address, sp, other.address, 1, asset)
        assert "frozen" in rejected(algod, holder.sign(give))
    box = algod.application_box_by_name(f.app.app_id, record_key(TA))
    assert box["name"]
    assert f.get_gnode(owner, TA) == record
