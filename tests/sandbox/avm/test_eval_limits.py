"""Limits and accounting: stack depth, value size, costs from the spec, budgets, failures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from avm_eval_helpers import Label, branch, byte, code, context, failure, int_, op, run, top

from gridworks.sandbox.avm import program as program_module
from gridworks.sandbox.avm.context import Budget
from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.evaluator import evaluate
from gridworks.sandbox.avm.ops import registry
from gridworks.sandbox.avm.program import check_program
from gridworks.sandbox.avm.spec import Mode, field_groups, opcodes

# Stack depth -------------------------------------------------------------------------------


def pushes(count: int) -> list[bytes]:
    out = []
    while count:
        n = min(count, 200)
        out.append(op("pushints", [1] * n))
        count -= n
    return out


def pops(count: int) -> list[bytes]:
    out = []
    while count:
        n = min(count, 255)
        out.append(op("popn", n))
        count -= n
    return out


def test_a_stack_of_1000_is_allowed() -> None:
    assert run(code(*pushes(1000), *pops(999))).passed


def test_a_stack_of_1001_overflows() -> None:
    error = failure(code(*pushes(1000), int_(1), *pops(1000)))
    assert error.reason == "stack overflow"
    assert error.pc == len(code(*pushes(1000)))


def test_dupn_and_dup_overflow() -> None:
    assert failure(code(int_(1), *[op("dupn", 255)] * 4)).reason == "stack overflow"
    looping = code(int_(1), Label("top"), op("dup"), branch("b", "top"))
    assert failure(looping).reason == "stack overflow"


# Value size --------------------------------------------------------------------------------


def test_values_up_to_4096_bytes() -> None:
    half = [int_(2048), op("bzero")]
    assert top(*half, *half, op("concat"), op("len")) == 4096
    error = failure(code(*half, *half, byte(b"x"), op("concat"), op("concat")))
    assert error.reason == "concat produced a too big (4097) byte-array"


# Costs come from the spec ------------------------------------------------------------------

STRAIGHT_LINE = [
    int_(3),
    op("sqrt"),
    int_(2),
    op("expw"),
    op("pop"),
    int_(1),
    int_(0),
    int_(1),
    op("divmodw"),
    op("popn", 3),
    byte(b"\x01"),
    byte(b"\x02"),
    op("b+"),
    op("b~"),
    byte(b"\x03"),
    op("b|"),
    byte(b"\x04"),
    op("b*"),
    byte(b"\x05"),
    op("b%"),
    op("bsqrt"),
    op("len"),
    op("+"),
]


def test_the_cost_of_a_run_is_the_sum_of_the_specs_costs() -> None:
    program = code(*STRAIGHT_LINE)
    result = run(program)
    table = opcodes(10).by_name
    names = [ins.spec.name for ins in check_program(program, Mode.SIG).instructions]
    assert result.cost == sum(table[name].cost.constant for name in names)
    assert result.cost == 4 + 10 + 20 + 10 + 4 + 6 + 20 + 20 + 40 + 14


def test_costs_follow_the_programs_version() -> None:
    hashed = [op("bytecblock", [b"x"]), op("bytec_0"), op("sha256"), op("len")]
    assert check_program(code(*hashed, version=1), Mode.SIG).static_cost == 2 + 7 + 1
    assert check_program(code(*hashed, version=2), Mode.SIG).static_cost == 2 + 35 + 1


def test_a_per_field_cost_is_charged_before_the_op_runs() -> None:
    curves = field_groups()["ECDSA Curves"].by_name
    args = [byte(b"")] * 5
    for curve, curve_cost in (("Secp256k1", 1700), ("Secp256r1", 2500)):
        program = code(*args, op("ecdsa_verify", curves[curve].code))
        short = failure(program, budget=5 + curve_cost - 1)
        assert short.reason == (
            "dynamic cost budget exceeded, executing ecdsa_verify: local program cost was 5"
        )
        enough = failure(program, budget=5 + curve_cost)  # fails later, for other reasons
        assert not enough.reason.startswith("dynamic cost budget exceeded")


def test_an_unknown_field_has_no_cost_and_is_refused() -> None:
    with pytest.raises(LogicError, match="ecdsa_verify reported non-positive cost"):
        check_program(code(op("ecdsa_verify", 9)), Mode.SIG)


def test_a_per_length_cost_grows_with_the_argument() -> None:
    encodings = field_groups()["base64 Encodings"].by_name
    program = code(byte(b"A" * 33), op("base64_decode", encodings["StdEncoding"].code))
    # 1 for pushbytes, then 1 + 1 per 16 bytes (rounded up) of 33 bytes = 4.
    assert failure(program, budget=4).reason == (
        "dynamic cost budget exceeded, executing base64_decode: local program cost was 1"
    )
    assert not failure(program, budget=5).reason.startswith("dynamic cost budget exceeded")


# Budgets -----------------------------------------------------------------------------------


def test_an_endless_loop_exhausts_the_budget() -> None:
    error = failure(code(Label("top"), branch("b", "top")))
    assert error.reason == "dynamic cost budget exceeded, executing b: local program cost was 20000"
    assert error.pc == 1


def test_app_programs_get_700() -> None:
    error = failure(code(Label("top"), branch("b", "top")), Mode.APP)
    assert error.reason.endswith("local program cost was 700")


def test_a_pooled_budget_is_shared_by_a_groups_programs() -> None:
    pool = Budget.for_logic_sigs(group_size=2, per_txn=10)
    assert pool.remaining == 20
    spend_12 = code(*[int_(1), op("pop")] * 6, int_(1))  # 13 instructions
    first = context(budget=None)
    first.budget = pool
    assert evaluate(spend_12, first).cost == 13
    assert pool.remaining == 7
    second = context()
    second.budget = pool
    with pytest.raises(LogicError) as info:
        evaluate(spend_12, second)
    assert info.value.reason.endswith("local program cost was 7")
    assert second.cost == 7
    assert pool.remaining == 0
    assert Budget.for_apps(3).remaining == 2100


def test_opcode_budget_reads_what_is_left_after_itself() -> None:
    global_code = field_groups()["global Fields"].by_name["OpcodeBudget"].code
    assert top(op("global", global_code)) == 20_000 - 1
    assert top(int_(1), op("pop"), op("global", global_code), mode=Mode.APP) == 700 - 3


# Failures stay LogicErrors -----------------------------------------------------------------


def test_an_unsupported_opcode_fails_only_when_it_runs() -> None:
    """ec_map_to on BN254 G2 (nothing reproduces go's map) checks, and fails when it runs."""
    group = field_groups()["EC Groups"].by_name["BN254g2"].code
    map_to = byte(b"\x1b") + op("ec_map_to", group) + op("pop")
    program = code(int_(1), branch("bnz", "over"), map_to, Label("over"), int_(1))
    assert run(program).passed  # jumped over: checking it is fine
    error = failure(code(map_to, int_(1)))
    assert error.reason.startswith("unsupported opcode ec_map_to BN254g2")


@pytest.fixture
def broken_sqrt(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def explode(cx: object, imm: object) -> None:
        raise ZeroDivisionError("boom")

    impl = registry.implementation("sqrt")
    assert impl is not None
    monkeypatch.setitem(
        registry._REGISTRY, "sqrt", registry.Implementation("sqrt", explode, None, True)
    )
    program_module._check.cache_clear()
    yield
    program_module._check.cache_clear()


@pytest.mark.usefixtures("broken_sqrt")
def test_an_unexpected_exception_becomes_a_logic_error_with_the_pc() -> None:
    error = failure(code(int_(1), op("sqrt")))
    assert error.reason == "internal error executing sqrt: ZeroDivisionError('boom')"
    assert error.pc == 3
