"""DispatchContract: bootstraps only with the factory's genuine certificates for its alias, then
takes heartbeats from the two certificate holders only."""

from __future__ import annotations

import pytest
from beaker.client import ApplicationClient
from conftest import mint_look_alike
from contracts_helpers import Setup, factory_setup  # noqa: F401

from gridworks.contracts import dispatch_contract
from gridworks.identity.certificates import CertificateKind, Slot

TA = "d1.isone.ver.keene.holly.ta"


def look_alike(algod, forger, alias: str) -> int:
    """A TATRADE ASA identical to the factory's in every field but its creator."""
    return mint_look_alike(algod, forger, CertificateKind.TaTradingRights, alias, exact=True)


def test_dispatch_contract_end_to_end(setup: Setup, account_factory, algod, unchanged) -> None:
    f = setup.factory
    owner, trader, scada = account_factory(), account_factory(), account_factory()
    record = f.create_terminal_asset(setup.validator, TA, owner.address, trader.address)
    f.deliver(trader, TA, Slot.TRADING)
    scada_cert = f.issue_scada_cert(owner, TA, scada.address)
    f.deliver(scada, TA, Slot.SCADA)
    assert algod.asset_info(scada_cert)["params"]["creator"] == f.address

    # another TerminalAsset's genuine trading rights: right creator, wrong alias
    other = f.create_terminal_asset(
        setup.validator, "d1.isone.other.ta", owner.address, trader.address
    )

    client = ApplicationClient(algod, dispatch_contract.app, signer=trader.signer)
    client.create(factory=f.app.app_id, ta_alias=TA)
    forged = look_alike(algod, account_factory(), TA)

    def bootstrap(trading_rights: int) -> None:
        client.call("bootstrap", scada_cert=scada_cert, trading_rights=trading_rights)

    with unchanged(), pytest.raises(Exception, match="not issued by the factory"):
        bootstrap(forged)
    with unchanged(), pytest.raises(Exception, match="bound to another alias"):
        bootstrap(other.trading_rights)
    with unchanged(), pytest.raises(Exception, match="not a TaTradingRights"):
        bootstrap(record.primary_cert)
    bootstrap(record.trading_rights)
    with unchanged(), pytest.raises(Exception, match="already bootstrapped"):
        bootstrap(record.trading_rights)

    assets = [scada_cert, record.trading_rights]
    client.call("heartbeat", signer=scada.signer, sender=scada.address, foreign_assets=assets)
    client.call("heartbeat", signer=trader.signer, sender=trader.address, foreign_assets=assets)
    state = client.get_global_state()
    assert state["scada_heartbeat"] > 0 and state["trader_heartbeat"] > 0
    stranger = account_factory()
    with unchanged(), pytest.raises(Exception, match="rejected"):
        client.call(
            "heartbeat", signer=stranger.signer, sender=stranger.address, foreign_assets=assets
        )
