"""Certifying TerminalAssets end to end on the embedded sandbox, through `FactoryClient`.

The sandbox runs in this process (`gridworks.sandbox.connect()`: the embedded algod and kmd on
free ports, in memory); the client talks to it over HTTP with py-algorand-sdk, as an app would,
so client, HTTP server and ledger share one CPython process (and its GIL).

Timed: deploy GNodeFactory (compile both programs, create, fund the app account with its own
0.1 Algo minimum, no more: every registration pays its own deposit), certify one validator (the
admin's deposit payment + `certify_validator`) and deliver its ValidatorCert; then for each of N
TerminalAssets: the validator's approval payment carrying the deposit + `create_terminal_asset`
(one group), owner and trader each opt in and `deliver` (one group each: TaDeed,
TaTradingRights), the owner's deposit payment + `issue_scada_cert` (one group), and the Scada's
opt-in + `deliver`. Each group is confirmed before the next is sent, and the client does
its registry reads (boxes) and suggested-params requests as it always does. Not timed: funding
the 3 x N fresh accounts beforehand. Transactions per second counts the top-level transactions
sent (10 per TerminalAsset), not the inner ones (mints, clawbacks, OpUp calls: see
`contract_costs.py`).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from gridworks.contracts import gnode_factory
from gridworks.contracts.deploy import deploy
from gridworks.contracts.factory_client import FactoryClient
from gridworks.identity.certificates import Slot
from gridworks.sandbox import connect
from gridworks.table import format_table

COUNT = 100
VALIDATOR_ALIAS = "dwgps.validator"
TXNS_PER_TA = 10  # 2 create + 2 x 3 opt-in/deliver + 2 issue (deposit, call)


def alias(i: int) -> str:
    return f"d1.isone.ver.keene.holly{i}.ta"


def certify(factory: FactoryClient, validator: Any, owner: Any, trader: Any, scada: Any, i: int) -> None:  # fmt: skip
    name = alias(i)
    factory.create_terminal_asset(validator, name, owner.address, trader.address)
    factory.deliver(owner, name, Slot.PRIMARY)
    factory.deliver(trader, name, Slot.TRADING)
    factory.issue_scada_cert(owner, name, scada.address)
    factory.deliver(scada, name, Slot.SCADA)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    network = connect()
    try:
        algod = network.algod
        dev = network.dev_accounts()[0]
        admin = network.new_account(1_000_000, funder=dev)
        validator = network.new_account(1_000_000 + count * 350_000, funder=dev)
        parties = [
            tuple(network.new_account(2_000_000, funder=dev) for _ in range(3))
            for _ in range(count)
        ]
        started = time.perf_counter()
        client = deploy(
            gnode_factory.app,
            network,
            admin,
            create_args={"admin": admin.address},
            min_balance=100_000,  # no top-up: each group pays its deposit
        )
        factory = FactoryClient(client)
        factory.certify_validator(admin.address, admin.signer, validator.address, VALIDATOR_ALIAS)
        factory.deliver(validator, VALIDATOR_ALIAS, Slot.PRIMARY)
        setup_done = time.perf_counter()
        for i, (owner, trader, scada) in enumerate(parties):
            certify(factory, validator, owner, trader, scada, i)
        finished = time.perf_counter()

        # check the last one landed where it should
        owner, trader, scada = parties[-1]
        record = factory.record(alias(count - 1))
        for holder, asset in [
            (owner, record.primary_cert),
            (trader, record.trading_rights),
            (scada, record.scada_cert),
        ]:
            holding = algod.account_asset_info(holder.address, asset)
            assert isinstance(holding, dict) and holding["asset-holding"]["amount"] == 1
        state = client.get_global_state()
        assert state["terminal_assets"] == count and state["scada_certs"] == count
        app_account = algod.account_info(factory.address)
        assert isinstance(app_account, dict)
        spare = int(app_account["amount"]) - int(app_account["min-balance"])
    finally:
        network.close()

    total = finished - started
    loop = finished - setup_done
    txns = TXNS_PER_TA * count
    rows: list[tuple[object, ...]] = [
        ("deploy factory + certify and deliver one validator", 1, f"{(setup_done - started) * 1e3:.1f} ms", ""),
        (f"certify {count} TerminalAssets (create, 3 certificates delivered)", count, f"{loop * 1e3 / count:.2f} ms per TA",
         f"{txns / loop:,.0f} txn/s ({txns:,} top-level txns)"),
        ("total, end to end", count, f"{total:.2f} s", f"{(txns + 7) / total:,.0f} txn/s"),
        ("app account above its minimum balance at the end (deposits exact, no top-up)", 1, f"{spare:,} µAlgo", ""),
    ]  # fmt: skip
    print(format_table(("GNodeFactory on the embedded sandbox (in-process, HTTP)", "n", "time", "throughput"), rows))  # fmt: skip


if __name__ == "__main__":
    main()
