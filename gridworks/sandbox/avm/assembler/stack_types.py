"""The assembler's view of stack values: an AVM type plus bounds (a uint's value range, or a
byte-slice's length range), named as algod names them in type errors ("uint64", "[32]byte",
"bool", "[<=65]byte", "5" for a known constant ...).
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from .. import spec

MAX_UINT64 = 2**64 - 1
MAX_BYTES = 4096  # the longest byte-slice the AVM holds

NONE = "none"
ANY = "any"
UINT64 = "uint64"
BYTES = "[]byte"


class StackType(NamedTuple):
    """A stack value's type; equal only if name, AVM type and bounds all agree (as in Go)."""

    name: str
    avm: str  # NONE, ANY, UINT64 or BYTES
    low: int
    high: int

    def overlaps(self, expected: StackType) -> bool:
        """Could a value of this type be what `expected` asks for?"""
        if self.avm == NONE or expected.avm == NONE:
            return False
        if self.avm == ANY or expected.avm == ANY:
            return True
        if self.avm != expected.avm:
            return False
        return self.low <= expected.high and self.high >= expected.low

    def union(self, other: StackType) -> StackType:
        if self.avm != other.avm:
            return STACK_ANY
        return make(self.avm, min(self.low, other.low), max(self.high, other.high))

    def widened(self) -> StackType:
        if self.avm == BYTES:
            return STACK_BYTES
        if self.avm == UINT64:
            return STACK_UINT64
        return STACK_ANY

    def constant(self) -> int | None:
        """The value, if this is a uint64 known exactly."""
        if self.avm == UINT64 and self.low == self.high:
            return self.low
        return None

    @property
    def typed(self) -> bool:
        return self.avm in (UINT64, BYTES)


def make(avm: str, low: int, high: int, name: str | None = None) -> StackType:
    """A type with algod's derived name ("[3]byte", "uint64 (<= 4096)", ...) unless named."""
    if name is None:
        name = avm
        if low == high:
            if avm == BYTES:
                name = f"[{low}]byte"
            elif avm == UINT64:
                name = str(low)
        elif low == 0 and high != 0:
            if avm == BYTES and high != MAX_BYTES:
                name = f"[<={high}]byte"
            elif avm == UINT64 and high != MAX_UINT64:
                name = f"uint64 (<= {high})"
        elif low != 0 and high != 0:
            if avm == BYTES:
                name = f"[{low}-{high}]byte"
            elif avm == UINT64:
                name = f"uint64 ({low}-{high})"
    return StackType(name, avm, low, high)


STACK_NONE = StackType(NONE, NONE, 0, 0)
STACK_ANY = StackType(ANY, ANY, 0, 0)
STACK_UINT64 = make(UINT64, 0, MAX_UINT64)
STACK_BYTES = make(BYTES, 0, MAX_BYTES)
STACK_ZERO = make(UINT64, 0, 0, "0")

_SIZED_BYTES = re.compile(r"^\[(\d+)\]byte$")


@cache
def named(type_name: str) -> StackType:
    """The stack type the language spec names ("uint64", "address", "[32]byte" ...)."""
    sized = _SIZED_BYTES.match(type_name)
    if sized:
        size = int(sized[1])
        return make(BYTES, size, size, type_name)
    known = spec.stack_types()[type_name]
    if known.avm_type == ANY:
        return STACK_ANY
    if known.avm_type == NONE:
        return STACK_NONE
    low, high = known.bound
    return make(known.avm_type, low, high, type_name)


def uint_constant(value: int) -> StackType:
    return make(UINT64, value, value)


def sized_bytes(length: int) -> StackType:
    return make(BYTES, length, length, f"[{length}]byte")
