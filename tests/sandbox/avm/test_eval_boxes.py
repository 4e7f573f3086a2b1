"""Boxes: each op's effect, the box references that make a box available, and the group's
read and write budgets (2,048 bytes per box reference since consensus v41)."""

from __future__ import annotations

import pytest
from avm_app_helpers import APP, APP_ADDRESS, CAROL, OTHER_APP, Txn, app_kw, code_of
from avm_eval_helpers import byte, code, context, int_, op, reason, stack, top

from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.evaluator import evaluate
from gridworks.sandbox.avm.memory_state import MemoryState


def chain(**boxes: bytes) -> MemoryState:
    state = MemoryState()
    state.create_app(CAROL, APP)
    state.create_app(CAROL, OTHER_APP)
    for name, value in boxes.items():
        state.box_create(APP, name.encode(), value)
    return state


def refs(state: MemoryState, *names: bytes, **fields: object) -> dict[str, object]:
    """A call of APP whose box references name `names` of the current app."""
    return app_kw(state, Txn(boxes=[(0, name) for name in names], **fields))  # type: ignore[arg-type]


def test_create_put_get_len_and_del() -> None:
    state = chain()
    kw = refs(state, b"b")
    parts = [byte(b"b"), int_(4), op("box_create"), byte(b"b"), op("box_len")]
    parts += [byte(b"b"), byte(b"abcd"), op("box_put"), byte(b"b"), op("box_get")]
    assert stack(*parts, **kw) == [1, 4, 1, b"abcd", 1]
    assert state.boxes[(APP, b"b")] == b"abcd"
    assert state.accounts[APP_ADDRESS].total_boxes == 1
    assert state.accounts[APP_ADDRESS].total_box_bytes == 5
    assert stack(byte(b"b"), op("box_del"), byte(b"b"), op("box_del"), **refs(state, b"b")) == [
        1,
        0,
    ]
    assert (APP, b"b") not in state.boxes
    assert state.accounts[APP_ADDRESS].total_boxes == 0


def test_missing_boxes() -> None:
    state = chain()
    kw = refs(state, b"b")
    assert stack(byte(b"b"), op("box_len"), byte(b"b"), op("box_get"), **kw) == [0, 0, b"", 0]
    for parts in (
        [int_(0), int_(1), op("box_extract")],
        [int_(0), byte(b"x"), op("box_replace")],
        [int_(0), int_(0), byte(b""), op("box_splice")],
        [int_(3), op("box_resize")],
    ):
        assert reason(byte(b"b"), *parts, **refs(state, b"b")) == "no such box 0x62"


def test_box_put_creates_or_overwrites_a_box_of_the_same_size() -> None:
    state = chain(b=b"1234")
    assert top(byte(b"b"), byte(b"wxyz"), op("box_put"), int_(1), **refs(state, b"b")) == 1
    assert state.boxes[(APP, b"b")] == b"wxyz"
    assert reason(byte(b"b"), byte(b"xyz"), op("box_put"), **refs(state, b"b")) == (
        "attempt to box_put wrong size 4 != 3"
    )


def test_box_create_of_an_existing_box() -> None:
    state = chain(b=bytes(10))
    assert stack(byte(b"b"), int_(10), op("box_create"), **refs(state, b"b")) == [0]
    assert reason(byte(b"b"), int_(5), op("box_create"), **refs(state, b"b")) == (
        "box size mismatch 10 5"
    )


def test_extract_replace_splice_and_resize() -> None:
    state = chain(b=b"0123456789")
    kw = refs(state, b"b")
    assert stack(byte(b"b"), int_(2), int_(3), op("box_extract"), **kw) == [b"234"]
    assert reason(byte(b"b"), int_(8), int_(3), op("box_extract"), **kw) == (
        "extraction end 11 is beyond length: 10"
    )
    top(byte(b"b"), int_(8), byte(b"ab"), op("box_replace"), int_(1), **kw)
    assert state.boxes[(APP, b"b")] == b"01234567ab"
    assert reason(byte(b"b"), int_(9), byte(b"ab"), op("box_replace"), **kw) == (
        "replacement end 11 beyond original length: 10"
    )
    # splice keeps the size: a longer insertion shifts bytes out, a shorter one zeros in
    top(byte(b"b"), int_(1), int_(2), byte(b"XYZ"), op("box_splice"), int_(1), **kw)
    assert state.boxes[(APP, b"b")] == b"0XYZ34567a"
    top(byte(b"b"), int_(0), int_(4), byte(b""), op("box_splice"), int_(1), **kw)
    assert state.boxes[(APP, b"b")] == b"34567a\0\0\0\0"
    assert reason(byte(b"b"), int_(8), int_(0), byte(b"xyz"), op("box_splice"), **kw) == (
        "splice inserted bytes too long"
    )
    assert reason(byte(b"b"), int_(8), int_(3), byte(b""), op("box_splice"), **kw) == (
        "splice end 11 beyond original length: 10"
    )
    top(byte(b"b"), int_(3), op("box_resize"), int_(1), **kw)
    assert state.boxes[(APP, b"b")] == b"345"
    top(byte(b"b"), int_(5), op("box_resize"), int_(1), **kw)
    assert state.boxes[(APP, b"b")] == b"345\0\0"
    assert state.accounts[APP_ADDRESS].total_box_bytes == 6


