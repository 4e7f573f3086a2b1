"""How simulate bends and watches group evaluation, without a second evaluator.

`BlockContext.hooks` is None when a group is submitted; simulate passes a subclass of
`EvalHooks` that overrides what it needs. The base class changes nothing, so code that consults
hooks behaves exactly as without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .signatures import is_unsigned

if TYPE_CHECKING:
    from ..avm.context import Budget
    from ..avm.trace import ProgramTracer
    from .transaction import SignedTransaction


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
        """A tracer for the approval (or clear-state) program of top-level app call
        `group_index`, or None."""
        return None

    def app_ran(self, group_index: int, cost: int) -> None:
        """An app program of top-level transaction `group_index` (or one of its inner calls)
        spent `cost`."""
