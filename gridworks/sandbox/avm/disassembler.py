"""AVM bytecode to TEAL text, in algod's words (/v2/teal/disassemble), reassembling to the same
bytes: constant blocks stay explicit, and branch targets (and subroutines, at `proto`) get
labels `label1`, `label2` ... in the order they are first needed. From v13, a program with no
application-only opcode whose address is on the ed25519 curve (so was not assembled with the
assembler's salt) says `#pragma autosalt false`, so that it reassembles unsalted.

Malformed bytecode (an unknown opcode, truncated or unknown immediates, a version above
`MAX_VERSION`) raises `DisassemblyError` (a `LogicError` and a `ValueError`), with algod's message.
"""

from __future__ import annotations

from typing import Any

from ..encoding import encode_address
from .assembler.autosalt import address_on_curve
from .errors import DisassemblyError, LogicError
from .immediates import ImmediateError, decode_immediate
from .program import opcode_error
from .spec import (
    ALL_TXN_FIELDS,
    LOGICSIG_OFF_CURVE_VERSION,
    MAX_VERSION,
    MIN_VERSION,
    Encoding,
    Immediate,
    Mode,
    OpSpec,
    field_groups,
    opcodes,
)
from .version_prefix import program_version

__all__ = ["DisassemblyError", "disassemble"]


def _guess(value: bytes) -> str:
    """How algod comments a byte constant: an address, a printable string, or hex."""
    if len(value) == 32:
        return f"addr {encode_address(value)}"
    if all(32 <= b <= 126 for b in value):
        escaped = value.decode("ascii").replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    return "0x" + value.hex()


class _Disassembly:
    def __init__(self, program: bytes, labels: dict[int, str]) -> None:
        self.program = program
        self.labels = labels
        self.label_count = 0
        self.rerun = False
        self.intc: list[int] = []
        self.bytec: list[bytes] = []
        self.has_stateful_ops = False

    def label_for(self, target: int, pc: int) -> str:
        if target in self.labels:
            return self.labels[target]
        self.label_count += 1
        label = f"label{self.label_count}"
        self.labels[target] = label
        if target <= pc:
            self.rerun = True  # a back jump: its label was already passed, go round again
        return label

    def instruction(self, op: OpSpec, start: int) -> tuple[str, int]:
        """The text of the instruction at `start`, and where the next one starts."""
        parts = [op.name]
        pc = start + len(op.code)
        for imm in op.immediates:
            try:
                value, pc = decode_immediate(self.program, pc, op, imm)
            except ImmediateError as exc:
                raise DisassemblyError(exc.disassembly_reason, start) from None
            parts.append(self.immediate_text(op, imm, value, start))
        text = " ".join(parts)
        prefix, _, index = op.name.rpartition("_")
        if prefix in ("intc", "bytec") and index.isdigit():
            n = int(index)
            if prefix == "intc" and n < len(self.intc):
                text += f" // {self.intc[n]}"
            elif prefix == "bytec" and n < len(self.bytec):
                text += f" // {_guess(self.bytec[n])}"
        return text, pc

    def immediate_text(self, op: OpSpec, imm: Immediate, value: Any, start: int) -> str:
        encoding = imm.encoding
        if encoding in (Encoding.UINT8, Encoding.INT8):
            if imm.group:
                group = ALL_TXN_FIELDS if op.name == "itxn_field" else imm.group
                field = field_groups()[group].by_code.get(value)
                if field is None:
                    raise DisassemblyError(
                        f"invalid immediate {imm.name.lower()} for {op.name}: {value}", start
                    )
                text = field.name
            else:
                text = str(value)
            if op.name == "intc" and value < len(self.intc):
                text += f" // {self.intc[value]}"
            if op.name == "bytec" and value < len(self.bytec):
                text += f" // {_guess(self.bytec[value])}"
            return text
        if encoding is Encoding.INT16 or encoding is Encoding.VARINT_LABEL:
            return self.label_for(value, start)
        if encoding is Encoding.VARUINT:
            return str(value)
        if encoding is Encoding.BYTES:
            return f"0x{value.hex()} // {_guess(value)}"
        if encoding is Encoding.INT_BLOCK:
            if op.name == "intcblock":
                self.intc = list(value)
            return " ".join(str(v) for v in value)
        if encoding is Encoding.BYTES_BLOCK:
            if op.name == "bytecblock":
                self.bytec = list(value)
            return " ".join(f"0x{v.hex()}" for v in value)
        return " ".join(self.label_for(target, start) for target in value)  # LABELS

    def run(self) -> str:
        program = self.program
        try:
            version, pc = program_version(program)
        except LogicError:  # go's disassembler says "invalid version" for an empty program too
            raise DisassemblyError("invalid version", 0) from None
        if version > MAX_VERSION:
            raise DisassemblyError(f"unsupported version {version}", 0)
        table = opcodes(max(version, MIN_VERSION))
        lines = [f"#pragma version {version}"]
        while pc < len(program):
            if pc in self.labels:
                lines.append(f"{self.labels[pc]}:")
            op = table.lookup(program, pc)
            if op is None:
                raise DisassemblyError(opcode_error(table, program, pc), pc)
            if op.modes == Mode.APP:
                self.has_stateful_ops = True
            if op.name == "proto" and pc not in self.labels:
                # a subroutine no callsub reaches still needs a label to reassemble
                self.label_for(pc, pc)
            text, pc = self.instruction(op, pc)
            lines.append(text)
        if pc in self.labels:
            lines.append(f"{self.labels[pc]}:")
        if (
            version >= LOGICSIG_OFF_CURVE_VERSION
            and not self.has_stateful_ops
            and address_on_curve(program)
        ):
            lines.insert(1, "#pragma autosalt false")
        return "\n".join(lines) + "\n"


def disassemble(bytecode: bytes, *, typetrack: bool = True) -> str:
    """TEAL text for `bytecode`, as algod's disassembler writes it.

    Bytecode keeps no types, and the assembler's type tracking may object to text its source
    avoided (say with `#pragma typetrack false`); `typetrack=False` adds that pragma, so the
    text reassembles to the same bytes whatever the program does.
    """
    first = _Disassembly(bytecode, {})
    text = first.run()
    if first.rerun:
        text = _Disassembly(bytecode, first.labels).run()
    if not typetrack:
        version_line, _, rest = text.partition("\n")
        text = f"{version_line}\n#pragma typetrack false\n{rest}"
    return text
