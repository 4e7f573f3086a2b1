"""Reading an instruction's immediate operands out of bytecode, as `spec.py`'s table describes
them: the one decoder behind the program checker (`program.py`) and the disassembler.

An immediate decodes to: an int (uint8, int8, varuint), bytes, a tuple of ints or of byte
strings (the constant blocks), the absolute target pc of a branch offset, or a tuple of
absolute targets (the label lists of `switch` and `match`). Before v13 a branch offset is an
int16 counted from the end of the instruction; from v13 (`b`, `bz`, `bnz`, `callsub`) it is a
zigzag varint: a non-negative offset counts from the end of the instruction, a negative one from
its start (so an instruction's size never depends on where it jumps back to). Whether a target
is allowed (inside the program, on an instruction, backwards at all) is the checker's business,
not the decoder's.

go words the same failure differently when checking a program and when disassembling it, so an
`ImmediateError` carries both texts: `reason` (the checker's) and `disassembly_reason`.
"""

from __future__ import annotations

from typing import Any

from .errors import LogicError
from .spec import Encoding, Immediate, OpSpec
from .wire import decode_int16, decode_varint, decode_varuint

__all__ = ["ImmediateError", "decode_immediate", "decode_immediates"]


class ImmediateError(LogicError):
    """Immediates that do not decode: `reason` as go's checker words it, `disassembly_reason`
    as its disassembler does."""

    def __init__(self, reason: str, disassembly_reason: str | None = None) -> None:
        super().__init__(reason)
        self.disassembly_reason = disassembly_reason or reason


def decode_immediates(
    code: bytes, pc: int, spec: OpSpec, *, strict_byte_blocks: bool = False
) -> tuple[tuple[Any, ...], int]:
    """Every immediate of the instruction `spec` at `pc`, and the pc after them.

    `strict_byte_blocks`: refuse a byte block whose last constant is empty and ends the program,
    as go's checker did before consensus v13 (its disassembler accepts it)."""
    pos = pc + len(spec.code)  # after the opcode, and the sub-opcode of a two-byte opcode
    values = []
    for imm in spec.immediates:
        value, pos = decode_immediate(code, pos, spec, imm, strict_byte_blocks=strict_byte_blocks)
        values.append(value)
    return tuple(values), pos


def decode_immediate(
    code: bytes, pos: int, spec: OpSpec, imm: Immediate, *, strict_byte_blocks: bool = False
) -> tuple[Any, int]:
    """The immediate `imm` of `spec` that starts at `pos`, and the position after it."""
    encoding = imm.encoding
    if encoding is Encoding.UINT8 or encoding is Encoding.INT8:
        if pos >= len(code):
            raise _truncated(spec, f"immediate {imm.name.lower()}")
        byte = code[pos]
        if encoding is Encoding.INT8 and byte > 127:
            byte -= 256
        return byte, pos + 1
    if encoding is Encoding.INT16:
        if pos + 2 > len(code):
            raise _truncated(spec, "label")
        end = pos + 2
        return end + decode_int16(code, pos), end
    if encoding is Encoding.VARINT_LABEL:
        return _varint_label(code, pos, spec)
    if encoding is Encoding.VARUINT:
        try:
            return decode_varuint(code, pos)
        except ValueError:
            raise ImmediateError(
                f"could not decode int at program[{pos}]", _undecodable(spec, imm)
            ) from None
    if encoding is Encoding.BYTES:
        return _byte_string(code, pos, spec, imm)
    if encoding is Encoding.INT_BLOCK:
        return _int_block(code, pos)
    if encoding is Encoding.BYTES_BLOCK:
        return _byte_block(code, pos, strict_byte_blocks)
    if encoding is Encoding.LABELS:
        return _labels(code, pos, spec)
    raise ImmediateError(f"{spec.name} has an immediate encoding the evaluator cannot read")


