"""Flow control: err, return, assert, branches, subroutines and their frames, switch and match.

Branch targets were decoded to absolute pcs and checked when the program was; an op returns
the pc to continue at, or None for the next instruction.
"""

from __future__ import annotations

from ..context import EvalContext, Frame
from ..errors import LogicError
from ..program import Instruction, ProgramInfo
from ..spec import opcodes
from .registry import arg_type_error, first_immediate, register


def _program_end(ins: Instruction, info: ProgramInfo) -> int:
    return len(info.bytecode)


def _own_pc(ins: Instruction, info: ProgramInfo) -> int:
    return ins.pc


def _labels(ins: Instruction, info: ProgramInfo) -> tuple[int, ...]:
    return tuple(ins.immediates[0])


def _call(ins: Instruction, info: ProgramInfo) -> tuple[int, int, bool]:
    """(target, return pc, whether the target is a `proto`, which must follow a callsub)."""
    target = int(ins.immediates[0])
    proto = opcodes(info.version).by_name.get("proto")
    lands_on_proto = (
        proto is not None and target < len(info.bytecode) and info.bytecode[target] == proto.opcode
    )
    return target, ins.next_pc, lands_on_proto


@register("err", self_checked=True)
def op_err(cx: EvalContext, imm: object) -> None:
    raise LogicError("err opcode executed")


@register("return", prepare=_program_end, self_checked=True)
def op_return(cx: EvalContext, end: int) -> int:
    stack = cx.stack
    top = stack[-1]
    if type(top) is not int:
        raise arg_type_error("return", (top,))
    stack[0] = top
    del stack[1:]
    return end


@register("assert", prepare=_own_pc, self_checked=True)
def op_assert(cx: EvalContext, pc: int) -> None:
    value = cx.stack.pop()
    if type(value) is not int:
        raise arg_type_error("assert", (value,))
    if not value:
        raise LogicError(f"assert failed pc={pc}")


@register("bnz", prepare=first_immediate, self_checked=True)
def op_bnz(cx: EvalContext, target: int) -> int | None:
    value = cx.stack.pop()
    if type(value) is not int:
        raise arg_type_error("bnz", (value,))
    return target if value else None


@register("bz", prepare=first_immediate, self_checked=True)
def op_bz(cx: EvalContext, target: int) -> int | None:
    value = cx.stack.pop()
    if type(value) is not int:
        raise arg_type_error("bz", (value,))
    return None if value else target


@register("b", prepare=first_immediate, self_checked=True)
def op_b(cx: EvalContext, target: int) -> int:
    return target


@register("callsub", prepare=_call, self_checked=True)
def op_callsub(cx: EvalContext, imm: tuple[int, int, bool]) -> int:
    target, return_pc, lands_on_proto = imm
    cx.callstack.append(Frame(return_pc, len(cx.stack)))
    if lands_on_proto:
        cx.from_callsub = True
    return target


@register("retsub", self_checked=True)
def op_retsub(cx: EvalContext, imm: object) -> int:
    if not cx.callstack:
        raise LogicError("retsub with empty callstack")
    frame = cx.callstack[-1]
    if frame.clear:
        stack = cx.stack
        expect = frame.height + frame.returns
        if len(stack) < expect:
            if len(stack) < frame.height:
                raise LogicError("retsub executed with stack below frame. Did you pop args?")
            if len(stack) == frame.height:
                raise LogicError(
                    f"retsub executed with no return values on stack. proto declared "
                    f"{frame.returns}"
                )
            raise LogicError(
                f"retsub executed with {len(stack) - frame.height} return values on stack. "
                f"proto declared {frame.returns}"
            )
        base = frame.height - frame.args
        stack[base:] = stack[frame.height : expect]
    cx.callstack.pop()
    return frame.return_pc


@register("proto", self_checked=True)
def op_proto(cx: EvalContext, imm: tuple[int, int]) -> None:
    if not cx.from_callsub:
        raise LogicError("proto was executed without a callsub")
    cx.from_callsub = False
    args, returns = imm
    if args > len(cx.stack):
        raise LogicError(
            f"callsub to proto that requires {args} args with stack height {len(cx.stack)}"
        )
    frame = cx.callstack[-1]
    frame.clear = True
    frame.args = args
    frame.returns = returns


def _frame_slot(cx: EvalContext, op: str, offset: int) -> int:
    """The stack index of frame slot `offset` (negative: the subroutine's arguments)."""
    if not cx.callstack:
        raise LogicError(f"{op} with empty callstack")
    frame = cx.callstack[-1]
    if frame.clear and -offset > frame.args:
        raise LogicError(f"{op} {offset} in sub with {frame.args} args")
    return frame.height + offset


@register("frame_dig", prepare=first_immediate, self_checked=True)
def op_frame_dig(cx: EvalContext, offset: int) -> None:
    index = _frame_slot(cx, "frame_dig", offset)
    stack = cx.stack
    if index >= len(stack):
        raise LogicError("frame_dig above stack")
    if index < 0:
        raise LogicError("frame_dig below stack")
    stack.append(stack[index])


@register("frame_bury", prepare=first_immediate, self_checked=True)
def op_frame_bury(cx: EvalContext, offset: int) -> None:
    index = _frame_slot(cx, "frame_bury", offset)
    stack = cx.stack
    if index >= len(stack) - 1:
        raise LogicError("frame_bury above stack")
    if index < 0:
        raise LogicError("frame_bury below stack")
    stack[index] = stack.pop()


@register("switch", prepare=_labels, self_checked=True)
def op_switch(cx: EvalContext, targets: tuple[int, ...]) -> int | None:
    index = cx.stack.pop()
    if type(index) is not int:
        raise arg_type_error("switch", (index,))
    return targets[index] if index < len(targets) else None


@register("match", prepare=_labels, self_checked=True)
def op_match(cx: EvalContext, targets: tuple[int, ...]) -> int | None:
    stack = cx.stack
    count = len(targets)
    if count + 1 > len(stack):
        raise LogicError(
            f"match expects {count + 1} stack args while stack only contains {len(stack)}"
        )
    value = stack.pop()
    cases = stack[len(stack) - count :] if count else []
    del stack[len(stack) - count :]
    kind = type(value)
    for i, case in enumerate(cases):
        if type(case) is kind and case == value:
            return targets[i]
    return None
