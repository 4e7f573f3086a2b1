"""The state of one program's evaluation: stack, scratch, constants, frames, budget and views,
and for an app call with chain state its `AppCallContext`.

Stack values are plain Python: a uint64 is an `int` (never a `bool`), a byte-array is `bytes`.
Op implementations mutate `stack` in place (the run loop holds a reference to the same list).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import LogicError
from .spec import Mode
from .views import GlobalView, GroupView

if TYPE_CHECKING:
    from .app_state import AppState, InnerResult, InnerTxn
    from .trace import ProgramTracer

StackValue = int | bytes

UINT64_MAX = 2**64 - 1
MAX_STACK_DEPTH = 1_000
MAX_VALUE_SIZE = 4_096  # the longest byte-array the AVM holds (go: MaxAVMBytesSize)
MAX_BYTE_MATH_SIZE = 64  # the longest input of b+, b-, b<, ... (go: maxByteMathSize)
SCRATCH_SIZE = 256
MAX_LOGIC_SIG_ARGS = 255

# Consensus budgets (go: LogicSigMaxCost, MaxAppProgramCost); a group pools them.
LOGIC_SIG_MAX_COST = 20_000
MAX_APP_PROGRAM_COST = 700


class Budget:
    """Opcode budget left, shared by every program of a group that pools it (as go does)."""

    __slots__ = ("remaining",)

    def __init__(self, remaining: int) -> None:
        self.remaining = remaining

    @classmethod
    def for_logic_sigs(cls, group_size: int, per_txn: int = LOGIC_SIG_MAX_COST) -> Budget:
        """The pool of a group's logic sigs: `per_txn` for every transaction of the group."""
        return cls(group_size * per_txn)

    @classmethod
    def for_apps(cls, app_calls: int, per_call: int = MAX_APP_PROGRAM_COST) -> Budget:
        """The pool of a group's app calls: `per_call` for every app call of the group."""
        return cls(app_calls * per_call)

    def __repr__(self) -> str:
        return f"Budget(remaining={self.remaining})"


@dataclass(slots=True)
class Frame:
    """One `callsub`: where retsub returns to, the stack height then, what `proto` declared."""

    return_pc: int
    height: int
    clear: bool = False  # a `proto` ran: retsub drops the frame's args and locals
    args: int = 0
    returns: int = 0


MAX_LOG_CALLS = 32
MAX_LOG_SIZE = 1_024


class AppCallContext:
    """What an app call adds to a program run: the chain state it reads and writes, the apps
    that called it (outermost first; empty for a top-level call), and what it has produced so
    far: its logs and its inner transactions, those being built and those submitted (the
    ledger records `logs` and `submitted` as the call's effects when the program ends)."""

    __slots__ = (
        "state", "callers", "logs", "log_size", "building", "submitted", "last_group",
        "max_log_calls", "max_log_size", "parent", "touched_family_shared", "family_checked",
    )  # fmt: skip

    def __init__(
        self,
        state: AppState,
        *,
        callers: Sequence[int] = (),
        parent: AppCallContext | None = None,
    ) -> None:
        self.state = state
        self.callers: tuple[int, ...] = tuple(callers)
        # v13 family box sharing: the calling app's context (the app callers[-1]), whether
        # this call used a family-shared box, and whether its reentrancy rule was checked.
        self.parent = parent
        self.touched_family_shared = False
        self.family_checked = False
        self.logs: list[bytes] = []
        self.log_size = 0
        self.building: list[InnerTxn] = []  # between itxn_begin and itxn_submit
        self.submitted: list[InnerResult] = []  # every inner transaction, in order
        self.last_group: list[InnerResult] = []  # the last group submitted (for gitxn)
        # Consensus caps one call's logs (go: MaxLogCalls, MaxLogSize); simulate may lift them.
        self.max_log_calls = MAX_LOG_CALLS
        self.max_log_size = MAX_LOG_SIZE

    @property
    def caller_app_id(self) -> int:
        """The app whose inner transaction this call is, or 0 for a top-level call."""
        return self.callers[-1] if self.callers else 0


def app_call(cx: EvalContext) -> AppCallContext:
    """The app call `cx` runs, for the ops that need chain state (there is none without it)."""
    app = cx.app
    if app is None:
        raise LogicError("no app state: the evaluation was given no AppCallContext")
    return app


class EvalContext:
    """Everything one program run reads and writes, apart from the program itself."""

    __slots__ = (
        "mode",
        "version",
        "stack",
        "scratch",
        "intc",
        "bytec",
        "callstack",
        "from_callsub",
        "pc",
        "cost",
        "budget",
        "args",
        "group",
        "group_index",
        "globals",
        "app_id",
        "app",
        "tracer",
    )

    def __init__(
        self,
        mode: Mode = Mode.SIG,
        *,
        budget: Budget | None = None,
        group: GroupView | None = None,
        group_index: int = 0,
        args: Sequence[bytes] = (),
        globals: GlobalView | None = None,
        app_id: int = 0,
        app: AppCallContext | None = None,
        tracer: ProgramTracer | None = None,
    ) -> None:
        if mode not in (Mode.SIG, Mode.APP):
            raise ValueError("a program runs either as a logic sig (Mode.SIG) or an app (Mode.APP)")
        if app is not None and mode != Mode.APP:
            raise ValueError("only an app (Mode.APP) runs with an AppCallContext")
        self.mode = mode
        self.version = 0  # set from the program when it runs
        self.stack: list[StackValue] = []
        self.scratch: list[StackValue] = [0] * SCRATCH_SIZE
        self.intc: tuple[int, ...] = ()
        self.bytec: tuple[bytes, ...] = ()
        self.callstack: list[Frame] = []
        self.from_callsub = False  # set by a callsub that lands on `proto`, cleared by proto
        self.pc = 0
        self.cost = 0  # what this program has spent (the budget may be shared)
        if budget is None:
            budget = Budget(LOGIC_SIG_MAX_COST if mode == Mode.SIG else MAX_APP_PROGRAM_COST)
        self.budget = budget
        self.args: tuple[bytes, ...] = tuple(args)
        self.group = group if group is not None else GroupView(())
        self.group_index = group_index
        self.globals = globals if globals is not None else GlobalView()
        self.app_id = app_id
        self.app = app  # app mode with chain state: what the state and inner ops work on
        self.tracer = tracer  # set by simulate: the run then records each opcode's effects
