"""Byte-array ops: length, slicing, bits and bytes, and byte math on big-endian integers.

Byte math (b+, b<, ...) takes inputs of at most 64 bytes and returns minimal big-endian bytes
(zero is the empty array), as go's big.Int does. b|, b& and b^ zero-extend the shorter input.
"""

from __future__ import annotations

from collections.abc import Callable
from math import isqrt

from ..context import MAX_BYTE_MATH_SIZE, MAX_VALUE_SIZE, UINT64_MAX, EvalContext
from ..errors import LogicError
from ..program import Instruction, ProgramInfo
from .registry import arg_type_error, first_immediate, register

_INT32_MAX = 2**31 - 1
_INVERTED = bytes(range(255, -1, -1))  # b~ as a translation table


def _two_immediates(ins: Instruction, info: ProgramInfo) -> tuple[int, int]:
    return ins.immediates[0], ins.immediates[1]


@register("len", self_checked=True)
def op_len(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a = stack[-1]
    if type(a) is not bytes:
        raise arg_type_error("len", (a,))
    stack[-1] = len(a)


@register("concat", self_checked=True)
def op_concat(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    b = stack.pop()
    a = stack[-1]
    if type(a) is not bytes or type(b) is not bytes:
        raise arg_type_error("concat", (a, b))
    joined = a + b
    if len(joined) > MAX_VALUE_SIZE:
        raise LogicError(f"concat produced a too big ({len(joined)}) byte-array")
    stack[-1] = joined


def _substring(value: bytes, start: int, end: int) -> bytes:
    if end < start:
        raise LogicError("substring end before start")
    if start > len(value) or end > len(value):
        raise LogicError("substring range beyond length of string")
    return value[start:end]


@register("substring", prepare=_two_immediates, self_checked=True)
def op_substring(cx: EvalContext, imm: tuple[int, int]) -> None:
    stack = cx.stack
    a = stack[-1]
    if type(a) is not bytes:
        raise arg_type_error("substring", (a,))
    stack[-1] = _substring(a, *imm)


@register("substring3", self_checked=True)
def op_substring3(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a, start, end = stack[-3:]
    if type(a) is not bytes or type(start) is not int or type(end) is not int:
        raise arg_type_error("substring3", (a, start, end))
    if start > _INT32_MAX or end > _INT32_MAX:
        raise LogicError("substring range beyond length of string")
    del stack[-2:]
    stack[-1] = _substring(a, start, end)


def extract_range(value: bytes, start: int, length: int) -> bytes:
    """value[start:start + length], or go's error (extract*, box_extract)."""
    if start > len(value):
        raise LogicError(f"extraction start {start} is beyond length: {len(value)}")
    end = start + length
    if end > UINT64_MAX:
        raise LogicError("extraction end exceeds uint64")
    if end > len(value):
        raise LogicError(f"extraction end {end} is beyond length: {len(value)}")
    return value[start:end]


@register("extract", prepare=_two_immediates, self_checked=True)
def op_extract(cx: EvalContext, imm: tuple[int, int]) -> None:
    stack = cx.stack
    a = stack[-1]
    if type(a) is not bytes:
        raise arg_type_error("extract", (a,))
    start, length = imm
    if length == 0:  # 0 means "to the end"
        length = max(len(a) - start, 0)
    stack[-1] = extract_range(a, start, length)


@register("extract3", self_checked=True)
def op_extract3(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a, start, length = stack[-3:]
    if type(a) is not bytes or type(start) is not int or type(length) is not int:
        raise arg_type_error("extract3", (a, start, length))
    del stack[-2:]
    stack[-1] = extract_range(a, start, length)


def _extract_uint(name: str, size: int) -> Callable[[EvalContext, object], None]:
    def op(cx: EvalContext, imm: object) -> None:
        stack = cx.stack
        a, start = stack[-2:]
        if type(a) is not bytes or type(start) is not int:
            raise arg_type_error(name, (a, start))
        del stack[-1]
        stack[-1] = int.from_bytes(extract_range(a, start, size), "big")

    return op


for _name, _size in (("extract_uint16", 2), ("extract_uint32", 4), ("extract_uint64", 8)):
    register(_name, self_checked=True)(_extract_uint(_name, _size))


def replace_range(original: bytes, replacement: bytes, start: int) -> bytes:
    """`original` with `replacement` written at `start`, or go's error (replace*, box_replace)."""
    if start > len(original):
        raise LogicError(f"replacement start {start} beyond length: {len(original)}")
    end = start + len(replacement)
    if end > len(original):
        raise LogicError(f"replacement end {end} beyond original length: {len(original)}")
    return original[:start] + replacement + original[end:]


@register("replace2", prepare=first_immediate, self_checked=True)
def op_replace2(cx: EvalContext, start: int) -> None:
    stack = cx.stack
    b = stack.pop()
    a = stack[-1]
    if type(a) is not bytes or type(b) is not bytes:
        raise arg_type_error("replace2", (a, b))
    stack[-1] = replace_range(a, b, start)


@register("replace3", self_checked=True)
def op_replace3(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a, start, b = stack[-3:]
    if type(a) is not bytes or type(start) is not int or type(b) is not bytes:
        raise arg_type_error("replace3", (a, start, b))
    del stack[-2:]
    stack[-1] = replace_range(a, b, start)


@register("getbit", self_checked=True)
def op_getbit(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    index = stack.pop()
    target = stack[-1]
    if type(index) is not int:
        raise arg_type_error("getbit", (target, index))
    if isinstance(target, int):
        if index > 63:
            raise LogicError("getbit index > 63 with Uint")
        stack[-1] = (target >> index) & 1
        return
    if index // 8 >= len(target):
        raise LogicError("getbit index beyond byteslice")
    stack[-1] = (target[index // 8] >> (7 - index % 8)) & 1


@register("setbit", self_checked=True)
def op_setbit(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    target, index, bit = stack[-3:]
    if type(index) is not int or type(bit) is not int:
        raise arg_type_error("setbit", (target, index, bit))
    if bit > 1:
        raise LogicError("setbit value > 1")
    if isinstance(target, int):
        if index > 63:
            raise LogicError("setbit index > 63 with Uint")
        mask = 1 << index
        result: int | bytes = target | mask if bit else target & ~mask
    else:
        if index // 8 >= len(target):
            raise LogicError("setbit index beyond byteslice")
        copy = bytearray(target)
        mask = 0x80 >> (index % 8)
        copy[index // 8] = copy[index // 8] | mask if bit else copy[index // 8] & ~mask
        result = bytes(copy)
    del stack[-2:]
    stack[-1] = result


@register("getbyte", self_checked=True)
def op_getbyte(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    index = stack.pop()
    target = stack[-1]
    if type(target) is not bytes or type(index) is not int:
        raise arg_type_error("getbyte", (target, index))
    if index >= len(target):
        raise LogicError("getbyte index beyond array length")
    stack[-1] = target[index]


@register("setbyte", self_checked=True)
def op_setbyte(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    target, index, value = stack[-3:]
    if type(target) is not bytes or type(index) is not int or type(value) is not int:
        raise arg_type_error("setbyte", (target, index, value))
    if value > 255:
        raise LogicError("setbyte value > 255")
    if index >= len(target):
        raise LogicError("setbyte index beyond array length")
    del stack[-2:]
    stack[-1] = target[:index] + bytes((value,)) + target[index + 1 :]


@register("bzero", self_checked=True)
def op_bzero(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    length = stack[-1]
    if type(length) is not int:
        raise arg_type_error("bzero", (length,))
    if length > MAX_VALUE_SIZE:
        raise LogicError("bzero attempted to create a too large string")
    stack[-1] = bytes(length)


# Byte math ---------------------------------------------------------------------------------


def _big_args(cx: EvalContext, name: str) -> tuple[int, int]:
    """Pops B, leaves A, and returns both as integers (each at most 64 bytes)."""
    stack = cx.stack
    b = stack.pop()
    a = stack[-1]
    if type(a) is not bytes or type(b) is not bytes:
        raise arg_type_error(name, (a, b))
    if len(a) > MAX_BYTE_MATH_SIZE or len(b) > MAX_BYTE_MATH_SIZE:
        raise LogicError("math attempted on large byte-array")
    return int.from_bytes(a, "big"), int.from_bytes(b, "big")


def _big_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def _big_op(name: str, compute: Callable[[int, int], int]) -> None:
    def op(cx: EvalContext, imm: object) -> None:
        a, b = _big_args(cx, name)
        cx.stack[-1] = _big_bytes(compute(a, b))

    register(name, self_checked=True)(op)


def _big_compare(name: str, compare: Callable[[int, int], bool]) -> None:
    def op(cx: EvalContext, imm: object) -> None:
        a, b = _big_args(cx, name)
        cx.stack[-1] = 1 if compare(a, b) else 0

    register(name, self_checked=True)(op)


def _subtract(a: int, b: int) -> int:
    if b > a:
        raise LogicError("byte math would have negative result")
    return a - b


def _divide(a: int, b: int) -> int:
    if not b:
        raise LogicError("division by zero")
    return a // b


def _modulo(a: int, b: int) -> int:
    if not b:
        raise LogicError("modulo by zero")
    return a % b


_big_op("b+", lambda a, b: a + b)
_big_op("b-", _subtract)
_big_op("b*", lambda a, b: a * b)
_big_op("b/", _divide)
_big_op("b%", _modulo)
_big_compare("b<", lambda a, b: a < b)
_big_compare("b>", lambda a, b: a > b)
_big_compare("b<=", lambda a, b: a <= b)
_big_compare("b>=", lambda a, b: a >= b)
_big_compare("b==", lambda a, b: a == b)
_big_compare("b!=", lambda a, b: a != b)


@register("bsqrt", self_checked=True)
def op_bsqrt(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a = stack[-1]
    if type(a) is not bytes:
        raise arg_type_error("bsqrt", (a,))
    if len(a) > MAX_BYTE_MATH_SIZE:
        raise LogicError("math attempted on large byte-array")
    stack[-1] = _big_bytes(isqrt(int.from_bytes(a, "big")))


def _bitwise(name: str, combine: Callable[[int, int], int]) -> None:
    def op(cx: EvalContext, imm: object) -> None:
        stack = cx.stack
        b = stack.pop()
        a = stack[-1]
        if type(a) is not bytes or type(b) is not bytes:
            raise arg_type_error(name, (a, b))
        size = max(len(a), len(b))
        value = combine(int.from_bytes(a, "big"), int.from_bytes(b, "big"))
        stack[-1] = value.to_bytes(size, "big")

    register(name, self_checked=True)(op)


_bitwise("b|", lambda a, b: a | b)
_bitwise("b&", lambda a, b: a & b)
_bitwise("b^", lambda a, b: a ^ b)


@register("b~", self_checked=True)
def op_bytes_not(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a = stack[-1]
    if type(a) is not bytes:
        raise arg_type_error("b~", (a,))
    stack[-1] = a.translate(_INVERTED)
