"""Flow control: the final stack rule, err, return, assert, branches, subroutines, switch, match."""

from __future__ import annotations

from avm_eval_helpers import Label, branch, byte, code, failure, int_, labels, op, reason, run, top

# The final stack ---------------------------------------------------------------------------


def test_a_single_non_zero_uint_passes() -> None:
    result = run(code(int_(7)))
    assert (result.passed, result.top, result.cost) == (True, 7, 1)


def test_a_single_zero_rejects_without_error() -> None:
    result = run(code(int_(0)))
    assert (result.passed, result.top) == (False, 0)


def test_an_empty_final_stack_fails() -> None:
    assert reason(int_(1), op("pop")) == "stack len is 0 instead of 1"


def test_two_values_left_fail() -> None:
    assert reason(int_(1), int_(1)) == "stack len is 2 instead of 1"


def test_bytes_left_fail() -> None:
    assert reason(byte(b"\x01")) == "stack finished with bytes not int"


# err, return, assert -----------------------------------------------------------------------


def test_err() -> None:
    error = failure(code(int_(1), op("err")))
    assert (error.reason, error.pc) == ("err opcode executed", 3)


def test_return_keeps_only_the_top_and_ends() -> None:
    result = run(code(int_(5), int_(6), int_(9), op("return"), op("err")))
    assert (result.passed, result.top) == (True, 9)


def test_return_of_zero_rejects() -> None:
    assert not run(code(int_(5), int_(0), op("return"))).passed


def test_return_needs_a_uint() -> None:
    assert reason(byte(b"x"), op("return")) == "return arg 0 wanted uint64 but got []byte"


def test_return_on_an_empty_stack() -> None:
    assert reason(op("return")) == "stack underflow in return"


def test_assert() -> None:
    assert run(code(int_(1), op("assert"), int_(1))).passed
    error = failure(code(int_(1), op("pop"), int_(0), op("assert"), int_(1)))
    assert (error.reason, error.pc) == ("assert failed pc=6", 6)


# Branches ----------------------------------------------------------------------------------


def test_bnz_and_bz_pop_their_condition() -> None:
    taken = [int_(3), branch("bnz", "yes"), op("err"), Label("yes"), int_(1)]
    assert run(code(*taken)).cost == 3
    assert run(code(int_(0), branch("bz", "yes"), op("err"), Label("yes"), int_(1))).passed
    assert run(code(int_(0), branch("bnz", "no"), int_(1), op("return"), Label("no"), op("err")))


def test_a_counting_loop() -> None:
    # sum 1..10 into scratch 1, counting down scratch 0.
    program = code(
        int_(10),
        op("store", 0),
        Label("loop"),
        op("load", 1),
        op("load", 0),
        op("+"),
        op("store", 1),
        op("load", 0),
        int_(1),
        op("-"),
        op("dup"),
        op("store", 0),
        branch("bnz", "loop"),
        op("load", 1),
    )
    result = run(program)
    assert result.top == 55
    assert result.cost == 2 + 10 * 10 + 1


def test_branch_conditions_must_be_uints() -> None:
    assert reason(byte(b""), branch("bnz", "x"), Label("x")) == (
        "bnz arg 0 wanted uint64 but got []byte"
    )


# Subroutines -------------------------------------------------------------------------------


def test_callsub_and_retsub() -> None:
    program = code(
        int_(20),
        branch("callsub", "double"),
        int_(40),
        op("=="),
        op("return"),
        Label("double"),
        op("dup"),
        op("+"),
        op("retsub"),
    )
    assert run(program).passed


def test_retsub_without_callsub() -> None:
    assert reason(int_(1), op("retsub")) == "retsub with empty callstack"


def test_recursion_runs_until_the_budget_ends() -> None:
    program = code(Label("f"), branch("callsub", "f"))
    error = failure(program)
    assert error.reason.startswith("dynamic cost budget exceeded, executing callsub")


# proto and frames --------------------------------------------------------------------------

SUBTRACT = [  # proto 2 1: returns A - B, using a local
    Label("sub"),
    op("proto", 2, 1),
    op("frame_dig", -2),
    op("frame_dig", -1),
    op("-"),
    op("retsub"),
]


