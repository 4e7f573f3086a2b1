"""Running a group's logic signatures, after their signatures are checked and before it applies.

Logic sigs see only the group and the chain's constants, never account state, so they run once
per submission. Their budget is pooled: 20,000 per transaction of the group, shared by all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..avm.context import Budget, EvalContext
from ..avm.errors import LogicError
from ..avm.evaluator import evaluate
from ..avm.spec import Mode
from ..avm.views import GlobalView, GroupView
from .errors import SignatureError
from .transaction import SignedTransaction

if TYPE_CHECKING:
    from .block_context import BlockContext


def run_logic_sigs(group: list[SignedTransaction], ctx: BlockContext) -> None:
    """Raises `SignatureError` in algod's words when any logic sig fails or rejects."""
    if all(stxn.lsig is None for stxn in group):
        return
    params = ctx.params
    budget = Budget.for_logic_sigs(len(group), params.logic_sig_max_cost)
    view = GroupView([stxn.txn for stxn in group])
    constants = GlobalView.from_params(
        params, genesis_hash=ctx.genesis_hash, block_timestamp=ctx.block_timestamp,
        block_seed=ctx.block_seed, block_header=ctx.block_header,
    )  # fmt: skip
    for index, stxn in enumerate(group):
        lsig = stxn.lsig
        if lsig is None:
            continue
        hooks = ctx.hooks
        run = EvalContext(
            Mode.SIG, budget=budget, group=view, group_index=index, args=lsig.args,
            globals=constants, tracer=hooks.logic_sig_tracer(index) if hooks else None,
        )  # fmt: skip
        txid = stxn.txn.txid
        try:
            result = evaluate(lsig.program, run)
        except LogicError as exc:
            if hooks:
                hooks.logic_sig_ran(index, run.cost)
                hooks.txn_failed(index)
            details = "" if exc.pc is None else f". Details: pc={exc.pc}"
            raise SignatureError(
                f"transaction {txid}: rejected by logic err={exc.reason}{details}"
            ) from None
        if hooks:
            hooks.logic_sig_ran(index, result.cost)
        if not result.passed:
            if hooks:
                hooks.txn_failed(index)
            raise SignatureError(f"transaction {txid}: rejected by logic")
