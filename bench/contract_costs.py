"""Opcode cost of every ABI method of GNodeFactory and DispatchContract, as a gas report.

Runs in-process on the embedded sandbox (`gridworks.sandbox.connect()`, over its HTTP API). The
full certification flow runs for a few TerminalAssets of different alias lengths (the alias
checks loop over its bytes, so their cost varies), plus trading-rights moves, status changes,
revocations and DispatchContract heartbeats. Every group the clients send goes first through
`POST /v2/transactions/simulate` (with `exec-trace-config` on), and then for real: so each row
is measured on the exact group that was confirmed, against the ledger as it then was.

Columns: the app call's `app-budget-consumed` (min/max over the calls seen), the budget the
group had (the group's `app-budget-added`: 700 per app call, inner OpUp calls included), and the
inner transactions it issued (of which OpUp app calls). Goal: every call fits its budget.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from algosdk import transaction
from algosdk.v2client.algod import AlgodClient
from algosdk.v2client.models import SimulateRequest, SimulateRequestTransactionGroup
from algosdk.v2client.models.simulate_request import SimulateTraceConfig
from beaker import Application
from beaker.client import ApplicationClient

from gridworks.contracts import dispatch_contract, gnode_factory
from gridworks.contracts.deploy import deploy
from gridworks.contracts.factory_client import FactoryClient
from gridworks.identity.certificates import Slot
from gridworks.identity.status import GNodeStatus
from gridworks.sandbox import connect
from gridworks.table import format_table

ALIASES = ["w.ta", "d1.isone.ver.keene.holly.ta", "d1." + "a" * 57 + ".ta"]
# each TerminalAsset moves to a new alias (under an unregistered parent) before its revocations
REALIASES = {
    "w.ta": "w.x.ta",
    "d1.isone.ver.keene.holly.ta": "d1.isone.ver.keene.pwrs.holly.ta",
    ALIASES[2]: "d2" + ALIASES[2][2:],
}
VALIDATOR_ALIASES = ["dv.one", "dwgps.validator.with.a.rather.long.alias.of.many.words.x"]


@dataclass
class Cost:
    consumed: list[int] = field(default_factory=list)
    budget: list[int] = field(default_factory=list)
    inner: list[int] = field(default_factory=list)
    opups: list[int] = field(default_factory=list)


def span(values: list[int]) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:,}" if lo == hi else f"{lo:,} - {hi:,}"


def inner_txns(result: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for inner in result.get("inner-txns", []):
        yield inner
        yield from inner_txns(inner)


class Recorder:
    """Wraps `algod.send_transactions`: simulate the group, record each app call, then send."""

    def __init__(self, algod: AlgodClient, apps: Sequence[Application]) -> None:
        self.algod = algod
        self.costs: dict[tuple[str, str], Cost] = defaultdict(Cost)
        self.methods: dict[bytes, tuple[str, str]] = {}
        self.all_methods: list[tuple[str, str]] = []
        for app in apps:
            contract = app.build().contract
            for method in contract.methods:
                self.methods[method.get_selector()] = (app.name, method.name)
                self.all_methods.append((app.name, method.name))
        self.traced_ops = 0
        self.send = algod.send_transactions
        algod.send_transactions = self.simulate_then_send  # type: ignore[method-assign]

    def simulate_then_send(self, txns: Sequence[Any], **kwargs: Any) -> str:
        request = SimulateRequest(
            txn_groups=[SimulateRequestTransactionGroup(txns=list(txns))],
            exec_trace_config=SimulateTraceConfig(enable=True),
        )
        response = self.algod.simulate_transactions(request)
        assert isinstance(response, dict)
        group = response["txn-groups"][0]
        if "failure-message" not in group:
            self.record(txns, group)
        return self.send(txns, **kwargs)

    def record(self, txns: Sequence[Any], group: dict[str, Any]) -> None:
        for signed, result in zip(txns, group["txn-results"], strict=True):
            txn = signed.transaction
            if not isinstance(txn, transaction.ApplicationCallTxn) or not txn.app_args:
                continue
            key = self.methods.get(bytes(txn.app_args[0]))
            if key is None:
                continue
            inner = list(inner_txns(result["txn-result"]))
            trace = result.get("exec-trace", {}).get("approval-program-trace", [])
            self.traced_ops += len(trace)
            cost = self.costs[key]
            cost.consumed.append(result.get("app-budget-consumed", 0))
            cost.budget.append(group.get("app-budget-added", 0))
            cost.inner.append(len(inner))
            cost.opups.append(sum(1 for i in inner if i["txn"]["txn"]["type"] == "appl"))


def exercise(network: Any) -> None:
    """Every method at least once (most several times), through the project's clients."""
    dev = network.dev_accounts()[0]

    def account() -> Any:
        return network.new_account(50_000_000, funder=dev)

    admin = account()
    factory = FactoryClient(
        deploy(
            gnode_factory.app,
            network,
            admin,
            create_args={"admin": admin.address},
            min_balance=100_000,  # each registration pays its own deposit
        )
    )
    validators = []
    for alias in VALIDATOR_ALIASES:
        validator = account()
        factory.certify_validator(admin.address, admin.signer, validator.address, alias)
        factory.deliver(validator, alias, Slot.PRIMARY)
        validators.append(validator)
    for i, alias in enumerate(ALIASES):
        validator = validators[i % len(validators)]
        owner, trader, scada, buyer = account(), account(), account(), account()
        factory.create_terminal_asset(validator, alias, owner.address, trader.address)
        factory.deliver(owner, alias, Slot.PRIMARY)
        factory.deliver(trader, alias, Slot.TRADING)
        scada_cert = factory.issue_scada_cert(owner, alias, scada.address)
        factory.deliver(scada, alias, Slot.SCADA)
        factory.get_gnode(owner, alias)
        dispatch = ApplicationClient(
            network.algod, dispatch_contract.app, signer=trader.signer, sender=trader.address
        )
        dispatch.create(factory=factory.app.app_id, ta_alias=alias)
        record = factory.record(alias)
        dispatch.call("bootstrap", scada_cert=scada_cert, trading_rights=record.trading_rights)
        for party in (scada, trader):
            dispatch.call(
                "heartbeat",
                sender=party.address,
                signer=party.signer,
                foreign_assets=[scada_cert, record.trading_rights],
            )
        factory.move_trading_rights(trader, alias, buyer)
        factory.set_status(admin.address, admin.signer, alias, GNodeStatus.Suspended)
        factory.set_status(admin.address, admin.signer, alias, GNodeStatus.Active)
        new_alias = REALIASES[alias]
        factory.realias(admin.address, admin.signer, alias, new_alias)
        for holder, slot in ((owner, Slot.PRIMARY), (buyer, Slot.TRADING), (scada, Slot.SCADA)):
            factory.deliver(holder, new_alias, slot)
        for slot in (Slot.SCADA, Slot.TRADING, Slot.PRIMARY):
            factory.revoke(admin.address, admin.signer, new_alias, slot)


def main() -> None:
    network = connect()
    try:
        recorder = Recorder(network.algod, [gnode_factory.app, dispatch_contract.app])
        exercise(network)
    finally:
        network.close()
    rows: list[tuple[object, ...]] = []
    missing = []
    for key in recorder.all_methods:
        cost = recorder.costs.get(key)
        if cost is None:
            missing.append(".".join(key))
            continue
        opups = span(cost.opups)
        rows.append(
            (
                *key,
                len(cost.consumed),
                span(cost.consumed),
                span(cost.budget),
                span(cost.inner) + ("" if opups == "0" else f" ({opups} OpUp)"),
                "yes" if all(c <= b for c, b in zip(cost.consumed, cost.budget, strict=True))
                else "NO",
            )
        )  # fmt: skip
    print(
        format_table(
            ("contract", "method", "calls", "opcode cost", "budget", "inner txns", "fits"), rows
        )
    )
    print(f"{recorder.traced_ops:,} approval-program opcodes traced by simulate")
    if missing:
        print("not exercised: " + ", ".join(missing))
        sys.exit(1)


if __name__ == "__main__":
    main()
