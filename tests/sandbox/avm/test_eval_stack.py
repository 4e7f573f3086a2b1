"""Stack manipulation ops: exact resulting stacks and go's panics."""

from __future__ import annotations

from avm_eval_helpers import byte, int_, op, reason, stack

ABCD = [int_(1), int_(2), int_(3), byte(b"d")]


def test_pop_dup_dup2_swap() -> None:
    assert stack(*ABCD, op("pop")) == [1, 2, 3]
    assert stack(*ABCD, op("dup")) == [1, 2, 3, b"d", b"d"]
    assert stack(*ABCD, op("dup2")) == [1, 2, 3, b"d", 3, b"d"]
    assert stack(*ABCD, op("swap")) == [1, 2, b"d", 3]


def test_select() -> None:
    assert stack(int_(10), byte(b"b"), int_(1), op("select")) == [b"b"]
    assert stack(int_(10), byte(b"b"), int_(0), op("select")) == [10]
    assert reason(int_(10), int_(11), byte(b""), op("select")) == (
        "select arg 2 wanted uint64 but got []byte"
    )


def test_dig() -> None:
    assert stack(*ABCD, op("dig", 0)) == [1, 2, 3, b"d", b"d"]
    assert stack(*ABCD, op("dig", 3)) == [1, 2, 3, b"d", 1]
    assert reason(*ABCD, op("dig", 4)) == "dig 4 with stack size = 4"


def test_bury() -> None:
    assert stack(*ABCD, op("bury", 1)) == [1, 2, b"d"]
    assert stack(*ABCD, op("bury", 3)) == [b"d", 2, 3]
    assert reason(*ABCD, op("bury", 0)) == "bury outside stack"
    assert reason(*ABCD, op("bury", 4)) == "bury outside stack"


def test_cover_and_uncover() -> None:
    assert stack(*ABCD, op("cover", 0)) == [1, 2, 3, b"d"]
    assert stack(*ABCD, op("cover", 2)) == [1, b"d", 2, 3]
    assert stack(*ABCD, op("cover", 3)) == [b"d", 1, 2, 3]
    assert stack(*ABCD, op("uncover", 2)) == [1, 3, b"d", 2]
    assert stack(*ABCD, op("uncover", 3)) == [2, 3, b"d", 1]
    assert reason(*ABCD, op("cover", 4)) == "cover 4 with stack size = 4"
    assert reason(*ABCD, op("uncover", 4)) == "uncover 4 with stack size = 4"


def test_popn_and_dupn() -> None:
    assert stack(*ABCD, op("popn", 3)) == [1]
    assert stack(*ABCD, op("popn", 0)) == [1, 2, 3, b"d"]
    assert stack(int_(7), op("dupn", 2)) == [7, 7, 7]
    assert stack(int_(7), op("dupn", 0)) == [7]
    assert reason(*ABCD, op("popn", 5)) == "popn 5 while stack contains 4"


def test_underflows_name_the_op() -> None:
    assert reason(op("pop")) == "stack underflow in pop"
    assert reason(int_(1), op("swap")) == "stack underflow in swap"
    assert reason(int_(1), int_(1), op("select")) == "stack underflow in select"
    assert reason(op("dig", 0)) == "stack underflow in dig"
    assert reason(op("dupn", 1)) == "stack underflow in dupn"
