"""`log`: an app call's output, kept in `cx.app.logs` for the ledger to record (v5+, app mode).

Consensus caps one app call's logs at 32 entries and 1,024 bytes together (go: MaxLogCalls,
MaxLogSize); the 33rd call, or the byte that crosses the cap, fails the program. The caps are
the call's own (`AppCallContext.max_log_calls`, `max_log_size`): simulate may lift them.
"""

from __future__ import annotations

from ..context import MAX_LOG_CALLS, MAX_LOG_SIZE, EvalContext, app_call
from ..errors import LogicError
from .registry import arg_type_error, register

__all__ = ["MAX_LOG_CALLS", "MAX_LOG_SIZE", "op_log"]


@register("log", self_checked=True)
def op_log(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    message = stack[-1]
    if type(message) is not bytes:
        raise arg_type_error("log", (message,))
    app = app_call(cx)
    if len(app.logs) >= app.max_log_calls:
        raise LogicError(f"too many log calls in program. up to {app.max_log_calls} is allowed")
    app.log_size += len(message)
    if app.log_size > app.max_log_size:
        raise LogicError(
            f"program logs too large. {app.log_size} bytes >  {app.max_log_size} bytes limit"
        )
    app.logs.append(message)
    del stack[-1]
