"""AVM bytecode to TEAL text, in algod's words (/v2/teal/disassemble), reassembling to the same
bytes: constant blocks stay explicit, and branch targets (and subroutines, at `proto`) get
labels `label1`, `label2` ... in the order they are first needed.

Malformed bytecode (an unknown opcode, truncated or unknown immediates, a version above
`MAX_VERSION`) raises `DisassemblyError` (a `LogicError` and a `ValueError`), with algod's message.
"""

from __future__ import annotations

from ..encoding import encode_address
from .errors import DisassemblyError
from .spec import ALL_TXN_FIELDS, MAX_VERSION, Encoding, OpSpec, field_groups, opcodes
from .wire import decode_varuint

__all__ = ["DisassemblyError", "disassemble"]


def _guess(value: bytes) -> str:
    """How algod comments a byte constant: an address, a printable string, or hex."""
    if len(value) == 32:
        return f"addr {encode_address(value)}"
    if all(32 <= b <= 126 for b in value):
        escaped = value.decode("ascii").replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    return "0x" + value.hex()


def _uvarint(program: bytes, pc: int) -> tuple[int, int] | None:
    try:
        return decode_varuint(program, pc)
    except ValueError:
        return None


def _target(program: bytes, pc: int, end: int) -> int:
    return end + int.from_bytes(program[pc : pc + 2], "big", signed=True)