def _varint_label(code: bytes, pos: int, spec: OpSpec) -> tuple[int, int]:
    """A v13 branch: a zigzag varint, forward from the instruction's end, back from its start."""
    offset, read = decode_varint(code, pos)
    if read <= 0:
        reason = "program ends without branch target" if read == 0 else _VARINT_OVERFLOW
        raise ImmediateError(reason, f"could not decode label for {spec.name}")
    end = pos + read
    start = pos - 1
    target = start + offset if offset < 0 else end + offset
    return _wrap_int64(target), end


_VARINT_OVERFLOW = "branch offset varint overflows int64"


def _wrap_int64(value: int) -> int:
    """`value` as Go's int arithmetic leaves it (a huge offset wraps round)."""
    return (value + 2**63) % 2**64 - 2**63


def _truncated(spec: OpSpec, what: str) -> ImmediateError:
    return ImmediateError(
        "program ends without immediate value(s)",
        f"program end while reading {what} for {spec.name}",
    )


def _undecodable(spec: OpSpec, imm: Immediate) -> str:
    return f"could not decode immediate {imm.name.lower()} for {spec.name}"


def _byte_string(code: bytes, pos: int, spec: OpSpec, imm: Immediate) -> tuple[bytes, int]:
    try:
        length, pos = decode_varuint(code, pos)
    except ValueError:
        raise ImmediateError(
            f"could not decode length at program[{pos}]", _undecodable(spec, imm)
        ) from None
    if pos + length > len(code):
        raise ImmediateError(f"pushbytes too long at program[{pos}]", _undecodable(spec, imm))
    return code[pos : pos + length], pos + length


def _count(code: bytes, pos: int, what: str) -> tuple[int, int]:
    try:
        count, after = decode_varuint(code, pos)
    except ValueError:
        raise ImmediateError(f"could not decode length of {what} list at pc={pos}") from None
    if count > len(code):
        raise ImmediateError(f"const {what} list with too many items")
    return count, after


def _int_block(code: bytes, pos: int) -> tuple[tuple[int, ...], int]:
    count, pos = _count(code, pos, "int")
    values = []
    for i in range(count):
        if pos >= len(code):
            raise ImmediateError("const int list ran past end of program")
        try:
            value, pos = decode_varuint(code, pos)
        except ValueError:
            raise ImmediateError(f"could not decode int const[{i}] at pc={pos}") from None
        values.append(value)
    return tuple(values), pos


def _byte_block(code: bytes, pos: int, strict: bool) -> tuple[tuple[bytes, ...], int]:
    count, pos = _count(code, pos, "bytes")
    values = []
    for i in range(count):
        if pos >= len(code):
            raise ImmediateError("const bytes list ran past end of program")
        try:
            length, pos = decode_varuint(code, pos)
        except ValueError:
            raise ImmediateError(f"could not decode []byte const[{i}] at pc={pos}") from None
        if pos + length > len(code):
            raise ImmediateError("const bytes list ran past end of program")
        values.append(code[pos : pos + length])
        pos += length
    if strict and values and pos == len(code) and not values[-1]:
        # go's checker (before consensus v13) reports an empty last constant that ends the
        # program as running past its end; no program on chain can depend on the difference.
        raise ImmediateError("const bytes list ran past end of program")
    return tuple(values), pos


def _labels(code: bytes, pos: int, spec: OpSpec) -> tuple[tuple[int, ...], int]:
    """switch and match: a one-byte count of int16 offsets from the end of the list."""
    if pos >= len(code):
        raise ImmediateError(
            f"bare {spec.name} opcode at end of program",
            f"could not decode label count for {spec.name}",
        )
    count = code[pos]
    end = pos + 1 + 2 * count
    if end > len(code):
        raise ImmediateError(
            f"{spec.name} opcode claims to extend beyond program",
            f"could not decode labels for {spec.name}",
        )
    targets = tuple(end + decode_int16(code, pos + 1 + 2 * i) for i in range(count))
    return targets, end
