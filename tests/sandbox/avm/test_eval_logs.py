"""`log`: what an app call logs, and consensus's caps of 32 logs and 1,024 bytes per call."""

from __future__ import annotations

import pytest
from avm_app_helpers import Txn, app_kw
from avm_eval_helpers import byte, code, context, int_, op, reason

from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.evaluator import evaluate
from gridworks.sandbox.avm.memory_state import MemoryState
from gridworks.sandbox.avm.program import check_program
from gridworks.sandbox.avm.spec import Mode


def logged(*parts: bytes) -> list[bytes]:
    kw = app_kw(MemoryState(), Txn())
    evaluate(code(*parts, int_(1)), context(**kw))
    return kw["app"].logs  # type: ignore[no-any-return]


def test_logs_are_kept_in_order() -> None:
    assert logged(byte(b"one"), op("log"), byte(b""), op("log"), byte(b"three"), op("log")) == [
        b"one",
        b"",
        b"three",
    ]


def test_at_most_32_logs() -> None:
    assert len(logged(*[byte(b"x") + op("log")] * 32)) == 32
    assert reason(*[byte(b"x") + op("log")] * 33, **app_kw(MemoryState(), Txn())) == (
        "too many log calls in program. up to 32 is allowed"
    )


def test_at_most_1024_bytes_together() -> None:
    assert logged(byte(b"x" * 1_000), op("log"), byte(b"y" * 24), op("log"))[1] == b"y" * 24
    assert (
        reason(
            byte(b"x" * 1_000),
            op("log"),
            byte(b"y" * 25),
            op("log"),
            **app_kw(MemoryState(), Txn()),
        )
        == "program logs too large. 1025 bytes >  1024 bytes limit"
    )


def test_log_takes_bytes() -> None:
    assert reason(int_(1), op("log"), **app_kw(MemoryState(), Txn())) == (
        "log arg 0 wanted []byte but got uint64"
    )


def test_log_is_an_app_op() -> None:
    with pytest.raises(LogicError, match="log not allowed in current mode"):
        check_program(code(byte(b"x"), op("log"), int_(1)), Mode.SIG)
    with pytest.raises(LogicError, match="illegal opcode 0xb0"):
        check_program(code(byte(b"x"), op("log"), int_(1), version=4), Mode.APP)
