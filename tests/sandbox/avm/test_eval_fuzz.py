"""Fuzzing: random bytes and random instruction sequences only ever pass, reject or raise
LogicError, within budget (so they end), and leave only well-formed values on the stack. How
fast the evaluator is, bench/avm_evaluator.py measures; no test here times it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridworks.sandbox.avm.context import MAX_STACK_DEPTH, Budget, EvalContext
from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.evaluator import evaluate
from gridworks.sandbox.avm.program import check_program
from gridworks.sandbox.avm.spec import Encoding, Mode, OpSpec, opcodes
from gridworks.sandbox.avm.views import GroupView
from gridworks.sandbox.avm.wire import encode_int16, encode_varuint
from gridworks.sandbox.ledger.transaction import parse_transaction

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUDGET = 2_000

GROUP = GroupView(
    [
        parse_transaction(
            {"type": "pay", "snd": b"\x01" * 32, "fee": 1000, "fv": 1, "lv": 100, "amt": 3}
        ),
        parse_transaction({"type": "axfer", "snd": b"\x02" * 32, "fv": 1, "lv": 100, "xaid": 9}),
    ]
)


def assert_well_formed(ctx: EvalContext) -> None:
    assert len(ctx.stack) <= MAX_STACK_DEPTH + 255  # a push block may overshoot, then fail
    for value in [*ctx.stack, *ctx.scratch]:
        assert type(value) in (int, bytes), value
        if type(value) is int:
            assert 0 <= value < 2**64


def run_safely(program: bytes, mode: Mode, args: list[bytes] | None = None) -> None:
    ctx = EvalContext(mode, budget=Budget(BUDGET), group=GROUP, args=args or [])
    try:
        result = evaluate(program, ctx)
    except LogicError as error:
        assert isinstance(error.reason, str) and error.reason
    else:
        assert result.passed == (result.top != 0)
        assert len(ctx.stack) == 1
        assert all(len(v) <= 4096 for v in ctx.stack if type(v) is bytes)  # type: ignore[arg-type]
    assert 0 <= ctx.cost <= BUDGET
    assert ctx.budget.remaining == BUDGET - ctx.cost
    assert_well_formed(ctx)


@FUZZ
@given(st.binary(max_size=200), st.sampled_from([Mode.SIG, Mode.APP]))
def test_random_bytes(program: bytes, mode: Mode) -> None:
    run_safely(program, mode)


@FUZZ
@given(st.integers(1, 10), st.binary(max_size=200), st.sampled_from([Mode.SIG, Mode.APP]))
def test_random_bytes_after_a_valid_version(version: int, body: bytes, mode: Mode) -> None:
    run_safely(bytes([version]) + body, mode)


def immediate(draw: st.DrawFn, encoding: Encoding) -> bytes:
    small = st.integers(0, 8)
    if encoding is Encoding.UINT8:
        return bytes([draw(st.one_of(small, st.integers(0, 255)))])
    if encoding is Encoding.INT8:
        return draw(st.integers(-4, 4)).to_bytes(1, "big", signed=True)
    if encoding is Encoding.INT16:
        return encode_int16(draw(st.integers(-12, 12)))
    if encoding is Encoding.VARUINT:
        return encode_varuint(draw(st.one_of(small, st.integers(0, 2**64 - 1))))
    if encoding is Encoding.BYTES:
        value = draw(st.binary(max_size=70))
        return encode_varuint(len(value)) + value
    if encoding is Encoding.INT_BLOCK:
        values = draw(st.lists(st.integers(0, 2**64 - 1), max_size=4))
        return encode_varuint(len(values)) + b"".join(encode_varuint(v) for v in values)
    if encoding is Encoding.BYTES_BLOCK:
        items = draw(st.lists(st.binary(max_size=40), max_size=4))
        return encode_varuint(len(items)) + b"".join(encode_varuint(len(b)) + b for b in items)
    offsets = draw(st.lists(st.integers(-12, 12), max_size=4))  # LABELS
    return bytes([len(offsets)]) + b"".join(encode_int16(o) for o in offsets)


@st.composite
def programs(draw: st.DrawFn) -> tuple[bytes, Mode]:
    version = draw(st.integers(1, 10))
    mode = draw(st.sampled_from([Mode.SIG, Mode.APP]))
    specs: list[OpSpec] = [s for s in opcodes(version).by_opcode.values() if s.modes & mode]
    seed = draw(st.lists(st.one_of(st.integers(0, 2**64 - 1), st.binary(max_size=66)), max_size=6))
    out = bytearray([version])
    pushbytes, pushint = opcodes(10).by_name["pushbytes"], opcodes(10).by_name["pushint"]
    if version >= pushint.version:
        for value in seed:
            if isinstance(value, int):
                out += bytes([pushint.opcode]) + encode_varuint(value)
            else:
                out += bytes([pushbytes.opcode]) + encode_varuint(len(value)) + value
    for _ in range(draw(st.integers(1, 30))):
        spec = draw(st.sampled_from(specs))
        out.append(spec.opcode)
        for imm in spec.immediates:
            out += immediate(draw, imm.encoding)
    return bytes(out), mode


@FUZZ
@given(programs(), st.lists(st.binary(max_size=10), max_size=3))
def test_random_instruction_sequences(case: tuple[bytes, Mode], args: list[bytes]) -> None:
    program, mode = case
    run_safely(program, mode, args)


@FUZZ
@given(programs())
def test_checking_twice_gives_the_same_answer(case: tuple[bytes, Mode]) -> None:
    program, mode = case
    outcomes = []
    for _ in range(2):
        try:
            outcomes.append(len(check_program(program, mode).instructions))
        except LogicError as error:
            outcomes.append(error.reason)  # type: ignore[arg-type]
    assert outcomes[0] == outcomes[1]
