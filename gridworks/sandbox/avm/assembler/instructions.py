"""How each kind of instruction becomes bytes (go-algorand's asm functions).

A handler gets the form being assembled, the mnemonic token and the immediate tokens; it writes
to `asm.pending` and raises `Failure` for an error that ends the statement (after writing what
go-algorand would have written, so later positions match in the error report).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...encoding import encode_address, sha512_256
from ..spec import (
    ALL_TXN_FIELDS,
    BACK_BRANCH_VERSION,
    Encoding,
    OpSpec,
    field_group_of,
    field_groups,
    named_int_constants,
)
from ..wire import encode_varuint
from .assembly import Failure, LabelUse, fail_after, fail_at, join_counts
from .constants import ConstantPool
from .go_codecs import CorruptInput, b32_decode_unpadded
from .go_text import GoNumError, go_quote, parse_int, parse_uint
from .lexer import Token
from .literals import LiteralError, parse_byte_literal, parse_string_literal
from .method_signature import signature_problem
from .stack_types import MAX_BYTES, named

if TYPE_CHECKING:
    from .assembly import Assembly
    from .forms import Form

MAX_LABELS = 255
VARINT_BRANCH_ROOM = 3  # bytes first reserved for a varint branch offset (up to +-2**20)
APP_PARAMS_GROUP = "app_params Fields"  # what app_params_get reads; app_params_set sets some


def _op(form: Form) -> OpSpec:
    assert form.spec is not None
    return form.spec


def check_count(name: str, mnemonic: Token, args: list[Token], expected: int) -> None:
    offered = len(args)
    if offered == expected:
        return
    every = [mnemonic, *args]
    if offered > expected:
        at = every[expected + 1]
        line, column = at.line, at.column
    else:
        at = every[offered]
        line, column = at.line, at.column + len(at.text)
    plural = "" if expected == 1 else "s"
    raise Failure(line, column, f"{name} expects {expected} immediate argument{plural}")


def byte_immediate(text: str, label: str) -> int:
    """A 0..255 immediate; ValueError carries algod's message."""
    try:
        value = parse_uint(text)
    except GoNumError:
        raise ValueError(f"unable to parse {label} {go_quote(text)} as integer") from None
    if value > 255:
        raise ValueError(f"{label} beyond 255: {value}")
    return value


def _is_byte(text: str) -> bool:
    try:
        byte_immediate(text, "")
    except ValueError:
        return False
    return True


