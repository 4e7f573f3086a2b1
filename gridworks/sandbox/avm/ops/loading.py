"""Constants, logic-sig arguments and scratch space: the ops that load and store values.

`intcblock` and `bytecblock` take effect when they run (a program may run several), so
`intc`/`bytec` read the constants of the last block executed, as in go.
"""

from __future__ import annotations

from ..context import MAX_VALUE_SIZE, SCRATCH_SIZE, EvalContext, StackValue
from ..errors import LogicError
from ..program import Instruction, ProgramInfo
from .registry import arg_type_error, first_immediate, register


def _too_big(name: str, value: bytes) -> LogicError:
    return LogicError(f"{name} produced a too big ({len(value)}) byte-array")


# Constant blocks ---------------------------------------------------------------------------


@register("intcblock", prepare=first_immediate, self_checked=True)
def op_intcblock(cx: EvalContext, values: tuple[int, ...]) -> None:
    cx.intc = values


@register("bytecblock", prepare=first_immediate, self_checked=True)
def op_bytecblock(cx: EvalContext, values: tuple[bytes, ...]) -> None:
    cx.bytec = values


def _index(ins: Instruction, info: ProgramInfo) -> int:
    """The constant's index: the immediate of intc/bytec/arg, or the digit of intc_0 ..."""
    return int(ins.immediates[0]) if ins.immediates else int(ins.spec.name[-1])


def _index_and_name(ins: Instruction, info: ProgramInfo) -> tuple[int, str]:
    return _index(ins, info), ins.spec.name


@register("intc", "intc_0", "intc_1", "intc_2", "intc_3", prepare=_index, self_checked=True)
def op_intc(cx: EvalContext, index: int) -> None:
    try:
        cx.stack.append(cx.intc[index])
    except IndexError:
        raise LogicError(f"intc {index} beyond {len(cx.intc)} constants") from None


@register(
    "bytec", "bytec_0", "bytec_1", "bytec_2", "bytec_3", prepare=_index_and_name, self_checked=True
)
def op_bytec(cx: EvalContext, imm: tuple[int, str]) -> None:
    index, name = imm
    try:
        value = cx.bytec[index]
    except IndexError:
        raise LogicError(f"bytec {index} beyond {len(cx.bytec)} constants") from None
    if len(value) > MAX_VALUE_SIZE:
        raise _too_big(name, value)
    cx.stack.append(value)


# Immediate constants -----------------------------------------------------------------------


@register("pushint", prepare=first_immediate, self_checked=True)
def op_pushint(cx: EvalContext, value: int) -> None:
    cx.stack.append(value)


@register("pushbytes", prepare=first_immediate, self_checked=True)
def op_pushbytes(cx: EvalContext, value: bytes) -> None:
    if len(value) > MAX_VALUE_SIZE:
        raise _too_big("pushbytes", value)
    cx.stack.append(value)


@register("pushints", prepare=first_immediate, self_checked=True)
def op_pushints(cx: EvalContext, values: tuple[int, ...]) -> None:
    cx.stack.extend(values)


def _checked_bytes(ins: Instruction, info: ProgramInfo) -> tuple[tuple[bytes, ...], bytes | None]:
    """The constants and the first one too long to be a stack value (failing if it runs)."""
    values: tuple[bytes, ...] = ins.immediates[0]
    return values, next((v for v in values if len(v) > MAX_VALUE_SIZE), None)


@register("pushbytess", prepare=_checked_bytes, self_checked=True)
def op_pushbytess(cx: EvalContext, imm: tuple[tuple[bytes, ...], bytes | None]) -> None:
    values, too_big = imm
    if too_big is not None:
        raise _too_big("pushbytess", too_big)
    cx.stack.extend(values)


# Logic-sig arguments -----------------------------------------------------------------------


def _load_arg(cx: EvalContext, index: int) -> bytes:
    if index >= len(cx.args):
        raise LogicError(f"cannot load arg[{index}] of {len(cx.args)}")
    return cx.args[index]


@register("arg", "arg_0", "arg_1", "arg_2", "arg_3", prepare=_index, self_checked=True)
def op_arg(cx: EvalContext, index: int) -> None:
    cx.stack.append(_load_arg(cx, index))


