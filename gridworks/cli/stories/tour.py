"""The first-run tour: fund an account, mint an NFT, transfer it, and show what happened."""

from __future__ import annotations

import time
from collections.abc import Callable

from algosdk import transaction
from algosdk.v2client.algod import AlgodClient

from gridworks.sandbox import DevAccount, connect
from gridworks.table import format_table


def _send(algod: AlgodClient, signer: DevAccount, txn: transaction.Transaction) -> dict:
    txid = algod.send_transaction(signer.sign(txn))
    return transaction.wait_for_confirmation(algod, txid, 4)


def run_tour(echo: Callable[[str], None] = print) -> list[tuple[str, ...]]:
    """Runs the tour against `connect()`'s network and prints a table; returns its rows."""
    started = time.perf_counter()
    network = connect()
    try:
        where = "embedded sandbox" if network.is_embedded else "external node"
        echo(f"network: {where} at {network.algod.algod_address}")
        dispenser = network.dev_accounts()[0]
        rows: list[tuple[str, ...]] = []

        def record(step: str, info: dict, detail: str) -> None:
            rows.append((step, str(info["confirmed-round"]), info["txn"]["txn"]["type"], detail))

        owner = DevAccount(*_new_key())
        params = network.algod.suggested_params()
        info = _send(
            network.algod,
            dispenser,
            transaction.PaymentTxn(dispenser.address, params, owner.address, 1_000_000),
        )
        record("fund a new account", info, f"1.000000 Algo to {owner.address[:8]}...")

        info = _send(
            network.algod,
            dispenser,
            transaction.AssetCreateTxn(
                dispenser.address,
                params,
                total=1,
                decimals=0,
                default_frozen=False,
                unit_name="TADEED",
                asset_name="d1.isone.ver.keene.holly.ta",
                manager=dispenser.address,
                freeze=dispenser.address,
                clawback=dispenser.address,
            ),
        )
        asset_id = info["asset-index"]
        record("mint an NFT (total 1, decimals 0)", info, f"asset {asset_id} TADEED")

        info = _send(
            network.algod,
            owner,
            transaction.AssetOptInTxn(owner.address, params, asset_id),
        )
        record("the new account opts in", info, f"holds 0 of asset {asset_id}")

        info = _send(
            network.algod,
            dispenser,
            transaction.AssetTransferTxn(dispenser.address, params, owner.address, 1, asset_id),
        )
        record("transfer the NFT", info, f"asset {asset_id} to {owner.address[:8]}...")

        asset_info = network.algod.account_asset_info(owner.address, asset_id)
        assert isinstance(asset_info, dict)
        holding = asset_info["asset-holding"]
        balance = network.balance(owner.address)
        echo(format_table(("step", "round", "type", "what happened"), rows))
        echo(
            f"{owner.address[:8]}... now holds {holding['amount']} of asset {asset_id} and "
            f"{balance / 1e6:.6f} Algo; tour took {time.perf_counter() - started:.2f} s"
        )
        return rows
    finally:
        network.close()


def _new_key() -> tuple[str, str]:
    from algosdk import account

    private_key, address = account.generate_account()
    return address, private_key