def nothing(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    """A pseudo-op given the wrong number of immediates (already reported)."""


def default(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    """An opcode and its one-byte immediates: numbers, or field names."""
    op = _op(form)
    name = form.name
    immediates = op.immediates
    check_count(name, mnemonic, args, len(immediates))
    asm.pending += op.code  # with the sub-opcode of a two-byte opcode
    pseudo = asm.forms.pseudo_ops.get(name)
    for i, imm in enumerate(immediates):
        text = args[i].text
        if imm.encoding is Encoding.INT8:
            try:
                value = parse_int(text, 10, 8)
            except GoNumError:
                raise fail_at(
                    args[i], f"{name} unable to parse {imm.name.lower()} {go_quote(text)} as int8"
                ) from None
            asm.pending.append(value & 0xFF)
            continue
        if imm.group is None:
            try:
                value = byte_immediate(text, imm.name.lower())
            except ValueError as exc:
                if str(exc).startswith("unable to parse"):
                    _fail_if_another_position_fits(asm, form, args, i, text, want_field=True)
                raise fail_at(args[i], f"{name} {exc}") from None
            asm.pending.append(value)
            continue
        field = field_groups()[imm.group].by_name.get(text)
        if field is None:
            if _is_byte(text):
                _fail_if_another_position_fits(asm, form, args, i, text, want_field=False)
            if pseudo is not None:
                counts = [
                    count
                    for count, other in pseudo.items()
                    if other.spec is not None
                    for other_imm in other.spec.immediates
                    if other_imm.group and text in field_groups()[other_imm.group].by_name
                ]
                if counts:
                    raise fail_at(
                        args[i],
                        f"{go_quote(text)} field of {name} can only be used with "
                        f"{join_counts('immediate', counts)}",
                    )
            raise fail_at(args[i], f"{name} unknown field: {go_quote(text)}")
        if field.type is not None:
            field_type = named(field.type)
            if field_type.typed:
                asm.refine_result(len(op.returns), field_type)
        if field.version > asm.effective_version:
            raise fail_at(
                args[i],
                f"{name} {text} field was introduced in v{field.version}. Missed #pragma version?",
            )
        asm.pending.append(field.code)


def _fail_if_another_position_fits(
    asm: Assembly, form: Form, args: list[Token], i: int, text: str, want_field: bool
) -> None:
    """A number where a field goes (or a field where a number goes) fits another immediate of
    the opcode: fail saying which, as algod does."""
    immediates = _op(form).immediates
    fits = [
        str(j + 1)
        for j, other in enumerate(immediates)
        if other.encoding is Encoding.UINT8
        and (
            other.group is not None and text in field_groups()[other.group].by_name
            if want_field
            else other.group is None
        )
    ]
    if not fits:
        return
    where = form.name
    if form.name in asm.forms.pseudo_ops:
        where += " with " + join_counts("immediate", [len(args)])
    raise fail_at(
        args[i], f"{where} can only use {go_quote(text)} as immediate {' or '.join(fits)}"
    )


def substring(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    default(asm, form, mnemonic, args)
    if parse_uint(args[1].text) < parse_uint(args[0].text):
        raise fail_at(args[0], "substring end is before start")


def scalar_or_array(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    """`itxn F` / `gitxn T F`, or with one more immediate their array forms `itxna`, `gitxna`."""
    scalar_count = len(_op(form).immediates)
    if len(args) == scalar_count:
        default(asm, form, mnemonic, args)
    elif len(args) == scalar_count + 1:
        default(asm, asm.forms.ops[f"{form.name}a"], mnemonic, args)
    else:
        raise fail_at(
            mnemonic,
            f"{form.name} expects {scalar_count} or {scalar_count + 1} immediate arguments",
        )


def itxn_field(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    op = _op(form)
    check_count(form.name, mnemonic, args, 1)
    text = args[0].text
    field = field_groups()[ALL_TXN_FIELDS].by_name.get(text)
    if field is None:
        raise fail_at(args[0], f"{form.name} unknown field: {go_quote(text)}")
    settable_fields = field_group_of(op)  # by the version from which each may be set
    assert settable_fields is not None
    settable = settable_fields.by_name.get(text)
    if settable is None:
        raise fail_at(args[0], f"{form.name} {go_quote(text)} is not allowed.")
    if settable.version > asm.effective_version:
        raise fail_at(
            args[0],
            f"{form.name} {text} field was introduced in v{settable.version}. "
            "Missed #pragma version?",
        )
    asm.pending += bytes([op.opcode, field.code])


def branch(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    op = _op(form)
    check_count(form.name, mnemonic, args, 1)
    start = len(asm.pending)
    asm.label_uses.append(LabelUse(start + 1, args[0], start + op.size))
    asm.pending += bytes([op.opcode, 0, 0])


def varint_branch(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    """A v13 branch: room for a 3-byte varint offset, shrunk to fit once the layout is known."""
    op = _op(form)
    check_count(form.name, mnemonic, args, 1)
    start = len(asm.pending)
    end = start + 1 + VARINT_BRANCH_ROOM
    asm.label_uses.append(LabelUse(start + 1, args[0], end, varint=True))
    asm.pending.append(op.opcode)
    asm.pending += bytes(VARINT_BRANCH_ROOM)


def app_params_set(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    """`app_params_set F`: F must be an app parameter, and one that may be set."""
    op = _op(form)
    check_count(form.name, mnemonic, args, 1)
    text = args[0].text
    if text not in field_groups()[APP_PARAMS_GROUP].by_name:
        raise fail_at(args[0], f"{form.name} unknown field: {go_quote(text)}")
    settable_fields = field_group_of(op)
    assert settable_fields is not None
    settable = settable_fields.by_name.get(text)
    if settable is None:
        raise fail_at(args[0], f"{form.name} {go_quote(text)} is not settable.")
    if settable.version > asm.effective_version:
        raise fail_at(
            args[0],
            f"{form.name} {text} field is settable in v{settable.version}. Missed #pragma version?",
        )
    asm.pending += op.code + bytes([settable.code])


def switch(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    op = _op(form)
    if len(args) > MAX_LABELS:
        raise fail_at(args[MAX_LABELS], f"{form.name} cannot take more than 255 labels")
    asm.pending += bytes([op.opcode, len(args)])
    end = len(asm.pending) + 2 * len(args)
    for label in args:
        asm.label_uses.append(LabelUse(len(asm.pending), label, end))
        asm.pending += b"\0\0"


# -- constants ---------------------------------------------------------------------------


def _parse_uints(asm: Assembly, args: list[Token]) -> list[int]:
    """Numbers for a block or `pushints`: bad ones are reported and assembly goes on."""
    values = []
    asm.pending += encode_varuint(len(args))
    for token in args:
        try:
            value = parse_uint(token.text)
        except GoNumError as exc:
            asm.record_failure(fail_at(token, str(exc)))
            value = 2**64 - 1 if exc.reason == "value out of range" else 0
        asm.pending += encode_varuint(value)
        values.append(value)
    return values


def _parse_byte_list(asm: Assembly, name: str, args: list[Token]) -> list[bytes]:
    values: list[bytes] = []
    rest = args
    while rest:
        try:
            value, used = parse_byte_literal([t.text for t in rest])
        except LiteralError as exc:
            raise fail_at(rest[0], f"{name} {exc.message}") from None
        if len(value) > MAX_BYTES:
            raise fail_at(
                rest[0],
                f"{name} arg {len(values)} is too big ({len(value)} bytes, limit {MAX_BYTES})",
            )
        values.append(value)
        rest = rest[used:]
    asm.pending += encode_varuint(len(values))
    for value in values:
        asm.pending += encode_varuint(len(value)) + value
    return values


def constant_block(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    """An explicit `intcblock`/`bytecblock`: from here its constants are the ones in use."""
    op = _op(form)
    asm.pending.append(op.opcode)
    pool: ConstantPool[int] | ConstantPool[bytes]
    if form.name == "intcblock":
        ints = _parse_uints(asm, args)
        if asm.known.dead:
            return
        if asm.ints.pseudo_used:
            raise fail_at(mnemonic, "intcblock following int")
        asm.ints.replace(ints)
        pool = asm.ints
    else:
        values = _parse_byte_list(asm, form.name, args)
        if asm.known.dead:
            return
        if asm.bytes.pseudo_used:
            raise fail_at(mnemonic, "bytecblock following byte/addr/method")
        asm.bytes.replace(values)
        pool = asm.bytes
    pool.explicit_blocks += 1


def push_ints(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    asm.pending.append(_op(form).opcode)
    _parse_uints(asm, args)


def push_bytess(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    asm.pending.append(_op(form).opcode)
    _parse_byte_list(asm, form.name, args)


def push_int(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    op = _op(form)
    check_count(op.name, mnemonic, args, 1)
    try:
        value = parse_uint(args[0].text)
    except GoNumError:
        raise fail_at(args[0], f"unable to parse {go_quote(args[0].text)} as integer") from None
    asm.pending.append(op.opcode)
    asm.pending += encode_varuint(value)


def push_bytes(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    """`pushbytes`, or `byte` when it must push (named as written in errors)."""
    op = _op(form)
    written = mnemonic.text
    if not args:
        raise fail_after(mnemonic, f"{written} needs byte literal argument")
    value = _byte_literal(written, args)
    asm.pending.append(op.opcode)
    asm.pending += encode_varuint(len(value)) + value


def _byte_literal(name: str, args: list[Token]) -> bytes:
    try:
        value, used = parse_byte_literal([t.text for t in args])
    except LiteralError as exc:
        raise fail_at(args[exc.blame], f"{name} {exc.message}") from None
    if used != len(args):
        raise fail_at(args[used], f"{name} with extraneous argument")
    if len(value) > MAX_BYTES:
        raise fail_at(args[0], f"{name} value is too big ({len(value)} bytes, limit {MAX_BYTES})")
    return value


def _load(asm: Assembly, pool: ConstantPool[int] | ConstantPool[bytes], index: int) -> None:
    """Writes the load of constant `index`; complains if the pool has no such constant."""
    if index > 255:
        raise ValueError(f"cannot have more than 256 {pool.kind} constants")
    asm.pending += pool.load_bytes(index, asm.forms.table)
    if index >= len(pool.values):
        raise ValueError(f"{pool.load_op} {index} is not defined")


def shortcut_index(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    """`intc N`, `bytec N`, `arg N`: the one-byte `intc_N` form when N is 0..3."""
    check_count(form.name, mnemonic, args, 1)
    if form.name == "arg":
        try:
            index = byte_immediate(args[0].text, "argument")
        except ValueError as exc:
            raise fail_at(args[0], str(exc)) from None
        short = asm.forms.ops.get(f"arg_{index}")
        if short is not None:
            default(asm, short, mnemonic, [])
        else:
            default(asm, form, mnemonic, args)
        return
    pool = asm.ints if form.name == "intc" else asm.bytes
    try:
        _load(asm, pool, byte_immediate(args[0].text, "constant"))
    except ValueError as exc:
        raise fail_at(args[0], str(exc)) from None


def _use_int(asm: Assembly, value: int, at: Token) -> None:
    pool = asm.ints
    pool.pseudo_used = True
    index = pool.index_of(value)
    if index is None:
        if pool.explicit_blocks:
            raise fail_at(at, f"value {value} does not appear in existing intcblock")
        index = pool.add(value)
    pool.uses.append((len(asm.pending), value))
    try:
        _load(asm, pool, index)
    except ValueError as exc:
        raise fail_at(at, str(exc)) from None


def _use_bytes(asm: Assembly, value: bytes, at: Token) -> None:
    pool = asm.bytes
    pool.pseudo_used = True
    index = pool.index_of(value)
    if index is None:
        if pool.explicit_blocks:
            raise fail_at(at, f"value 0x{value.hex()} does not appear in existing bytecblock")
        index = pool.add(value)
    pool.uses.append((len(asm.pending), value))
    try:
        _load(asm, pool, index)
    except ValueError as exc:
        raise fail_at(at, str(exc)) from None


def _must_push(asm: Assembly, pool: ConstantPool[int] | ConstantPool[bytes]) -> bool:
    """Once branches may go back, which explicit block is in force at an instruction depends on
    control flow the assembler does not follow: push the constant instead."""
    return bool(pool.explicit_blocks) and asm.settled_version >= BACK_BRANCH_VERSION


def int_constant(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    check_count("int", mnemonic, args, 1)
    text = args[0].text
    if _must_push(asm, asm.ints):
        asm.warn(args[0], f"int {text} used with explicit intcblock. must pushint")
        push_int(asm, asm.forms.ops["pushint"], mnemonic, args)
        return
    if asm.ints.explicit_blocks > 1:
        if "pushint" not in asm.forms.ops:
            raise fail_at(mnemonic, f"int {text} used with manual intcblocks. Use intc.")
        push_int(asm, asm.forms.ops["pushint"], mnemonic, args)
        return
    value = named_int_constants().get(text)
    if value is None:
        try:
            value = parse_uint(text)
        except GoNumError:
            raise fail_at(args[0], f"unable to parse {go_quote(text)} as integer") from None
    _use_int(asm, value, args[0])


def byte_constant(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    if not args:
        raise fail_after(mnemonic, "byte needs byte literal argument")
    text = args[0].text
    if _must_push(asm, asm.bytes):
        asm.warn(args[0], f"byte {text} used with explicit bytecblock. must pushbytes")
        push_bytes(asm, asm.forms.ops["pushbytes"], mnemonic, args)
        return
    if asm.bytes.explicit_blocks > 1:
        if "pushbytes" not in asm.forms.ops:
            raise fail_at(args[0], f"byte {text} used with manual bytecblocks. Use bytec.")
        push_bytes(asm, asm.forms.ops["pushbytes"], mnemonic, args)
        return
    _use_bytes(asm, _byte_literal("byte", args), args[0])


def addr_constant(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    check_count("addr", mnemonic, args, 1)
    text = args[0].text
    try:
        decoded = b32_decode_unpadded(text)
    except CorruptInput:
        raise fail_at(args[0], f"failed to decode address {text} from base 32") from None
    if len(decoded) < 32:
        raise fail_at(args[0], f"decoded bad addr: {text}")
    key = decoded[:32]
    if sha512_256(key)[-4:] != decoded[-4:]:
        raise fail_at(args[0], f"address {text} is malformed, checksum verification failed")
    if encode_address(key) != text:
        raise fail_at(args[0], f"address {text} is non-canonical")
    _use_bytes(asm, key, args[0])


def method_constant(asm: Assembly, form: Form, mnemonic: Token, args: list[Token]) -> None:
    check_count("method", mnemonic, args, 1)
    text = args[0].text
    if not (len(text) > 1 and text[0] == '"' and text[-1] == '"'):
        raise fail_at(args[0], "unable to parse method signature")
    try:
        signature = parse_string_literal(text)
    except ValueError as exc:
        raise fail_at(args[0], str(exc)) from None
    problem = signature_problem(signature.decode("utf-8", errors="replace"))
    if problem:
        asm.warn(args[0], f"invalid ARC-4 ABI method signature for method op: {problem}")
    _use_bytes(asm, sha512_256(signature)[:4], args[0])
