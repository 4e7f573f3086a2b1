"""uint64 arithmetic, comparison, logic and bit operations, and the int <-> bytes conversions.

Values are Python ints kept within [0, 2**64): every op that could leave that range checks
(and panics with go's wording) or masks as go's wrapping does (shl, ~).
"""

from __future__ import annotations

from math import isqrt

from ..context import UINT64_MAX, EvalContext
from ..errors import LogicError
from .registry import arg_type_error, register, type_name


def _two_uints(cx: EvalContext, name: str) -> tuple[int, int]:
    """Pops B and returns (A, B); A stays on the stack for the op to overwrite."""
    stack = cx.stack
    b = stack.pop()
    a = stack[-1]
    if type(a) is not int or type(b) is not int:
        raise arg_type_error(name, (a, b))
    return a, b


@register("+", self_checked=True)
def op_add(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    b = stack.pop()
    a = stack[-1]
    if type(a) is not int or type(b) is not int:
        raise arg_type_error("+", (a, b))
    a += b
    if a > UINT64_MAX:
        raise LogicError("+ overflowed")
    stack[-1] = a


@register("-", self_checked=True)
def op_sub(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    b = stack.pop()
    a = stack[-1]
    if type(a) is not int or type(b) is not int:
        raise arg_type_error("-", (a, b))
    if b > a:
        raise LogicError("- would result negative")
    stack[-1] = a - b


@register("*", self_checked=True)
def op_mul(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, "*")
    a *= b
    if a > UINT64_MAX:
        raise LogicError("* overflowed")
    cx.stack[-1] = a


@register("/", self_checked=True)
def op_div(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, "/")
    if not b:
        raise LogicError("/ 0")
    cx.stack[-1] = a // b


@register("%", self_checked=True)
def op_mod(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, "%")
    if not b:
        raise LogicError("% 0")
    cx.stack[-1] = a % b


@register("<", self_checked=True)
def op_lt(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    b = stack.pop()
    a = stack[-1]
    if type(a) is not int or type(b) is not int:
        raise arg_type_error("<", (a, b))
    stack[-1] = 1 if a < b else 0


@register(">", self_checked=True)
def op_gt(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, ">")
    cx.stack[-1] = 1 if a > b else 0


@register("<=", self_checked=True)
def op_le(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, "<=")
    cx.stack[-1] = 1 if a <= b else 0


@register(">=", self_checked=True)
def op_ge(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, ">=")
    cx.stack[-1] = 1 if a >= b else 0


@register("&&", self_checked=True)
def op_and(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, "&&")
    cx.stack[-1] = 1 if a and b else 0


@register("||", self_checked=True)
def op_or(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, "||")
    cx.stack[-1] = 1 if a or b else 0


@register("==", self_checked=True)
def op_eq(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    b = stack.pop()
    a = stack[-1]
    if type(a) is not type(b):
        raise LogicError(f"cannot compare ({type_name(a)} to {type_name(b)})")
    stack[-1] = 1 if a == b else 0


@register("!=", self_checked=True)
def op_ne(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    b = stack.pop()
    a = stack[-1]
    if type(a) is not type(b):
        raise LogicError(f"cannot compare ({type_name(a)} to {type_name(b)})")
    stack[-1] = 0 if a == b else 1


@register("!", self_checked=True)
def op_not(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a = stack[-1]
    if type(a) is not int:
        raise arg_type_error("!", (a,))
    stack[-1] = 0 if a else 1


@register("|", self_checked=True)
def op_bit_or(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, "|")
    cx.stack[-1] = a | b


@register("&", self_checked=True)
def op_bit_and(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, "&")
    cx.stack[-1] = a & b


@register("^", self_checked=True)
def op_bit_xor(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, "^")
    cx.stack[-1] = a ^ b


@register("~", self_checked=True)
def op_bit_not(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a = stack[-1]
    if type(a) is not int:
        raise arg_type_error("~", (a,))
    stack[-1] = a ^ UINT64_MAX


@register("shl", self_checked=True)
def op_shl(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, "shl")
    if b > 63:
        raise LogicError(f"shl arg too big, ({b})")
    cx.stack[-1] = (a << b) & UINT64_MAX


@register("shr", self_checked=True)
def op_shr(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, "shr")
    if b > 63:
        raise LogicError(f"shr arg too big, ({b})")
    cx.stack[-1] = a >> b


@register("sqrt", self_checked=True)
def op_sqrt(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a = stack[-1]
    if type(a) is not int:
        raise arg_type_error("sqrt", (a,))
    stack[-1] = isqrt(a)


@register("bitlen", self_checked=True)
def op_bitlen(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a = stack[-1]
    stack[-1] = (a if isinstance(a, int) else int.from_bytes(a, "big")).bit_length()


def _power(base: int, exponent: int, bits: int) -> int:
    """base ** exponent, failing as go does when it needs more than `bits` bits."""
    if base == 0 and exponent == 0:
        raise LogicError("0^0 is undefined")
    if base == 0:
        return 0
    if exponent == 0 or base == 1:
        return 1
    if exponent >= bits or (base.bit_length() - 1) * exponent >= bits:
        raise LogicError(f"{base}^{exponent} overflow")
    result = base**exponent
    if result.bit_length() > bits:
        raise LogicError(f"{base}^{exponent} overflow")
    return result


@register("exp", self_checked=True)
def op_exp(cx: EvalContext, imm: object) -> None:
    a, b = _two_uints(cx, "exp")
    cx.stack[-1] = _power(a, b, 64)


@register("expw", self_checked=True)
def op_expw(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a, b = stack[-2], stack[-1]
    if type(a) is not int or type(b) is not int:
        raise arg_type_error("expw", (a, b))
    result = _power(a, b, 128)
    stack[-2], stack[-1] = result >> 64, result & UINT64_MAX


@register("mulw", self_checked=True)
def op_mulw(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a, b = stack[-2], stack[-1]
    if type(a) is not int or type(b) is not int:
        raise arg_type_error("mulw", (a, b))
    product = a * b
    stack[-2], stack[-1] = product >> 64, product & UINT64_MAX


@register("addw", self_checked=True)
def op_addw(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a, b = stack[-2], stack[-1]
    if type(a) is not int or type(b) is not int:
        raise arg_type_error("addw", (a, b))
    total = a + b
    stack[-2], stack[-1] = total >> 64, total & UINT64_MAX


@register("divw", self_checked=True)
def op_divw(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    high, low, divisor = stack[-3], stack[-2], stack[-1]
    if type(high) is not int or type(low) is not int or type(divisor) is not int:
        raise arg_type_error("divw", (high, low, divisor))
    if not divisor:
        raise LogicError("divw 0")
    if divisor <= high:
        raise LogicError(f"divw overflow: {divisor} <= {high}")
    del stack[-2:]
    stack[-1] = ((high << 64) | low) // divisor


@register("divmodw", self_checked=True)
def op_divmodw(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    num_high, num_low, den_high, den_low = values = stack[-4:]
    if (
        type(num_high) is not int
        or type(num_low) is not int
        or type(den_high) is not int
        or type(den_low) is not int
    ):
        raise arg_type_error("divmodw", tuple(values))
    divisor = (den_high << 64) | den_low
    if not divisor:
        raise LogicError("/ 0")
    quotient, remainder = divmod((num_high << 64) | num_low, divisor)
    stack[-4:] = [quotient >> 64, quotient & UINT64_MAX, remainder >> 64, remainder & UINT64_MAX]


@register("itob", self_checked=True)
def op_itob(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a = stack[-1]
    if type(a) is not int:
        raise arg_type_error("itob", (a,))
    stack[-1] = a.to_bytes(8, "big")


@register("btoi", self_checked=True)
def op_btoi(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    a = stack[-1]
    if type(a) is not bytes:
        raise arg_type_error("btoi", (a,))
    if len(a) > 8:
        raise LogicError(f"btoi arg too long, got {len(a)} bytes")
    stack[-1] = int.from_bytes(a, "big")
