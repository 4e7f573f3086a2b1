"""Fuzzing the evaluator with mutated Beaker programs: whatever the bytes, an app call ends in
pass, reject or a LogicError, within its budget (so it ends; bench/avm_evaluator.py measures
speed)."""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
from functools import cache

import pyteal as pt
from avm_app_helpers import ALICE, APP, Txn, app_kw
from beaker import Application, GlobalStateValue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridworks.sandbox.avm.assembler import assemble
from gridworks.sandbox.avm.context import Budget, EvalContext
from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.evaluator import evaluate
from gridworks.sandbox.avm.memory_state import MemoryState

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUDGET = 700


class CounterState:
    count = GlobalStateValue(stack_type=pt.TealType.uint64, default=pt.Int(0))
    owner = GlobalStateValue(stack_type=pt.TealType.bytes, default=pt.Global.creator_address())


counter = Application("Counter", state=CounterState())


@counter.external
def add(amount: pt.abi.Uint64, *, output: pt.abi.Uint64) -> pt.Expr:
    return pt.Seq(
        counter.state.count.set(counter.state.count + amount.get()),
        output.set(counter.state.count),
    )


@counter.external
def greet(name: pt.abi.String, *, output: pt.abi.String) -> pt.Expr:
    return output.set(pt.Concat(pt.Bytes("hello "), name.get()))


@cache
def approval() -> bytes:
    spec = counter.build()
    return assemble(spec.approval_program).bytecode


def run_call(program: bytes, args: list[bytes]) -> None:
    state = MemoryState()
    state.create_app(ALICE, APP)
    kw = app_kw(state, Txn(app_args=args, application_id=APP))
    mode = kw.pop("mode")
    ctx = EvalContext(mode, budget=Budget(BUDGET), **kw)
    try:
        result = evaluate(program, ctx)
    except LogicError as error:
        assert error.reason
    else:
        assert result.passed == (result.top != 0)
    assert 0 <= ctx.cost <= BUDGET


def test_the_unmutated_program_runs_an_abi_call() -> None:
    from algosdk.abi import Method

    add_selector = Method.from_signature("add(uint64)uint64").get_selector()
    state = MemoryState()
    state.create_app(ALICE, APP)
    kw = app_kw(state, Txn(app_args=[add_selector, (5).to_bytes(8, "big")], application_id=APP))
    mode = kw.pop("mode")
    ctx = EvalContext(mode, budget=Budget(BUDGET), **kw)
    assert evaluate(approval(), ctx).passed
    assert state.global_get(APP, b"count") == 5


@FUZZ
@given(st.data())
def test_mutated_beaker_programs_only_pass_or_fail_cleanly(data: st.DataObject) -> None:
    program = bytearray(approval())
    for _ in range(data.draw(st.integers(1, 4))):
        if len(program) < 2:
            break
        kind = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        at = data.draw(st.integers(1, len(program) - 1))  # keep the version byte
        if kind == "flip":
            program[at] = data.draw(st.integers(0, 255))
        elif kind == "insert":
            program.insert(at, data.draw(st.integers(0, 255)))
        elif kind == "delete" and len(program) > 2:
            del program[at]
        elif kind == "truncate":
            del program[at:]
    args = data.draw(st.lists(st.binary(max_size=40), max_size=4))
    run_call(bytes(program), args)
