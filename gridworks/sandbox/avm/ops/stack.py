"""Stack manipulation: pop, dup, dup2, dig, bury, cover, uncover, swap, select, popn, dupn."""

from __future__ import annotations

from ..context import MAX_STACK_DEPTH, EvalContext
from ..errors import LogicError
from .registry import arg_type_error, first_immediate, register


@register("pop", self_checked=True)
def op_pop(cx: EvalContext, imm: object) -> None:
    cx.stack.pop()


@register("dup", self_checked=True)
def op_dup(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    stack.append(stack[-1])


@register("dup2", self_checked=True)
def op_dup2(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    stack.extend(stack[-2:])


@register("swap", self_checked=True)
def op_swap(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    stack[-1], stack[-2] = stack[-2], stack[-1]


@register("select", self_checked=True)
def op_select(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    condition = stack.pop()
    if type(condition) is not int:
        raise arg_type_error("select", (stack[-2], stack[-1], condition))
    chosen = stack.pop()
    if condition:
        stack[-1] = chosen


@register("dig", prepare=first_immediate, self_checked=True)
def op_dig(cx: EvalContext, depth: int) -> None:
    stack = cx.stack
    if depth >= len(stack):
        raise LogicError(f"dig {depth} with stack size = {len(stack)}")
    stack.append(stack[-1 - depth])


@register("bury", prepare=first_immediate, self_checked=True)
def op_bury(cx: EvalContext, depth: int) -> None:
    stack = cx.stack
    index = len(stack) - 1 - depth
    if index < 0 or depth == 0:
        raise LogicError("bury outside stack")
    stack[index] = stack.pop()


@register("cover", prepare=first_immediate, self_checked=True)
def op_cover(cx: EvalContext, depth: int) -> None:
    stack = cx.stack
    if depth >= len(stack):
        raise LogicError(f"cover {depth} with stack size = {len(stack)}")
    stack.insert(len(stack) - 1 - depth, stack.pop())


@register("uncover", prepare=first_immediate, self_checked=True)
def op_uncover(cx: EvalContext, depth: int) -> None:
    stack = cx.stack
    if depth >= len(stack):
        raise LogicError(f"uncover {depth} with stack size = {len(stack)}")
    stack.append(stack.pop(len(stack) - 1 - depth))


@register("popn", prepare=first_immediate, self_checked=True)
def op_popn(cx: EvalContext, count: int) -> None:
    stack = cx.stack
    if count > len(stack):
        raise LogicError(f"popn {count} while stack contains {len(stack)}")
    if count:
        del stack[-count:]


@register("dupn", prepare=first_immediate, self_checked=True)
def op_dupn(cx: EvalContext, count: int) -> None:
    stack = cx.stack
    if len(stack) + count > MAX_STACK_DEPTH:
        raise LogicError("stack overflow")
    stack.extend([stack[-1]] * count)
