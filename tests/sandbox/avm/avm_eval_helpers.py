"""Bytecode for the evaluator's tests, built from spec.py's opcode bytes (no assembler needed).

`code(...)` joins parts into a program: bytes, `op(name, *immediates)`, `Label("x")` marking a
position, and `branch(name, "x")` / `labels(name, "x", "y")` jumping to one (offsets are
computed here). `run` evaluates; `failure` returns the LogicError a program raises.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gridworks.sandbox.avm.context import Budget, EvalContext
from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.evaluator import EvalResult, evaluate
from gridworks.sandbox.avm.spec import Encoding, Mode, opcodes
from gridworks.sandbox.avm.wire import encode_int16, encode_varuint

VERSION = 10


def opcode(name: str) -> int:
    return opcodes(VERSION).by_name[name].opcode


def cost(name: str, version: int = VERSION) -> int:
    return opcodes(version).by_name[name].cost.constant


def op(name: str, *immediates: object) -> bytes:
    """One instruction; int16 immediates are raw offsets (use `branch` for labels)."""
    spec = opcodes(VERSION).by_name[name]
    out = bytearray([spec.opcode])
    for imm, value in zip(spec.immediates, immediates, strict=True):
        out += _encode(imm.encoding, value)
    return bytes(out)


def _encode(encoding: Encoding, value: object) -> bytes:
    if encoding is Encoding.UINT8:
        return bytes([value])  # type: ignore[list-item]
    if encoding is Encoding.INT8:
        return int(value).to_bytes(1, "big", signed=True)  # type: ignore[call-overload]
    if encoding is Encoding.INT16:
        return encode_int16(value)  # type: ignore[arg-type]
    if encoding is Encoding.VARUINT:
        return encode_varuint(value)  # type: ignore[arg-type]
    if encoding is Encoding.BYTES:
        return encode_varuint(len(value)) + value  # type: ignore[arg-type, operator]
    if encoding is Encoding.INT_BLOCK:
        items = list(value)  # type: ignore[call-overload]
        return encode_varuint(len(items)) + b"".join(encode_varuint(v) for v in items)
    if encoding is Encoding.BYTES_BLOCK:
        items = list(value)  # type: ignore[call-overload]
        return encode_varuint(len(items)) + b"".join(encode_varuint(len(v)) + v for v in items)
    if encoding is Encoding.LABELS:
        offsets = list(value)  # type: ignore[call-overload]
        return bytes([len(offsets)]) + b"".join(encode_int16(o) for o in offsets)
    raise AssertionError(encoding)


def int_(value: int) -> bytes:
    return op("pushint", value)


def byte(value: bytes) -> bytes:
    return op("pushbytes", value)


@dataclass(frozen=True)
class Label:
    name: str


@dataclass(frozen=True)
class Branch:
    name: str  # bnz, bz, b, callsub
    target: str


@dataclass(frozen=True)
class Labels:
    name: str  # switch, match
    targets: tuple[str, ...]


def branch(name: str, target: str) -> Branch:
    return Branch(name, target)


def labels(name: str, *targets: str) -> Labels:
    return Labels(name, targets)


Part = bytes | Label | Branch | Labels


def code(*parts: Part, version: int = VERSION) -> bytes:
    """A program: the version byte, then `parts` with label references resolved."""
    prefix = encode_varuint(version)

    def size(part: Part) -> int:
        if isinstance(part, Label):
            return 0
        if isinstance(part, Branch):
            return 3
        if isinstance(part, Labels):
            return 2 + 2 * len(part.targets)
        return len(part)

    positions: dict[str, int] = {}
    pc = len(prefix)
    for part in parts:
        if isinstance(part, Label):
            positions[part.name] = pc
        pc += size(part)
    out = bytearray(prefix)
    for part in parts:
        end = len(out) + size(part)
        if isinstance(part, Branch):
            out += bytes([opcode(part.name)]) + encode_int16(positions[part.target] - end)
        elif isinstance(part, Labels):
            out += bytes([opcode(part.name), len(part.targets)])
            out += b"".join(encode_int16(positions[t] - end) for t in part.targets)
        elif not isinstance(part, Label):
            out += part
    return bytes(out)


def context(mode: Mode = Mode.SIG, budget: int | None = None, **kwargs: object) -> EvalContext:
    return EvalContext(
        mode,
        budget=Budget(budget) if budget is not None else None,
        **kwargs,  # type: ignore[arg-type]
    )


def run(
    program: bytes, mode: Mode = Mode.SIG, budget: int | None = None, **kw: object
) -> EvalResult:
    return evaluate(program, context(mode, budget, **kw))


def failure(
    program: bytes, mode: Mode = Mode.SIG, budget: int | None = None, **kw: object
) -> LogicError:
    with pytest.raises(LogicError) as info:
        run(program, mode, budget, **kw)
    return info.value


def top(*parts: Part, version: int = VERSION, mode: Mode = Mode.SIG, **kw: object) -> object:
    """The value `parts` leave on top of the stack (stored away, so the run passes)."""
    ctx = context(mode, **kw)
    evaluate(code(*parts, op("store", 0), int_(1), version=version), ctx)
    return ctx.scratch[0]


def reason(*parts: Part, version: int = VERSION, mode: Mode = Mode.SIG, **kw: object) -> str:
    """The reason `parts` fail with (they must fail)."""
    return failure(code(*parts, version=version), mode, **kw).reason


def stack(
    *parts: Part, version: int = VERSION, mode: Mode = Mode.SIG, **kw: object
) -> list[object]:
    """The whole stack `parts` leave (read after a final `err`)."""
    ctx = context(mode, **kw)
    with pytest.raises(LogicError, match="err opcode executed"):
        evaluate(code(*parts, op("err"), version=version), ctx)
    return list(ctx.stack)
