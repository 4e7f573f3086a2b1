"""`block`: the seed and timestamp of a recent block (v7+, both modes).

Only the rounds a transaction could have been issued for are readable, those within
MaxTxnLife before its FirstValid (go: availableRound). Headers come from the chain's view
(`GlobalView.block_seed` / `block_timestamp`), as go reads them from the signature ledger:
logic sigs may read them too, without any app state.
"""

from __future__ import annotations

from collections.abc import Callable

from ..context import EvalContext, StackValue
from ..errors import LogicError
from ..program import Instruction, ProgramInfo
from ..spec import field_groups
from .registry import register
from .transaction import available_round


def _seed(cx: EvalContext, rnd: int) -> StackValue:
    lookup = cx.globals.block_seed
    seed = lookup(rnd) if lookup is not None else None
    if seed is None:
        raise LogicError("no block header access")
    return seed


def _timestamp(cx: EvalContext, rnd: int) -> StackValue:
    lookup = cx.globals.block_timestamp
    timestamp = lookup(rnd) if lookup is not None else None
    if timestamp is None:
        raise LogicError("no block header access")
    if timestamp < 0:
        raise LogicError(f"block({rnd}) timestamp {timestamp} < 0")
    return timestamp


BLOCK_FIELDS: dict[str, Callable[[EvalContext, int], StackValue]] = {
    "BlkSeed": _seed,
    "BlkTimestamp": _timestamp,
}

Field = tuple[Callable[[EvalContext, int], StackValue] | None, str]


def _field(ins: Instruction, info: ProgramInfo) -> Field:
    code = ins.immediates[0]
    spec = field_groups()["block Fields"].by_code.get(code)
    if spec is None or spec.version > info.version:
        name = spec.name if spec is not None else f"BlockField({code})"
        return None, f"invalid block field {name}"
    return BLOCK_FIELDS[spec.name], ""


@register("block", prepare=_field)
def op_block(cx: EvalContext, field: Field) -> None:
    stack = cx.stack
    rnd = stack[-1]
    assert type(rnd) is int  # the loop checked the type
    rnd = available_round(cx, rnd)
    read, error = field
    if read is None:
        raise LogicError(error)
    stack[-1] = read(cx, rnd)