def test_names_and_sizes() -> None:
    state = chain()
    kw = refs(state, b"", b"n" * 65)
    assert reason(byte(b""), op("box_len"), **kw) == "box names may not be zero length"
    assert (
        reason(byte(b"n" * 65), op("box_len"), **kw)
        == "name too long: length was 65, maximum is 64"
    )
    assert reason(byte(b"b"), int_(32_769), op("box_create"), **refs(state, b"b")) == (
        "box size too large: 32769, maximum is 32768"
    )
    assert reason(byte(b"b"), int_(1), int_(32_768), op("box_extract"), **refs(state, b"b")) == (
        "box size too large: 32769, maximum is 32768"
    )
    assert reason(int_(1), op("box_get"), **refs(state, b"b")) == (
        "box_get arg 0 wanted boxName but got uint64"
    )


def test_a_box_needs_a_reference() -> None:
    state = chain(b=b"x")
    assert reason(byte(b"b"), op("box_get"), **refs(state, b"c")) == "invalid Box reference 0x62"
    # a reference to another app's box of the same name does not do
    other = app_kw(state, Txn(foreign_apps=[OTHER_APP], boxes=[(1, b"b")]))
    assert reason(byte(b"b"), op("box_get"), **other) == "invalid Box reference 0x62"
    # any transaction of the group may hold the reference
    group = app_kw(state, Txn(boxes=[(0, b"b")]), Txn(), index=1)
    assert stack(byte(b"b"), op("box_get"), **group) == [b"x", 1]


def test_box_references_of_an_app_being_created_name_the_new_app() -> None:
    state = chain()
    new = state.create_app(CAROL)
    kw = app_kw(state, Txn(application_id=0, boxes=[(0, b"b")]), app_id=new)
    assert stack(byte(b"b"), int_(1), op("box_create"), **kw) == [1]
    assert state.boxes[(new, b"b")] == b"\0"


def test_an_app_being_created_uses_one_unnamed_box_per_empty_reference() -> None:
    """v41 (go: unnamedAccess): the group's empty box refs each let an app it created use a
    box no reference names; an existing app gets no such allowance."""
    state = chain()
    new = state.create_app(CAROL)
    kw = app_kw(state, Txn(application_id=0, boxes=[(0, b"")]), app_id=new)
    assert stack(byte(b"x"), int_(1), op("box_create"), byte(b"x"), op("box_len"), **kw) == [
        1, 1, 1,
    ]  # fmt: skip
    state = chain()
    new = state.create_app(CAROL)
    kw = app_kw(state, Txn(application_id=0, boxes=[(0, b"")]), app_id=new)
    two = [byte(b"y"), int_(1), op("box_create"), byte(b"z"), int_(1), op("box_create")]
    assert reason(*two, **kw) == "invalid Box reference 0x7a"
    assert reason(byte(b"x"), op("box_len"), **refs(chain(), b"")) == "invalid Box reference 0x78"


def test_boxes_are_not_available_to_clear_state_programs() -> None:
    state = chain()
    assert reason(byte(b"b"), op("box_len"), **refs(state, b"b", on_completion=3)) == (
        "boxes may not be accessed from ClearState program"
    )


def test_the_group_reads_at_most_2048_bytes_per_box_reference() -> None:
    # checked before the first app call of the group runs, whether it reads the boxes or not
    program = code(int_(1))
    assert evaluate(program, context(**refs(chain(a=bytes(2_000), b=bytes(2_096)), b"a", b"b")))
    state = chain(a=bytes(2_000), b=bytes(2_097))
    with pytest.raises(LogicError, match="box read budget \\(4096\\) exceeded"):
        evaluate(program, context(**refs(state, b"a", b"b")))
    # an empty reference adds budget without naming a box
    assert evaluate(program, context(**refs(state, b"a", b"b", b""))).passed


def test_written_boxes_count_against_the_write_budget() -> None:
    state = chain()
    kw = refs(state, b"a", b"b")
    assert reason(
        byte(b"a"), int_(3_000), op("box_create"), byte(b"b"), int_(1_100), op("box_create"), **kw
    ) == ("write budget (4096) exceeded 4100")
    state = chain()
    # a deleted box stops counting; reads never count
    kw = refs(state, b"a", b"b")
    parts = [byte(b"a"), int_(3_000), op("box_create"), byte(b"a"), op("box_del")]
    parts += [byte(b"b"), int_(4_000), op("box_create"), byte(b"b"), op("box_len")]
    assert stack(*parts, **kw) == [1, 1, 1, 4_000, 1]
    assert reason(byte(b"b"), int_(4_097), op("box_resize"), **refs(state, b"a", b"b")) == (
        "write budget (4096) exceeded 4097"
    )


def test_box_get_fails_on_boxes_longer_than_a_stack_value() -> None:
    state = chain(big=bytes(5_000))
    assert reason(byte(b"big"), op("box_get"), **refs(state, b"big", b"", b"", b"", b"")) == (
        "box_get produced a too big (5000) byte-array"
    )
    kw = refs(state, b"big", b"", b"", b"", b"")
    assert stack(byte(b"big"), int_(4_000), int_(1_000), op("box_extract"), op("len"), **kw) == [
        1_000
    ]


def test_acct_params_see_the_box_counters() -> None:
    state = chain(a=b"123", bb=b"4")
    total = code_of("acct_params Fields", "AcctTotalBoxBytes")
    kw = refs(state, b"a")
    assert stack(
        op("global", code_of("global Fields", "CurrentApplicationAddress")),
        op("acct_params_get", total),
        **kw,
    ) == [
        7,
        0,
    ]