@register("args", self_checked=True)
def op_args(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    index = stack.pop()
    if type(index) is not int:
        raise arg_type_error("args", (index,))
    stack.append(_load_arg(cx, index))


# Scratch space -----------------------------------------------------------------------------


@register("load", prepare=first_immediate, self_checked=True)
def op_load(cx: EvalContext, slot: int) -> None:
    cx.stack.append(cx.scratch[slot])


@register("store", prepare=first_immediate, self_checked=True)
def op_store(cx: EvalContext, slot: int) -> None:
    cx.scratch[slot] = cx.stack.pop()


@register("loads", self_checked=True)
def op_loads(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    slot = stack[-1]
    if type(slot) is not int:
        raise arg_type_error("loads", (slot,))
    if slot >= SCRATCH_SIZE:
        raise LogicError(f"invalid Scratch index {slot}")
    stack[-1] = cx.scratch[slot]


@register("stores", self_checked=True)
def op_stores(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    value = stack.pop()
    slot = stack.pop()
    if type(slot) is not int:
        raise arg_type_error("stores", (slot, value))
    if slot >= SCRATCH_SIZE:
        raise LogicError(f"invalid Scratch index {slot}")
    cx.scratch[slot] = value


# Other group members' scratch and created IDs (app calls only) ----------------------------


def _group_member(cx: EvalContext, op: str, index: int) -> None:
    if index >= len(cx.group):
        raise LogicError(f"{op} lookup TxnGroup[{index}] but it only has {len(cx.group)}")


def _past_scratch(cx: EvalContext, op: str, index: int, slot: int) -> StackValue:
    _group_member(cx, op, index)
    if slot >= SCRATCH_SIZE:
        raise LogicError(f"invalid Scratch index {slot}")
    if cx.group.txns[index].type != "appl":
        raise LogicError(f"can't use {op} on non-app call txn with index {index}")
    if index == cx.group_index:
        raise LogicError(f"can't use {op} on self, use load instead")
    if index > cx.group_index:
        raise LogicError(f"{op} can't get future scratch space from txn with index {index}")
    scratch = cx.group.scratch.get(index)
    if scratch is None:
        raise LogicError(f"{op} lookup of txn {index} that did not run a program")
    return scratch[slot]


@register("gload", self_checked=True)
def op_gload(cx: EvalContext, imm: tuple[int, int]) -> None:
    cx.stack.append(_past_scratch(cx, "gload", imm[0], imm[1]))


@register("gloads", prepare=first_immediate, self_checked=True)
def op_gloads(cx: EvalContext, slot: int) -> None:
    stack = cx.stack
    index = stack[-1]
    if type(index) is not int:
        raise arg_type_error("gloads", (index,))
    stack[-1] = _past_scratch(cx, "gloads", index, slot)


@register("gloadss", self_checked=True)
def op_gloadss(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    index, slot = stack[-2:]
    if type(index) is not int or type(slot) is not int:
        raise arg_type_error("gloadss", (index, slot))
    _group_member(cx, "gloadss", index)
    if slot >= SCRATCH_SIZE:
        raise LogicError(f"gloadss scratch index >= 256 ({slot})")
    value = _past_scratch(cx, "gloadss", index, slot)
    del stack[-1]
    stack[-1] = value


def _created_id(cx: EvalContext, op: str, index: int) -> int:
    _group_member(cx, op, index)
    if index > cx.group_index:
        raise LogicError(
            f"{op} can't get creatable ID of txn ahead of the current one (index {index}) in "
            "the transaction group"
        )
    if index == cx.group_index:
        raise LogicError(
            f"{op} is only for accessing creatable IDs of previous txns, use `global "
            "CurrentApplicationID` instead to access the current app's creatable ID"
        )
    if cx.group.txns[index].type not in ("appl", "acfg"):
        raise LogicError(
            f"can't use {op} on txn that is not an app call nor an asset config txn with "
            f"index {index}"
        )
    effects = cx.group.effects[index]
    created = effects.created_asset_id or effects.created_app_id
    if not created:
        raise LogicError(f"{op}: index {index} did not create anything")
    return created


@register("gaid", prepare=first_immediate, self_checked=True)
def op_gaid(cx: EvalContext, index: int) -> None:
    cx.stack.append(_created_id(cx, "gaid", index))


@register("gaids", self_checked=True)
def op_gaids(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    index = stack[-1]
    if type(index) is not int:
        raise arg_type_error("gaids", (index,))
    stack[-1] = _created_id(cx, "gaids", index)
