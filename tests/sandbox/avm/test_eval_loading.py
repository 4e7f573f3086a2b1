"""Constants, logic-sig arguments, scratch space, and other group members' scratch and IDs."""

from __future__ import annotations

from avm_eval_helpers import byte, code, context, failure, int_, op, reason, run, stack

from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.evaluator import evaluate
from gridworks.sandbox.avm.spec import Mode
from gridworks.sandbox.avm.views import GroupView, TxnEffects


def test_int_constants() -> None:
    program = [op("intcblock", [10, 20, 30, 2**64 - 1])]
    assert stack(*program, op("intc_0"), op("intc_3"), op("intc", 2)) == [10, 2**64 - 1, 30]
    assert reason(*program, op("intc", 4)) == "intc 4 beyond 4 constants"
    assert reason(op("intc_0")) == "intc 0 beyond 0 constants"


def test_byte_constants() -> None:
    program = [op("bytecblock", [b"a", b"", b"ccc"])]
    assert stack(*program, op("bytec_0"), op("bytec_1"), op("bytec", 2)) == [b"a", b"", b"ccc"]
    assert reason(*program, op("bytec_3")) == "bytec 3 beyond 3 constants"


def test_constant_blocks_take_effect_when_they_run() -> None:
    # The second block replaces the first; before any block there are no constants.
    assert stack(op("intcblock", [1]), op("intc_0"), op("intcblock", [2]), op("intc_0")) == [1, 2]


def test_push_ops() -> None:
    assert stack(op("pushints", [1, 2, 3]), op("pushbytess", [b"x", b"yz"])) == [
        1,
        2,
        3,
        b"x",
        b"yz",
    ]
    assert stack(op("pushints", []), int_(0)) == [0]
    assert stack(op("pushint", 2**64 - 1), op("pushbytes", b"")) == [2**64 - 1, b""]


def test_constants_longer_than_a_stack_value_fail_when_loaded() -> None:
    long = b"x" * 4097
    program = code(op("bytecblock", [long]), int_(1))
    assert run(program, Mode.APP).passed  # only loading it fails
    assert failure(code(op("bytecblock", [long]), op("bytec_0")), Mode.APP).reason == (
        "bytec_0 produced a too big (4097) byte-array"
    )
    assert failure(code(op("pushbytes", long)), Mode.APP).reason == (
        "pushbytes produced a too big (4097) byte-array"
    )
    assert failure(code(op("pushbytess", [b"", long])), Mode.APP).reason == (
        "pushbytess produced a too big (4097) byte-array"
    )


def test_logic_sig_args() -> None:
    args = [b"zero", b"one", b"", b"three", b"four"]
    program = [op("arg_0"), op("arg_3"), op("arg", 4), int_(2), op("args")]
    assert stack(*program, args=args) == [b"zero", b"three", b"four", b""]
    assert reason(op("arg_1"), args=[b"a"]) == "cannot load arg[1] of 1"
    assert reason(int_(300), op("args"), args=[b"a"]) == "cannot load arg[300] of 1"


def test_too_many_or_too_long_args() -> None:
    assert reason(int_(1), args=[b""] * 256) == "LogicSig has too many arguments"
    assert reason(int_(1), args=[b"x" * 4097]) == "LogicSig argument too large"


def test_scratch_space() -> None:
    assert stack(op("load", 7)) == [0]  # unset slots hold uint64 0
    assert stack(int_(5), op("store", 255), op("load", 255)) == [5]
    assert stack(int_(3), byte(b"v"), op("stores"), int_(3), op("loads")) == [b"v"]
    assert reason(int_(256), int_(1), op("stores")) == "invalid Scratch index 256"
    assert reason(int_(256), op("loads")) == "invalid Scratch index 256"
    assert reason(byte(b""), int_(1), op("stores")) == ("stores arg 0 wanted uint64 but got []byte")


# Other group members (app mode) ------------------------------------------------------------


class Txn:
    def __init__(self, type: str) -> None:
        self.type = type
        self.rekey_to = bytes(32)


def group(*types: str) -> GroupView:
    return GroupView([Txn(t) for t in types])  # type: ignore[misc]


def app(*parts: bytes, view: GroupView, index: int) -> str | list[object]:
    """The stack `parts` leave in app mode as member `index` of `view`, or why they fail."""
    ctx = context(Mode.APP, group=view, group_index=index)
    try:
        evaluate(code(*parts, op("err")), ctx)
    except LogicError as err:
        if err.reason != "err opcode executed":
            return err.reason
    return list(ctx.stack)


def test_gload_reads_an_earlier_app_calls_scratch() -> None:
    view = group("appl", "pay", "appl", "appl")
    first = app(int_(42), op("store", 9), view=view, index=0)
    assert first == []
    assert view.scratch[0][9] == 42
    assert app(op("gload", 0, 9), view=view, index=2) == [42]
    assert app(int_(0), op("gloads", 9), view=view, index=2) == [42]
    assert app(int_(0), int_(9), op("gloadss"), view=view, index=2) == [42]
    assert (
        app(op("gload", 4, 0), view=view, index=2) == "gload lookup TxnGroup[4] but it only has 4"
    )
    assert app(op("gload", 1, 0), view=view, index=2) == (
        "can't use gload on non-app call txn with index 1"
    )
    assert app(op("gload", 2, 0), view=view, index=2) == "can't use gload on self, use load instead"
    assert app(op("gload", 3, 0), view=view, index=2) == (
        "gload can't get future scratch space from txn with index 3"
    )
    assert app(int_(0), int_(256), op("gloadss"), view=view, index=2) == (
        "gloadss scratch index >= 256 (256)"
    )
    fresh = group("appl", "appl")
    assert app(op("gload", 0, 0), view=fresh, index=1) == (
        "gload lookup of txn 0 that did not run a program"
    )


def test_gaid_reads_created_ids() -> None:
    view = group("acfg", "pay", "appl", "appl")
    view.effects[0] = TxnEffects(created_asset_id=1001)
    assert app(op("gaid", 0), view=view, index=3) == [1001]
    assert app(int_(0), op("gaids"), view=view, index=3) == [1001]
    assert app(op("gaid", 1), view=view, index=3) == (
        "can't use gaid on txn that is not an app call nor an asset config txn with index 1"
    )
    assert app(op("gaid", 2), view=view, index=3) == "gaid: index 2 did not create anything"
    assert app(op("gaid", 3), view=view, index=3).startswith(  # type: ignore[union-attr]
        "gaid is only for accessing creatable IDs of previous txns"
    )
    assert app(op("gaid", 3), view=view, index=2) == (
        "gaid can't get creatable ID of txn ahead of the current one (index 3) in the "
        "transaction group"
    )
