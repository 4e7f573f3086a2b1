"""The account helpers real projects start with: algokit-utils' LocalNet detection, default
account (found through kmd), ensure_funded and transfer; Beaker's localnet kmd helpers."""

from __future__ import annotations

from urllib.parse import urlparse

import algokit_utils
import pytest
from algosdk import account
from algosdk.kmd import KMDClient
from algosdk.v2client.algod import AlgodClient
from beaker.localnet import kmd as beaker_kmd

from gridworks.sandbox import DevAccount, Network


def test_algokit_sees_a_localnet_and_finds_its_default_account(
    algod: AlgodClient, kmd: KMDClient, network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    if network.sandbox is None and not algokit_utils.is_localnet(algod):
        pytest.skip("an external node that is not a LocalNet")
    assert algokit_utils.is_localnet(algod)
    # algokit reaches kmd on algod's host with algod's token, at KMD_PORT
    monkeypatch.setenv("KMD_PORT", str(urlparse(kmd.kmd_address).port))
    default = algokit_utils.get_localnet_default_account(algod)
    info = algod.account_info(default.address)
    assert info["amount"] > 1_000_000_000
    assert default.address in {a.address for a in network.dev_accounts()}
    assert algokit_utils.get_dispenser_account(algod).address == default.address


def test_beaker_localnet_lists_the_default_wallet(kmd: KMDClient, network: Network) -> None:
    accounts = beaker_kmd.get_accounts(kmd_address=kmd.kmd_address, kmd_token=kmd.kmd_token)
    assert {a.address for a in accounts} == {a.address for a in network.dev_accounts()}
    assert all(account.address_from_private_key(a.private_key) == a.address for a in accounts)


def test_ensure_funded_tops_up_only_when_needed(
    algod: AlgodClient, dev_accounts: list[DevAccount]
) -> None:
    key, address = account.generate_account()
    funder = algokit_utils.Account(private_key=dev_accounts[0].private_key)
    params = algokit_utils.EnsureBalanceParameters(
        account_to_fund=address,
        min_spending_balance_micro_algos=500_000,
        funding_source=funder,
    )
    first = algokit_utils.ensure_funded(algod, params)
    assert first is not None
    assert first.amount == 600_000  # the spending balance plus the 0.1 Algo minimum
    assert algod.account_info(address)["amount"] == 600_000
    assert algokit_utils.ensure_funded(algod, params) is None

    payee = algokit_utils.Account(private_key=key)
    txn = algokit_utils.transfer(
        algod,
        algokit_utils.TransferParameters(
            from_account=payee, to_address=dev_accounts[0].address, micro_algos=123_000
        ),
    )
    assert algod.pending_transaction_info(txn.get_txid())["confirmed-round"] > 0
    assert algod.account_info(address)["amount"] == 600_000 - 123_000 - 1000
