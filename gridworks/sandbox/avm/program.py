"""Decoding and checking a program once, before it runs (go: `check`).

`check_program` walks the bytecode instruction by instruction, as go's checker does: each opcode
must exist in the program's version and mode, its immediates must be whole, and every branch
must land on an instruction start inside the program. It yields a `Program` whose `steps` hold,
per pc, everything the run loop needs (implementation, decoded immediates, next pc, cost), so
evaluation never parses bytes. Malformed bytecode raises `LogicError` with go's reason and the pc.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import LogicError
from .immediates import decode_immediates
from .ops.registry import implementation, unsupported, with_type_checks
from .spec import (
    BACK_BRANCH_VERSION,
    BRANCH_TO_END_VERSION,
    MAX_VERSION,
    MIN_VERSION,
    Encoding,
    FieldGroup,
    Mode,
    OpSpec,
    OpTable,
    field_groups,
)
from .spec import opcodes as opcode_table
from .version_prefix import program_version

# What the run loop unpacks per instruction: (implementation, prepared immediates, next pc,
# constant cost, stack arguments, per-length cost (per_chunk, chunk, depth from top) or None).
Step = tuple[Callable[..., Any], Any, int, int, int, "tuple[int, int, int] | None"]


@dataclass(frozen=True, slots=True)
class Instruction:
    """One decoded instruction: the facts of the bytecode, before any implementation is bound.

    `immediates` holds one decoded value per immediate of the spec: an int for uint8, int8 and
    varuint; bytes; a tuple for int and byte blocks; an absolute target pc for a branch label
    (int16, or from v13 a zigzag varint); a tuple of absolute target pcs for a label list.
    """

    pc: int
    spec: OpSpec
    immediates: tuple[Any, ...]
    next_pc: int
    cost: int  # the constant part: all of it unless `per_length` is set
    per_length: tuple[int, int, int] | None


@dataclass(frozen=True, slots=True)
class ProgramInfo:
    """What an op's `prepare` may need to know about the program around an instruction."""

    bytecode: bytes
    version: int
    mode: Mode


@dataclass(frozen=True)
class Program:
    """A checked program: its instructions, and the run loop's steps bound to implementations."""

    bytecode: bytes
    version: int
    mode: Mode
    start: int  # the pc of the first instruction, after the version prefix
    instructions: tuple[Instruction, ...]
    steps: tuple[Step | None, ...]  # by pc; None inside an instruction

    def at(self, pc: int) -> Instruction:
        for ins in self.instructions:
            if ins.pc == pc:
                return ins
        raise KeyError(pc)

    @property
    def static_cost(self) -> int:
        """The sum of every instruction's cost, as pre-v4 programs are bounded by."""
        return sum(ins.cost for ins in self.instructions)

    def static_cost_overrun(self, budget: int) -> int | None:
        """The pc where the running sum of costs first exceeds `budget`, or None."""
        total = 0
        for ins in self.instructions:
            total += ins.cost
            if total > budget:
                return ins.pc
        return None


def check_program(bytecode: bytes, mode: Mode) -> Program:
    """Decodes and checks `bytecode` for `mode` (Mode.SIG or Mode.APP); cached per program."""
    return _check(bytes(bytecode), Mode(mode))


@lru_cache(maxsize=512)
def _check(bytecode: bytes, mode: Mode) -> Program:
    version, start = program_version(bytecode)
    if version > MAX_VERSION:
        raise LogicError(
            f"program version {version} greater than max supported version {MAX_VERSION}"
        )
    version = max(version, MIN_VERSION)  # v0 runs as v1: the first AVM's programs named none
    instructions = _Decoder(bytecode, version, mode).decode(start)
    info = ProgramInfo(bytecode, version, mode)
    steps: list[Step | None] = [None] * len(bytecode)
    for ins in instructions:
        try:
            steps[ins.pc] = _bind(ins, info)
        except Exception as exc:  # a bug in an op's prepare must still look like a LogicError
            raise LogicError(f"internal error preparing {ins.spec.name}: {exc!r}", ins.pc) from exc
    return Program(bytecode, version, mode, start, tuple(instructions), tuple(steps))


def _bind(ins: Instruction, info: ProgramInfo) -> Step:
    spec = ins.spec
    impl = implementation(spec.name)
    if impl is None:
        fn, imm = unsupported(spec.name), None
    else:
        fn = impl.fn if impl.self_checked else with_type_checks(impl.fn, spec)
        imm = impl.prepare(ins, info) if impl.prepare is not None else ins.immediates
    return (fn, imm, ins.next_pc, ins.cost, len(spec.args), ins.per_length)


