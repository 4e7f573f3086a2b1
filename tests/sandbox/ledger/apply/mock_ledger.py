"""A ledger state in memory to apply transactions to, without a Ledger, a store or HTTP (in the
spirit of go-algorand's mock balances): build the state, call an `apply_*` function on an
overlay as the evaluator does, and read what it left behind.

`MockLedger.apply` merges the overlay only when the transaction applies; `refuse` also checks
that a refused transaction left the committed state exactly as it was (an apply function that
wrote through to a record of the parent state, instead of the overlay's copy, would fail it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gridworks.sandbox.avm.assembler import assemble
from gridworks.sandbox.ledger.app_run import AppRun
from gridworks.sandbox.ledger.apply.common import ApplyData
from gridworks.sandbox.ledger.apply.dispatch import apply_transaction
from gridworks.sandbox.ledger.block_context import BlockContext
from gridworks.sandbox.ledger.errors import TransactionRejected
from gridworks.sandbox.ledger.params import CURRENT, ConsensusParams
from gridworks.sandbox.ledger.records import (
    Account,
    AppParams,
    AssetParams,
    Holding,
    LocalState,
    Schema,
)
from gridworks.sandbox.ledger.state import Delta, LedgerState, Overlay
from gridworks.sandbox.ledger.transaction import Transaction, parse_transaction

ALICE, BOB, CAROL, DAVE = (bytes([n]) * 32 for n in (1, 2, 3, 4))
FEE_SINK = bytes([9]) * 32
GENESIS_HASH = bytes([7]) * 32
ROUND = 10
ALGO = 1_000_000

Apply = Callable[..., None]


def txn(kind: str, sender: bytes = ALICE, **fields: Any) -> Transaction:
    """A transaction of `kind` from `sender`; `fields` are wire keys (rcv, amt, xaid ...)."""
    return parse_transaction(
        {
            "type": kind,
            "snd": sender,
            "fee": 1_000,
            "fv": 1,
            "lv": 100,
            "gh": GENESIS_HASH,
            **fields,
        }
    )


def program(source: str, version: int = 10) -> bytes:
    return assemble(f"#pragma version {version}\n{source}\n").bytecode


class MockLedger:
    """The committed state (`state`) and the block context transactions apply in."""

    def __init__(self, params: ConsensusParams = CURRENT) -> None:
        self.params = params
        self.state = LedgerState(txn_counter=params.first_created_index)

    # building the state ---------------------------------------------------------------------

    def fund(self, addr: bytes, micro_algos: int = 10 * ALGO, **fields: Any) -> MockLedger:
        self.state.apply(Delta(accounts={addr: Account(micro_algos=micro_algos, **fields)}))
        return self

    def add_asset(self, creator: bytes, total: int = 1_000, **fields: Any) -> int:
        """An asset as its creation leaves it: the creator holds every unit."""
        asset_id = self.state.txn_counter + 1
        acct = self.account(creator)
        acct.total_assets += 1
        acct.total_created_assets += 1
        roles = {"manager": creator, "reserve": creator, "freeze": creator, "clawback": creator}
        self.state.apply(
            Delta(
                accounts={creator: acct},
                assets={asset_id: AssetParams(creator=creator, total=total, **{**roles, **fields})},
                holdings={(creator, asset_id): Holding(total)},
                txn_counter=asset_id,
            )
        )
        return asset_id

    def opt_in_asset(
        self, addr: bytes, asset_id: int, amount: int = 0, frozen: bool = False
    ) -> None:
        """`addr` holds the asset, with `amount` units the creator hands over."""
        creator = self.state.assets[asset_id].creator
        kept = self.state.holdings[(creator, asset_id)]
        acct = self.account(addr)
        acct.total_assets += 1
        self.state.apply(
            Delta(
                accounts={addr: acct},
                holdings={
                    (creator, asset_id): Holding(kept.amount - amount, kept.frozen),
                    (addr, asset_id): Holding(amount, frozen),
                },
            )
        )

    def add_app(
        self,
        creator: bytes,
        approval: bytes,
        clear: bytes | None = None,
        *,
        global_schema: Schema = (0, 0),
        local_schema: Schema = (0, 0),
    ) -> int:
        app_id = self.state.txn_counter + 1
        acct = self.account(creator)
        acct.total_created_apps += 1
        acct.total_uints += global_schema[0]
        acct.total_byte_slices += global_schema[1]
        app = AppParams(
            creator=creator,
            approval_program=approval,
            clear_state_program=clear if clear is not None else program("int 1"),
            global_schema=global_schema,
            local_schema=local_schema,
        )
        self.state.apply(Delta(accounts={creator: acct}, apps={app_id: app}, txn_counter=app_id))
        return app_id

    def opt_in_app(
        self, addr: bytes, app_id: int, values: dict[bytes, int | bytes] | None = None
    ) -> None:
        schema = self.state.apps[app_id].local_schema
        acct = self.account(addr)
        acct.total_apps_opted_in += 1
        acct.total_uints += schema[0]
        acct.total_byte_slices += schema[1]
        self.state.apply(
            Delta(
                accounts={addr: acct},
                locals={(addr, app_id): LocalState(schema, dict(values or {}))},
            )
        )

    # reading it -----------------------------------------------------------------------------

    def account(self, addr: bytes) -> Account:
        acct = self.state.account(addr)
        return acct.copy() if acct is not None else Account()

    def balance(self, addr: bytes) -> int:
        return self.account(addr).micro_algos

    def holding(self, addr: bytes, asset_id: int) -> Holding | None:
        return self.state.holding(addr, asset_id)

    def snapshot(self) -> str:
        """Everything the state holds, in a form two states compare by."""
        s = self.state
        parts = [s.txn_counter, s.accounts, s.holdings, s.assets, s.locals, s.boxes]
        apps = {i: (a, sorted(a.global_state.items())) for i, a in s.apps.items()}
        return repr(sorted_deep(parts)) + repr(sorted(apps.items()))

    # applying -------------------------------------------------------------------------------

    def context(self) -> BlockContext:
        return BlockContext(
            round=ROUND,
            genesis_id="mock-v1",
            genesis_hash=GENESIS_HASH,
            fee_sink=FEE_SINK,
            params=self.params,
            is_known_txid=lambda txid: False,
            lease_in_use=lambda sender, lease: False,
        )

    def apply(self, apply: Apply, t: Transaction, *args: Any) -> ApplyData:
        """`apply(overlay, t, apply_data, *args)`, merged into the state if it succeeds."""
        ov = Overlay(self.state)
        ov.next_index()
        ad = ApplyData()
        apply(ov, t, ad, *args)
        self.state.apply(ov.delta())
        return ad

    def app_call(self) -> Apply:
        """`apply_application` with the group context the evaluator gives it (a group of one),
        for `apply` and `refuse`."""
        return _app_call(self.context())

    def apply_app_call(self, t: Transaction) -> ApplyData:
        return self.apply(self.app_call(), t)

    def submit(self, t: Transaction) -> ApplyData:
        """Through the dispatcher, fee and rekey included (no signature or min-balance check)."""
        ctx = self.context()
        run = AppRun.for_group([t], ctx, ctx.latest_timestamp) if t.type == "appl" else None

        def dispatch(ov: Overlay, t: Transaction, ad: ApplyData) -> None:
            apply_transaction(ov, t, ad, ctx, ov.txn_counter, run, 0)

        return self.apply(dispatch, t)

    def refuse(self, apply: Apply, t: Transaction, *args: Any) -> str:
        """Applies, expecting a refusal that changes nothing; returns its message."""
        before = self.snapshot()
        with pytest.raises(TransactionRejected) as info:
            self.apply(apply, t, *args)
        assert self.snapshot() == before, "a refused transaction changed the state"
        return info.value.message


def _app_call(ctx: BlockContext) -> Apply:
    from gridworks.sandbox.ledger.apply.application import apply_application

    def call(ov: Overlay, t: Transaction, ad: ApplyData) -> None:
        run = AppRun.for_group([t], ctx, ctx.latest_timestamp)
        apply_application(ov, t, ad, ov.txn_counter, run, 0)

    return call


def sorted_deep(value: Any) -> Any:
    if isinstance(value, dict):
        return sorted((repr(k), sorted_deep(v)) for k, v in value.items())
    if isinstance(value, list):
        return [sorted_deep(v) for v in value]
    return value
