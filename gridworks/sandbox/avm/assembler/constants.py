"""The constants `int`, `byte`, `addr` and `method` name, and where they end up.

Without an explicit `intcblock`/`bytecblock`, the assembler collects these constants into
blocks it puts at the program's start, referring to them with `intc_0`.. `intc N` (and
`bytec..`). From version 4 it then optimises as go-algorand does: constants used once become
`pushint`/`pushbytes`, and the rest are ordered by how often they are used (first use breaking
ties), so the most used get the one-byte `intc_0`..`intc_3`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

from ..spec import OpTable
from ..wire import encode_varuint

SHORT_FORMS = 4  # intc_0 .. intc_3

Value = TypeVar("Value", int, bytes)


class Edit(NamedTuple):
    """Replace `length` bytes at `position` of the pending program with `data`."""

    position: int
    length: int
    data: bytes


@dataclass
class ConstantPool(Generic[Value]):
    """The int (or byte) constants seen so far, and every pseudo-op use of them."""

    kind: str  # "int" or "byte": names the opcodes (intc, intcblock, pushint ...)
    values: list[Value] = field(default_factory=list)
    positions: dict[Value, int] = field(default_factory=dict)
    uses: list[tuple[int, Value]] = field(default_factory=list)  # (pc, value) of each use
    explicit_blocks: int = 0  # how many intcblock/bytecblock the program has (live ones)
    pseudo_used: bool = False  # has a pseudo-op (`int`, `byte` ...) used the pool?

    @property
    def block_op(self) -> str:
        return f"{self.kind}cblock"

    @property
    def load_op(self) -> str:
        return f"{self.kind}c"

    @property
    def push_op(self) -> str:
        return "pushint" if self.kind == "int" else "pushbytes"

    def index_of(self, value: Value) -> int | None:
        return self.positions.get(value)

    def add(self, value: Value) -> int:
        self.values.append(value)
        index = len(self.values) - 1
        self.positions.setdefault(value, index)
        return index

    def replace(self, values: list[Value]) -> None:
        """An explicit block: these are now the constants (first index wins for repeats)."""
        self.values = values
        self.positions = {}
        for index, value in enumerate(values):
            self.positions.setdefault(value, index)
        self.uses = []

    def load_bytes(self, index: int, table: OpTable) -> bytes:
        """The instruction that loads constant `index`: `intc_2`, or `intc 7`. (Past 255 the
        index wraps, as go-algorand's does when optimising more than 256 constants.)"""
        if index < SHORT_FORMS:
            return bytes([table.by_name[f"{self.load_op}_{index}"].opcode])
        return bytes([table.by_name[self.load_op].opcode, index & 0xFF])

    def push_bytes(self, value: Value, table: OpTable) -> bytes:
        opcode = table.by_name[self.push_op].opcode
        if isinstance(value, int):
            return bytes([opcode]) + encode_varuint(value)
        return bytes([opcode]) + encode_varuint(len(value)) + value

    def block_bytes(self, table: OpTable) -> bytes:
        out = bytearray([table.by_name[self.block_op].opcode])
        out += encode_varuint(len(self.values))
        for value in self.values:
            if isinstance(value, int):
                out += encode_varuint(value)
            else:
                out += encode_varuint(len(value)) + value
        return bytes(out)

    def optimize(self, pending: bytes | bytearray, table: OpTable) -> list[Edit]:
        """Reorder the pool by use and rewrite its uses; returns the rewrites to apply."""
        if self.explicit_blocks:
            return []
        counts = {value: 0 for value in self.values}
        for _, value in self.uses:
            counts[value] += 1
        # a stable sort: equally used constants keep their first-use order
        ranked = sorted(counts, key=lambda value: -counts[value])
        rank = {value: index for index, value in enumerate(ranked)}
        short = {table.by_name[f"{self.load_op}_{i}"].opcode for i in range(SHORT_FORMS)}
        edits = []
        for position, value in self.uses:
            old_length = 1 if pending[position] in short else 2
            if counts[value] == 1:
                data = self.push_bytes(value, table)
            else:
                data = self.load_bytes(rank[value], table)
            edits.append(Edit(position, old_length, data))
        self.values = [value for value in ranked if counts[value] > 1]
        self.positions = {value: index for index, value in enumerate(self.values)}
        self.uses = []
        return edits
