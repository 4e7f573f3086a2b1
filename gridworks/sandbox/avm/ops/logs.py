"""`log`: an app call's output, kept in `cx.app.logs` for the ledger to record (v5+, app mode).

Consensus caps one app call's logs at 32 entries and 1,024 bytes together (go: MaxLogCalls,
MaxLogSize); the 33rd call, or the byte that crosses the cap, fails the program.
"""

from __future__ import annotations

from ..context import EvalContext, app_call
from ..errors import LogicError
from .registry import arg_type_error, register

MAX_LOG_CALLS = 32
MAX_LOG_SIZE = 1_024


@register("log", self_checked=True)
def op_log(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    message = stack[-1]
    if type(message) is not bytes:
        raise arg_type_error("log", (message,))
    app = app_call(cx)
    if len(app.logs) >= MAX_LOG_CALLS:
        raise LogicError(f"too many log calls in program. up to {MAX_LOG_CALLS} is allowed")
    app.log_size += len(message)
    if app.log_size > MAX_LOG_SIZE:
        raise LogicError(
            f"program logs too large. {app.log_size} bytes >  {MAX_LOG_SIZE} bytes limit"
        )
    app.logs.append(message)
    del stack[-1]