class _Disassembly:
    def __init__(self, program: bytes, labels: dict[int, str]) -> None:
        self.program = program
        self.labels = labels
        self.label_count = 0
        self.rerun = False
        self.intc: list[int] = []
        self.bytec: list[bytes] = []

    def label_for(self, target: int, pc: int) -> str:
        if target in self.labels:
            return self.labels[target]
        self.label_count += 1
        label = f"label{self.label_count}"
        self.labels[target] = label
        if target <= pc:
            self.rerun = True  # a back jump: its label was already passed, go round again
        return label

    def int_list(self, pc: int) -> tuple[list[int], int]:
        program = self.program
        count_end = _uvarint(program, pc)
        if count_end is None:
            raise DisassemblyError(f"could not decode length of int list at pc={pc}", pc)
        count, pc = count_end
        if count > len(program):
            raise DisassemblyError("const int list with too many items", pc)
        values = []
        for i in range(count):
            if pc >= len(program):
                raise DisassemblyError("const int list ran past end of program", pc)
            item = _uvarint(program, pc)
            if item is None:
                raise DisassemblyError(f"could not decode int const[{i}] at pc={pc}", pc)
            value, pc = item
            values.append(value)
        return values, pc

    def bytes_list(self, pc: int) -> tuple[list[bytes], int]:
        program = self.program
        count_end = _uvarint(program, pc)
        if count_end is None:
            raise DisassemblyError(f"could not decode length of bytes list at pc={pc}", pc)
        count, pc = count_end
        if count > len(program):
            raise DisassemblyError("const bytes list with too many items", pc)
        values = []
        for i in range(count):
            if pc >= len(program):
                raise DisassemblyError("const bytes list ran past end of program", pc)
            item = _uvarint(program, pc)
            if item is None:
                raise DisassemblyError(f"could not decode []byte const[{i}] at pc={pc}", pc)
            length, pc = item
            if pc + length > len(program):
                raise DisassemblyError("const bytes list ran past end of program", pc)
            values.append(program[pc : pc + length])
            pc += length
        return values, pc

    def instruction(self, op: OpSpec, start: int) -> tuple[str, int]:
        """The text of the instruction at `start`, and where the next one starts."""
        program = self.program
        parts = [op.name]
        pc = start + 1
        for imm in op.immediates:
            name = imm.name.lower()
            encoding = imm.encoding
            if encoding in (Encoding.UINT8, Encoding.INT8):
                if pc + 1 > len(program):
                    raise DisassemblyError(
                        f"program end while reading immediate {name} for {op.name}", start
                    )
                byte = program[pc]
                if imm.group:
                    group = ALL_TXN_FIELDS if op.name == "itxn_field" else imm.group
                    field = field_groups()[group].by_code.get(byte)
                    if field is None:
                        raise DisassemblyError(
                            f"invalid immediate {name} for {op.name}: {byte}", start
                        )
                    text = field.name
                elif encoding is Encoding.INT8:
                    text = str(byte - 256 if byte > 127 else byte)
                else:
                    text = str(byte)
                if op.name == "intc" and byte < len(self.intc):
                    text += f" // {self.intc[byte]}"
                if op.name == "bytec" and byte < len(self.bytec):
                    text += f" // {_guess(self.bytec[byte])}"
                parts.append(text)
                pc += 1
            elif encoding is Encoding.INT16:
                if pc + 2 > len(program):
                    raise DisassemblyError(f"program end while reading label for {op.name}", start)
                parts.append(self.label_for(_target(program, pc, pc + 2), start))
                pc += 2
            elif encoding is Encoding.VARUINT:
                item = _uvarint(program, pc)
                if item is None:
                    raise DisassemblyError(
                        f"could not decode immediate {name} for {op.name}", start
                    )
                parts.append(str(item[0]))
                pc = item[1]
            elif encoding is Encoding.BYTES:
                item = _uvarint(program, pc)
                if item is None or item[1] + item[0] > len(program):
                    raise DisassemblyError(
                        f"could not decode immediate {name} for {op.name}", start
                    )
                length, pc = item
                value = program[pc : pc + length]
                parts.append(f"0x{value.hex()} // {_guess(value)}")
                pc += length
            elif encoding is Encoding.INT_BLOCK:
                ints, pc = self.int_list(pc)
                if op.name == "intcblock":
                    self.intc = ints
                parts.append(" ".join(str(v) for v in ints))
            elif encoding is Encoding.BYTES_BLOCK:
                values, pc = self.bytes_list(pc)
                if op.name == "bytecblock":
                    self.bytec = values
                parts.append(" ".join(f"0x{v.hex()}" for v in values))
            else:  # LABELS: a one-byte count, then int16 offsets from the instruction's end
                if pc >= len(program):
                    raise DisassemblyError(f"could not decode label count for {op.name}", start)
                count = program[pc]
                pc += 1
                end = pc + 2 * count
                if end > len(program):
                    raise DisassemblyError(f"could not decode labels for {op.name}", start)
                targets = [_target(program, pc + 2 * i, end) for i in range(count)]
                parts.append(" ".join(self.label_for(t, start) for t in targets))
                pc = end
        text = " ".join(parts)
        prefix, _, index = op.name.rpartition("_")
        if prefix in ("intc", "bytec") and index.isdigit():
            n = int(index)
            if prefix == "intc" and n < len(self.intc):
                text += f" // {self.intc[n]}"
            elif prefix == "bytec" and n < len(self.bytec):
                text += f" // {_guess(self.bytec[n])}"
        return text, pc

    def run(self) -> str:
        program = self.program
        header = _uvarint(program, 0)
        if header is None:
            raise DisassemblyError("invalid version", 0)
        version, pc = header
        if version > MAX_VERSION:
            raise DisassemblyError(f"unsupported version {version}", 0)
        table = opcodes(max(version, 1)).by_opcode
        lines = [f"#pragma version {version}"]
        while pc < len(program):
            if pc in self.labels:
                lines.append(f"{self.labels[pc]}:")
            op = table.get(program[pc])
            if op is None:
                raise DisassemblyError(f"invalid opcode {program[pc]:02x} at pc={pc}", pc)
            if op.name == "proto" and pc not in self.labels:
                # a subroutine no callsub reaches still needs a label to reassemble
                self.label_for(pc, pc)
            text, pc = self.instruction(op, pc)
            lines.append(text)
        if pc in self.labels:
            lines.append(f"{self.labels[pc]}:")
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
