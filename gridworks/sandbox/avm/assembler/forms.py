"""What each mnemonic means at an AVM version: the opcode it assembles, its stack types, and
how it is assembled. Built once per version from `spec.py` (no opcode facts live here).

Besides opcodes, TEAL has pseudo-ops: `int`, `byte`, `addr` and `method` name constants, and a
few names choose an opcode by how many immediates they are given (`txn F` is `txn`, `txn F I`
is `txna`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .. import spec
from ..spec import Encoding, OpSpec
from .stack_types import STACK_ANY, STACK_BYTES, STACK_UINT64, StackType, named
from .typecheck import REFINERS, Refiner

if TYPE_CHECKING:
    from .assembly import Assembly
    from .lexer import Token

Handler = Callable[["Assembly", "Form", "Token", "list[Token]"], None]

ANY_COUNT = -1  # a pseudo-op that takes any number of immediates itself

# Mnemonics that name a different opcode by their number of immediates.
COUNTED_PSEUDO_OPS: dict[str, tuple[str, ...]] = {
    "txn": ("txn", "txna"),
    "gtxn": ("gtxn", "gtxna"),
    "gtxns": ("gtxns", "gtxnsa"),
    "extract": ("extract3", "extract"),
    "replace": ("replace3", "replace2"),
}
# Pseudo-ops for constants, with the type they push.
CONSTANT_PSEUDO_OPS: dict[str, StackType] = {
    "int": STACK_UINT64,
    "byte": STACK_BYTES,
    "addr": STACK_BYTES,
    "method": STACK_BYTES,
}
PSEUDO_OP_NAMES = frozenset(COUNTED_PSEUDO_OPS) | frozenset(CONSTANT_PSEUDO_OPS)


@dataclass(frozen=True, eq=False)
class Form:
    """One way to assemble a mnemonic."""

    name: str  # as written, e.g. "txn" (even when it assembles `txna`)
    spec: OpSpec | None  # the opcode; None for constant pseudo-ops
    version: int  # the first version that has it
    args: tuple[StackType, ...]
    returns: tuple[StackType, ...]
    refine: Refiner | None
    handler: Handler


@dataclass(frozen=True)
class VersionForms:
    """Everything the assembler looks up by mnemonic at one version."""

    version: int
    table: spec.OpTable
    ops: dict[str, Form]
    pseudo_ops: dict[str, dict[int, Form]]
    field_names: frozenset[str]  # every field name of the version's opcodes


def table_version(version: int) -> int:
    """Version 0 programs use version 1's opcodes."""
    return max(version, spec.MIN_VERSION)


def _handler_for(op: OpSpec, table: spec.OpTable) -> Handler:
    from . import instructions as asm

    if op.name in ("intcblock", "bytecblock"):
        return asm.constant_block
    if f"{op.name}_0" in table.by_name:  # intc, bytec, arg: have short forms for 0..3
        return asm.shortcut_index
    encodings = {imm.encoding for imm in op.immediates}
    if Encoding.INT16 in encodings:
        return asm.branch
    if Encoding.VARINT_LABEL in encodings:
        return asm.varint_branch
    if Encoding.LABELS in encodings:
        return asm.switch
    if Encoding.VARUINT in encodings:
        return asm.push_int
    if Encoding.BYTES in encodings:
        return asm.push_bytes
    if Encoding.INT_BLOCK in encodings:
        return asm.push_ints
    if Encoding.BYTES_BLOCK in encodings:
        return asm.push_bytess
    if op.name == "itxn_field":
        return asm.itxn_field
    if op.name == "app_params_set":
        return asm.app_params_set
    if op.name in ("itxn", "gitxn"):  # with one more immediate: itxna, gitxna
        return asm.scalar_or_array
    if op.name == "substring":
        return asm.substring
    return asm.default


def _form(name: str, op: OpSpec, table: spec.OpTable) -> Form:
    return Form(
        name=name,
        spec=op,
        version=op.version,
        args=tuple(named(t) for t in op.args),
        returns=tuple(named(t) for t in op.returns),
        refine=REFINERS.get(op.name),
        handler=_handler_for(op, table),
    )


def _constant_form(name: str) -> Form:
    from . import instructions as asm

    handlers: dict[str, Handler] = {
        "int": asm.int_constant,
        "byte": asm.byte_constant,
        "addr": asm.addr_constant,
        "method": asm.method_constant,
    }
    return Form(
        name=name,
        spec=None,
        version=0,
        args=(),
        returns=(CONSTANT_PSEUDO_OPS[name],),
        refine=REFINERS.get(name),
        handler=handlers[name],
    )


@cache
def forms(version: int) -> VersionForms:
    table = spec.opcodes(table_version(version))
    newest = spec.opcodes(spec.MAX_VERSION)
    ops = {name: _form(name, op, table) for name, op in table.by_name.items()}
    pseudo: dict[str, dict[int, Form]] = {
        name: {ANY_COUNT: _constant_form(name)} for name in CONSTANT_PSEUDO_OPS
    }
    for name, targets in COUNTED_PSEUDO_OPS.items():
        by_count: dict[int, Form] = {}
        for target in targets:
            op = table.by_name.get(target) or newest.by_name[target]
            form = _form(name, op, table)
            by_count[len(op.immediates)] = form
        pseudo[name] = by_count
    field_names = frozenset(
        field_name
        for op in table.by_name.values()
        for imm in op.immediates
        if imm.group
        for field_name in spec.field_groups()[imm.group].by_name
    )
    return VersionForms(version, table, ops, pseudo, field_names)


def merged_form(name: str, by_count: dict[int, Form]) -> Form | None:
    """A stand-in for a counted pseudo-op given a wrong number of immediates, so type tracking
    goes on: its types are those all its forms agree on (any where they differ), or None if
    they do not even agree on how many values they pop and push."""
    from . import instructions as asm

    candidates = list(by_count.values())
    first = candidates[0]
    args, returns = list(first.args), list(first.returns)
    for other in candidates[1:]:
        if len(other.args) != len(args) or len(other.returns) != len(returns):
            return None
        args = [a if a == b else STACK_ANY for a, b in zip(args, other.args, strict=True)]
        returns = [a if a == b else STACK_ANY for a, b in zip(returns, other.returns, strict=True)]
    return Form(
        name=name,
        spec=None,
        version=min(f.version for f in candidates),
        args=tuple(args),
        returns=tuple(returns),
        refine=None,
        handler=asm.nothing,
    )
