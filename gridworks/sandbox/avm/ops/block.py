"""`block`: fields of a recent block's header (v7+, both modes).

Only the rounds a transaction could have been issued for are readable, those within
MaxTxnLife before its FirstValid (go: availableRound). Headers come from the chain's view
(`GlobalView.block_seed` / `block_timestamp`, and `block_header` for the fields of v11 and
v13), as go reads them from the signature ledger: logic sigs may read them too, without any
app state. A field the stored header lacks reads as go's zero value: the sandbox's blocks have
no proposer (BlkProposer is the zero address, BlkProposerPayout and BlkBonus are 0).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...encoding import ZERO_ADDRESS
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


def _header(key: str, zero: Any) -> Callable[[EvalContext, int], StackValue]:
    """A header field by its msgpack key (go's codec names), `zero` when the header lacks it."""

    def read(cx: EvalContext, rnd: int) -> StackValue:
        lookup = cx.globals.block_header
        header = lookup(rnd) if lookup is not None else None
        if header is None:
            raise LogicError("no block header access")
        value = header.get(key, zero)
        if isinstance(value, str):
            return value.encode()
        return value if isinstance(value, int) else bytes(value)

    return read


BLOCK_FIELDS: dict[str, Callable[[EvalContext, int], StackValue]] = {
    "BlkSeed": _seed,
    "BlkTimestamp": _timestamp,
    "BlkProposer": _header("prp", ZERO_ADDRESS),
    "BlkFeesCollected": _header("fc", 0),
    "BlkBonus": _header("bi", 0),
    "BlkBranch": _header("prev", bytes(32)),
    "BlkFeeSink": _header("fees", ZERO_ADDRESS),
    "BlkProtocol": _header("proto", b""),
    "BlkTxnCounter": _header("tc", 0),
    "BlkProposerPayout": _header("pp", 0),
    "BlkBranch512": _header("prev512", bytes(64)),
    "BlkSha512_256TxnCommitment": _header("txn", bytes(32)),
    "BlkSha256TxnCommitment": _header("txn256", bytes(32)),
    "BlkSha512TxnCommitment": _header("txn512", bytes(64)),
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