def test_proto_frames_take_args_and_leave_returns() -> None:
    program = code(
        int_(99), int_(10), int_(3), branch("callsub", "sub"), op("+"), op("return"), *SUBTRACT
    )
    result = run(program)
    assert result.top == 99 + 7


def test_frame_bury_and_locals() -> None:
    program = code(
        int_(5),
        branch("callsub", "f"),
        op("return"),
        Label("f"),
        op("proto", 1, 1),
        int_(0),  # local 0
        op("frame_dig", -1),
        int_(2),
        op("*"),
        op("frame_bury", 0),
        op("frame_dig", 0),
        op("frame_bury", -1),  # the return value goes where the arg was
        op("retsub"),
    )
    assert run(program).top == 10


def test_proto_must_follow_callsub() -> None:
    assert reason(op("proto", 0, 0), int_(1)) == "proto was executed without a callsub"


def test_proto_with_too_few_args() -> None:
    program = [int_(1), branch("callsub", "f"), op("return"), Label("f"), op("proto", 3, 1)]
    assert reason(*program) == "callsub to proto that requires 3 args with stack height 1"


def test_frame_dig_below_the_args() -> None:
    program = [int_(1), branch("callsub", "f"), op("return"), Label("f"), op("proto", 1, 1)]
    assert reason(*program, op("frame_dig", -2)) == "frame_dig -2 in sub with 1 args"
    assert reason(*program, op("frame_dig", 0)) == "frame_dig above stack"
    assert reason(*program, op("frame_bury", -2)) == "frame_bury -2 in sub with 1 args"
    assert reason(*program, int_(1), op("frame_bury", 0)) == "frame_bury above stack"


def test_frame_ops_without_a_frame() -> None:
    assert reason(op("frame_dig", 0)) == "frame_dig with empty callstack"
    assert reason(int_(1), op("frame_bury", 0)) == "frame_bury with empty callstack"


def test_frame_dig_below_the_stack_without_proto() -> None:
    program = [branch("callsub", "f"), Label("f"), op("frame_dig", -1)]
    assert reason(*program) == "frame_dig below stack"


def test_retsub_checks_the_declared_returns() -> None:
    head = [int_(1), int_(2), branch("callsub", "f"), op("return"), Label("f"), op("proto", 2, 2)]
    assert reason(*head, op("retsub")) == (
        "retsub executed with no return values on stack. proto declared 2"
    )
    assert reason(*head, int_(1), op("retsub")) == (
        "retsub executed with 1 return values on stack. proto declared 2"
    )
    assert reason(*head, op("pop"), op("retsub")) == (
        "retsub executed with stack below frame. Did you pop args?"
    )


def test_retsub_without_proto_keeps_the_stack() -> None:
    program = code(
        int_(1), branch("callsub", "f"), op("+"), op("return"), Label("f"), int_(2), op("retsub")
    )
    assert run(program).top == 3


# switch and match --------------------------------------------------------------------------


def _switch(index: int) -> object:
    return top(
        int_(index),
        labels("switch", "zero", "one"),
        int_(100),
        branch("b", "end"),
        Label("zero"),
        int_(0),
        branch("b", "end"),
        Label("one"),
        int_(1),
        Label("end"),
    )


def test_switch_branches_by_index_and_falls_through_beyond() -> None:
    assert [_switch(i) for i in (0, 1, 2, 2**64 - 1)] == [0, 1, 100, 100]


def _match(*cases: bytes) -> object:
    return top(
        *cases,
        labels("match", "a", "b"),
        int_(100),
        branch("b", "end"),
        Label("a"),
        int_(0),
        branch("b", "end"),
        Label("b"),
        int_(1),
        Label("end"),
    )


def test_match_compares_type_and_value() -> None:
    assert _match(int_(5), byte(b"5"), int_(5)) == 0
    assert _match(int_(5), byte(b"5"), byte(b"5")) == 1
    assert _match(int_(5), byte(b"5"), byte(b"6")) == 100
    assert _match(int_(5), int_(5), int_(5)) == 0  # the first match wins


def test_match_needs_its_cases() -> None:
    assert reason(int_(1), labels("match", "x", "y"), Label("x"), Label("y")) == (
        "match expects 3 stack args while stack only contains 1"
    )
