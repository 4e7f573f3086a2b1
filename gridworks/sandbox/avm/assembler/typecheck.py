"""The assembler's stack type tracking, which rejects programs algod rejects as mistyped.

Like go-algorand, we follow the straight-line code: each opcode pops its argument types (an
error if the stack holds a wrong type, or too few values) and pushes its result types. Control
that may enter from elsewhere (a label after unreachable code, the return from a `callsub`)
forgets what is known and allows anything below. Some opcodes refine their types from their
immediates or the tracked stack (`dup` repeats the top type, `txn Sender` gives an address ...).

Besides errors this decides one thing that changes bytecode: whether code is reachable, since an
`intcblock` or `bytecblock` in unreachable code is not the block later constants refer to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .. import spec
from .go_text import GoNumError, parse_int, parse_uint
from .literals import LiteralError, parse_byte_literal
from .stack_types import (
    ANY,
    BYTES,
    MAX_BYTES,
    NONE,
    STACK_ANY,
    STACK_BYTES,
    STACK_NONE,
    STACK_UINT64,
    STACK_ZERO,
    UINT64,
    StackType,
    make,
    named,
    sized_bytes,
    uint_constant,
)

SCRATCH_SLOTS = 256
MAX_BYTE_MATH = 64

Types = list[StackType]


@dataclass
class Knowledge:
    """What is known about the stack (and scratch space) at the instruction being assembled."""

    stack: Types = field(default_factory=list)
    # The type of values below `stack`: none at the program's start (so popping there is an
    # error), any once control may have come from elsewhere.
    bottom: StackType = STACK_NONE
    dead: bool = False  # unreachable: after an unconditional jump, until a label
    frame_pointer: int = -1  # where `proto`'s arguments end on `stack`, if known
    scratch: Types = field(default_factory=lambda: [STACK_ZERO] * SCRATCH_SLOTS)

    def pop(self) -> StackType:
        return self.stack.pop() if self.stack else self.bottom

    def top(self) -> StackType:
        return self.stack[-1] if self.stack else self.bottom

    def deaden(self) -> None:
        self.stack.clear()
        self.dead = True

    def enter_label(self) -> None:
        if self.dead:
            self.reset()

    def reset(self) -> None:
        """Forget everything: control may arrive here with anything on the stack."""
        self.stack = []
        self.bottom = STACK_ANY
        self.frame_pointer = -1
        self.dead = False
        self.scratch = [STACK_ANY] * SCRATCH_SLOTS


class TypeTrackError(Exception):
    """A refinement found the program wrong (reported as a type error at the opcode)."""


# (arguments, results) that replace the opcode's declared types; None keeps a declared list.
Refined = tuple[Types | None, Types | None]
Refiner = Callable[[Knowledge, list[str]], Refined]


def _immediate(args: list[str], index: int, signed: bool) -> int | None:
    """An immediate that parses as a byte (or int8 if `signed`), else None."""
    if len(args) <= index:
        return None
    try:
        n = parse_int(args[index], 0, 9)
    except GoNumError:
        return None
    if signed:
        return n if -128 <= n <= 127 else None
    return n if 0 <= n <= 255 else None


def _anys(n: int) -> Types:
    return [STACK_ANY] * n


def _swap(k: Knowledge, args: list[str]) -> Refined:
    swapped = [STACK_ANY, STACK_ANY]
    if k.stack:
        swapped[0] = k.stack[-1]
        if len(k.stack) >= 2:
            swapped[1] = k.stack[-2]
    return None, swapped


def _dig(k: Knowledge, args: list[str]) -> Refined:
    n = _immediate(args, 0, False)
    if n is None:
        return None, None
    depth = n + 1
    results = _anys(depth + 1)
    idx = len(k.stack) - depth
    if idx >= 0:
        results[:depth] = k.stack[idx:]
        results[-1] = k.stack[idx]
    return _anys(depth), results


def _bury(k: Knowledge, args: list[str]) -> Refined:
    n = _immediate(args, 0, False)
    if n is None:
        return None, None
    if n == 0:
        raise TypeTrackError("bury 0 always fails")
    idx = len(k.stack) - 1 - n
    if idx < 0:
        if k.bottom.avm == NONE:
            return _anys(n + 1), None  # demands more than the stack holds: an error
        return None, None
    results = k.stack[idx : idx + n]
    results[0] = k.top()
    return k.stack[idx:], results


def _frame_dig(k: Knowledge, args: list[str]) -> Refined:
    n = _immediate(args, 0, True)
    if n is None or k.frame_pointer == -1:
        return None, None
    idx = k.frame_pointer + n
    if idx < 0:
        raise TypeTrackError(f"frame_dig {n} in sub with {k.frame_pointer} args")
    if idx >= len(k.stack):
        raise TypeTrackError("frame_dig above stack")
    return None, [k.stack[idx]]


def _frame_bury(k: Knowledge, args: list[str]) -> Refined:
    n = _immediate(args, 0, True)
    if n is None:
        return None, None
    top = k.top()
    if k.frame_pointer == -1:
        # Without a frame, any tracked slot might be the one written.
        k.stack = [t if t == top else STACK_ANY for t in k.stack]
        return None, None
    idx = k.frame_pointer + n
    if idx < 0:
        raise TypeTrackError(f"frame_bury {n} in sub with {k.frame_pointer} args")
    last = len(k.stack) - 1
    if idx >= last:
        raise TypeTrackError("frame_bury above stack")
    results = k.stack[idx:last]
    results[0] = top
    return k.stack[idx:], results


def _equals(k: Knowledge, args: list[str]) -> Refined:
    if k.stack:
        widened = k.stack[-1].widened()
        return [widened, widened], None
    return None, None


def _dup(k: Knowledge, args: list[str]) -> Refined:
    if k.stack:
        return None, [k.stack[-1], k.stack[-1]]
    return None, None


def _dup2(k: Knowledge, args: list[str]) -> Refined:
    two = [STACK_ANY, STACK_ANY]
    if k.stack:
        two[1] = k.stack[-1]
        if len(k.stack) >= 2:
            two[0] = k.stack[-2]
    return None, two + two


def _select(k: Knowledge, args: list[str]) -> Refined:
    if len(k.stack) >= 3:
        return None, [k.stack[-2].union(k.stack[-3])]
    return None, None


def _setbit(k: Knowledge, args: list[str]) -> Refined:
    if len(k.stack) >= 3:
        return None, [k.stack[-3]]
    return None, None


def _cover(k: Knowledge, args: list[str]) -> Refined:
    n = _immediate(args, 0, False)
    if n is None:
        return None, None
    depth = n + 1
    results = _anys(depth)
    idx = len(k.stack) - depth
    if idx >= 0:
        results[0] = k.stack[-1]
        results[1:] = k.stack[idx:-1]
    return _anys(depth), results


def _uncover(k: Knowledge, args: list[str]) -> Refined:
    n = _immediate(args, 0, False)
    if n is None:
        return None, None
    depth = n + 1
    results = _anys(depth)
    idx = len(k.stack) - depth
    if idx >= 0:
        results[-1] = k.stack[idx]
        results[:-1] = k.stack[idx + 1 :]
    return _anys(depth), results


def _byte_math(result_size: int) -> Refiner:
    result = make(BYTES, 0, result_size)

    def refine(k: Knowledge, args: list[str]) -> Refined:
        return None, [result]

    return refine


def _store(k: Knowledge, args: list[str]) -> Refined:
    slot = _immediate(args, 0, False)
    if slot is not None and k.stack:
        k.scratch[slot] = k.stack[-1]
    return None, None


def _stores(k: Knowledge, args: list[str]) -> Refined:
    if not k.stack:
        return None, None
    value = k.stack[-1]
    if len(k.stack) >= 2:
        slot = k.stack[-2].constant()
        if slot is not None and slot < SCRATCH_SLOTS:  # (a larger one fails when run)
            k.scratch[slot] = value
            return None, None
    k.scratch = [t.union(value) for t in k.scratch]
    return None, None


def _load(k: Knowledge, args: list[str]) -> Refined:
    slot = _immediate(args, 0, False)
    if slot is None:
        return None, None
    return None, [k.scratch[slot]]


def _loads(k: Knowledge, args: list[str]) -> Refined:
    if not k.stack:
        return None, None
    slot = k.stack[-1].constant()
    if slot is not None and slot < SCRATCH_SLOTS:
        return None, [k.scratch[slot]]
    first = k.scratch[0]
    if all(t == first for t in k.scratch):
        return None, [first]
    return None, None


def _proto(k: Knowledge, args: list[str]) -> Refined:
    n_args = _immediate(args, 0, False)
    n_returns = _immediate(args, 1, False)
    if n_args is None or n_returns is None:
        return None, None
    if k.stack or k.bottom.avm != ANY:
        raise TypeTrackError("proto must be unreachable from previous PC")
    k.stack = _anys(n_args)
    k.frame_pointer = n_args
    return None, None


def _popn(k: Knowledge, args: list[str]) -> Refined:
    n = _immediate(args, 0, False)
    return (None, None) if n is None else (_anys(n), None)


def _dupn(k: Knowledge, args: list[str]) -> Refined:
    n = _immediate(args, 0, False)
    if n is None or not k.stack:
        return None, None
    return None, [k.stack[-1]] * (n + 1)


def _pushbytess(k: Knowledge, args: list[str]) -> Refined:
    return None, [STACK_BYTES] * len(args)


def _pushints(k: Knowledge, args: list[str]) -> Refined:
    return None, [STACK_UINT64] * len(args)


def _int(k: Knowledge, args: list[str]) -> Refined:
    results = []
    for arg in args:
        try:
            results.append(uint_constant(parse_uint(arg, 10)))
        except GoNumError:
            results.append(STACK_UINT64)
    return None, results


_BZERO_ARG = make(UINT64, 0, MAX_BYTES)


def _bzero(k: Knowledge, args: list[str]) -> Refined:
    return [_BZERO_ARG], [STACK_BYTES]


def _byte(k: Knowledge, args: list[str]) -> Refined:
    if not args:
        return None, [STACK_BYTES]
    try:
        value, _ = parse_byte_literal(args)
    except LiteralError:
        value = b""
    return None, [sized_bytes(len(value))]


def _txn_field(k: Knowledge, args: list[str]) -> Refined:
    """`itxn_field F` takes a value of field F's type."""
    if len(args) != 1:
        return None, None
    field = spec.field_groups()[spec.ALL_TXN_FIELDS].by_name.get(args[0])
    if field is None or field.type is None:
        return None, None
    return [named(field.type)], None


def _match(k: Knowledge, args: list[str]) -> Refined:
    return _anys(len(args) + 1), None


# How opcodes (and the `int` and `byte` pseudo-ops) refine their declared types.
REFINERS: dict[str, Refiner] = {
    "==": _equals,
    "!=": _equals,
    "load": _load,
    "store": _store,
    "loads": _loads,
    "stores": _stores,
    "bury": _bury,
    "popn": _popn,
    "dupn": _dupn,
    "dup": _dup,
    "dup2": _dup2,
    "dig": _dig,
    "swap": _swap,
    "select": _select,
    "cover": _cover,
    "uncover": _uncover,
    "setbit": _setbit,
    "pushbytess": _pushbytess,
    "pushints": _pushints,
    "proto": _proto,
    "frame_dig": _frame_dig,
    "frame_bury": _frame_bury,
    "match": _match,
    "b+": _byte_math(MAX_BYTE_MATH + 1),
    "b*": _byte_math(MAX_BYTE_MATH * 2),
    "bzero": _bzero,
    "itxn_field": _txn_field,
    "int": _int,
    "byte": _byte,
}