class _Decoder:
    """One pass over the bytecode, in go's order, so errors come out in go's order."""

    def __init__(self, bytecode: bytes, version: int, mode: Mode) -> None:
        self.code = bytecode
        self.version = version
        self.mode = mode
        self.table = opcode_table(version)
        size = len(bytecode) + 1  # a branch may target the end of the program
        self.starts = bytearray(size)
        self.targets = bytearray(size)

    def decode(self, pc: int) -> list[Instruction]:
        out = []
        while pc < len(self.code):
            try:
                ins = self.instruction(pc)
            except LogicError as err:
                raise LogicError(err.reason, pc) from None
            inside = self.targets.find(1, pc + 1, ins.next_pc)
            if inside >= 0:
                raise LogicError(f"branch target {inside} is not an aligned instruction", pc)
            out.append(ins)
            pc = ins.next_pc
        return out

    def instruction(self, pc: int) -> Instruction:
        self.starts[pc] = 1
        spec = self.table.lookup(self.code, pc)
        if spec is None:
            raise LogicError(opcode_error(self.table, self.code, pc))
        if not spec.modes & self.mode:
            raise LogicError(f"{spec.name} not allowed in current mode")
        immediates, next_pc = decode_immediates(self.code, pc, spec, strict_byte_blocks=True)
        for imm, value in zip(spec.immediates, immediates, strict=True):
            if imm.encoding is Encoding.INT16:
                self.branch(value, next_pc)
            elif imm.encoding is Encoding.VARINT_LABEL:
                if not 0 <= value <= len(self.code):
                    raise LogicError(f"branch target {value} outside of program")
                self.note_target(value, next_pc)
            elif imm.encoding is Encoding.LABELS:
                for target in value:
                    if not 0 <= target <= len(self.code):
                        raise LogicError(f"branch target {target} outside of program")
                    self.note_target(target, next_pc)
        cost, per_length = _cost(spec, immediates)
        if cost <= 0:
            raise LogicError(f"{spec.name} reported non-positive cost")
        return Instruction(pc, spec, immediates, next_pc, cost, per_length)

    def branch(self, target: int, end: int) -> None:
        """Checks the target of an int16 branch whose instruction ends at `end`."""
        offset = target - end
        if offset < 0 and self.version < BACK_BRANCH_VERSION:
            raise LogicError(f"negative branch offset {offset:x}")
        limit = len(self.code) + (1 if self.version >= BRANCH_TO_END_VERSION else 0)
        if not 0 <= target < limit:
            raise LogicError(f"branch target {target} outside of program")
        self.note_target(target, end)

    def note_target(self, target: int, end: int) -> None:
        if target < end and not self.starts[target]:
            raise LogicError(f"back branch target {target} is not an aligned instruction")
        self.targets[target] = 1


def opcode_error(table: OpTable, code: bytes, pc: int) -> str:
    """Why the byte(s) at `pc` name no opcode of `table`, in go's words."""
    opcode = code[pc]
    if opcode in table.sub_ops:
        if pc + 1 >= len(code):
            return f"prefix opcode 0x{opcode:02x} missing sub-opcode"
        return f"prefix opcode 0x{opcode:02x} with improper sub-opcode 0x{code[pc + 1]:02x}"
    return f"illegal opcode 0x{opcode:02x}"


def _cost(spec: OpSpec, immediates: tuple[Any, ...]) -> tuple[int, tuple[int, int, int] | None]:
    """(constant cost, per-length part) of an instruction; by-field costs resolve here."""
    cost = spec.cost
    constant, per_chunk, chunk = cost.constant, cost.per_chunk, cost.chunk
    if cost.by_field:
        constant = per_chunk = chunk = 0
        group = _field_group(spec)
        index = next(i for i, imm in enumerate(spec.immediates) if imm.group)
        field = group.by_code.get(immediates[index]) if group is not None else None
        for name, field_constant, field_per_chunk, field_chunk in cost.by_field:
            if field is not None and name == field.name:
                constant, per_chunk, chunk = field_constant, field_per_chunk, field_chunk
    if per_chunk and chunk and cost.length_of is not None:
        depth = len(spec.args) - 1 - cost.length_of
        return constant, (per_chunk, chunk, depth)
    return constant, None


def _field_group(spec: OpSpec) -> FieldGroup | None:
    name = spec.field_group
    return field_groups().get(name) if name else None
