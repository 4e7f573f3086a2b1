"""`AppRun`: what the app calls of one transaction group share while it is applied (go: the
EvalParams of a group): its view for `gtxn`/`gload`, the pooled opcode budget, the chain globals,
and the apps calling (for inner groups). A group without app calls never builds one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..avm.context import MAX_APP_PROGRAM_COST, Budget
from ..avm.group_resources import GroupResources
from ..avm.views import GlobalView, GroupView, TxnEffects

if TYPE_CHECKING:
    from ..avm.context import AppCallContext, EvalContext
    from .apply.common import ApplyData
    from .block_context import BlockContext
    from .state import Overlay
    from .transaction import Transaction


@dataclass(slots=True)
class AppRun:
    ctx: BlockContext
    view: GroupView
    budget: Budget
    globals: GlobalView
    callers: tuple[int, ...] = ()
    top_index: int = 0  # for an inner group: the top-level transaction it runs under
    caller_app: AppCallContext | None = None  # for an inner group: the calling app's call

    def top_level_index(self, index: int) -> int:
        """The top-level transaction a member `index` of this group runs under."""
        return self.top_index if self.callers else index

    @classmethod
    def for_group(
        cls, txns: list[Transaction], ctx: BlockContext, latest_timestamp: int,
        logic_sig_bytes: int = 0,
    ) -> AppRun:  # fmt: skip
        """A top-level group's: 700 opcodes for each of its app calls, pooled.
        `logic_sig_bytes`: its logic sigs' programs, which its fees pay for (V42)."""
        calls = sum(1 for txn in txns if txn.type == "appl")
        globals_ = GlobalView.from_params(
            ctx.params, genesis_hash=ctx.genesis_hash, round=ctx.round,
            latest_timestamp=latest_timestamp, block_timestamp=ctx.block_timestamp,
            block_seed=ctx.block_seed, block_header=ctx.block_header,
        )  # fmt: skip
        budget = Budget.for_apps(calls)
        view = GroupView(txns, logic_sig_bytes=logic_sig_bytes)
        if ctx.hooks is not None:
            ctx.hooks.app_budget_pooled(budget)
            unnamed = ctx.hooks.unnamed_resources(txns)
            if unnamed is not None:
                view.resources = GroupResources(view, globals_.min_txn_fee)
                view.resources.unnamed = unnamed
        return cls(ctx, view, budget, globals_)

    def inner(self, caller: EvalContext, txns: list[Transaction], top_index: int) -> AppRun:
        """An inner group's: it shares the top-level group's resources, budget and globals."""
        assert caller.app is not None
        view = GroupView(txns, resources=caller.group.resources)
        callers = (*caller.app.callers, caller.app_id)
        return AppRun(self.ctx, view, caller.budget, caller.globals, callers, top_index, caller.app)

    def add_budget(self, app_calls: int) -> None:
        """go adds 700 to the pool for every app call of an inner group before it runs."""
        self.budget.remaining += app_calls * MAX_APP_PROGRAM_COST
        if self.ctx.hooks is not None:
            self.ctx.hooks.inner_budget_added(app_calls * MAX_APP_PROGRAM_COST)

    def apply(
        self, ov: Overlay, txn: Transaction, ad: ApplyData, index: int,
        authorize: Callable[[], None] = lambda: None,
    ) -> None:  # fmt: skip
        """Applies an inner transaction, as a top-level one is applied, after `authorize`
        (which checks its sender, as go does once the inner transaction has started)."""
        from .apply.dispatch import apply_transaction

        hooks = self.ctx.hooks
        if hooks is None:
            authorize()
            apply_transaction(ov, txn, ad, self.ctx, ov.next_index(), self, index)
            return
        hooks.inner_txn_started(self.top_index)
        try:
            authorize()
            apply_transaction(ov, txn, ad, self.ctx, ov.next_index(), self, index)
        except Exception:
            hooks.txn_failed(self.top_index)
            raise
        finally:
            hooks.inner_txn_finished()

    def record_effects(self, index: int, ad: ApplyData) -> None:
        """What member `index` created and logged, for later members (gaid, gitxn ... Logs)."""
        effects = self.view.effects
        while len(effects) <= index:
            effects.append(TxnEffects())
        effects[index] = TxnEffects(ad.created_asset, ad.created_app, tuple(ad.logs))
