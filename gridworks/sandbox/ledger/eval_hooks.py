"""How simulate bends and watches group evaluation, without a second evaluator.

`BlockContext.hooks` is None when a group is submitted; simulate passes a subclass of
`EvalHooks` that overrides what it needs. The base class changes nothing, so code that consults
hooks behaves exactly as without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .signatures import is_unsigned

if TYPE_CHECKING:
    from ..avm.context import AppCallContext, Budget
    from ..avm.trace import ProgramTracer
    from ..avm.unnamed import UnnamedResources
    from .apply.common import ApplyData
    from .transaction import SignedTransaction, Transaction


class EvalHooks:
    """No-op hooks; see `ledger/simulate.py` for the ones simulate uses."""

    allow_empty_signatures: bool = False

    def skips_signature(self, stxn: SignedTransaction) -> bool:
        """True for a transaction with no sig, msig or lsig when empty signatures are allowed
        (go signs those with a proxy key instead: the same as not checking them)."""
        return self.allow_empty_signatures and is_unsigned(stxn)

    def logic_sig_tracer(self, group_index: int) -> ProgramTracer | None:
        """A tracer for the logic sig of transaction `group_index`, or None."""
        return None

    def logic_sig_ran(self, group_index: int, cost: int) -> None:
        """The logic sig of transaction `group_index` spent `cost` (also when it failed)."""

    def app_budget_pooled(self, budget: Budget) -> None:
        """Called once per top-level group with its pooled app budget, before any app runs;
        simulate adds its extra opcode budget to it here."""

    def app_tracer(self, group_index: int, clear_state: bool) -> ProgramTracer | None:
        """A tracer for the approval (or clear-state) program about to run under top-level
        transaction `group_index` (an inner call's when `inner_txn_started` is open), or
        None."""
        return None

    def app_ran(self, group_index: int, cost: int) -> None:
        """An app program of top-level transaction `group_index` (or one of its inner calls)
        spent `cost`."""

    def inner_budget_added(self, amount: int) -> None:
        """An inner group added `amount` to the pooled app budget (700 per app call)."""

    def unnamed_resources(self, txns: list[Transaction]) -> UnnamedResources | None:
        """The policy for resources the top-level group `txns` did not name, or None (the
        AVM then refuses them, as consensus does)."""
        return None

    def app_started(self, group_index: int, program: bytes, call: AppCallContext) -> None:
        """An app program of top-level transaction `group_index` is about to run as `call`
        (inner calls too); `app_ran` follows it. Simulate lifts the log caps here."""

    def inner_txn_started(self, group_index: int) -> None:
        """An inner transaction under top-level transaction `group_index` is about to apply;
        `inner_txn_finished` follows it, also when it fails."""

    def inner_txn_finished(self) -> None:
        """The inner transaction last started is done."""

    def txn_applied(self, group_index: int, apply_data: ApplyData) -> None:
        """Top-level transaction `group_index` applied (a later one may still fail)."""

    def txn_failed(self, group_index: int) -> None:
        """Top-level transaction `group_index` failed a check or its application, or the inner
        transaction open under it (between `inner_txn_started` and `inner_txn_finished`)
        failed; called as the error passes, innermost first."""
