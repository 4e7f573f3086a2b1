"""Recording what each opcode of one program run did, for simulate's execution trace.

The evaluator calls a tracer only when `EvalContext.tracer` is set, and then through a separate
run loop (`evaluator._run_traced`), so untraced evaluation pays nothing for this. What is
recorded follows go's simulation tracer: per executed opcode its pc, how many stack values it
removed (go's `StackExplain`: the spec's argument count, or a rule for ops whose depth is an
immediate or a frame), the values it left on top of the stack, and the scratch slots it wrote.

With state tracing (`state-change`), each app-state op is explained before it runs, as go's
`AppStateExplain` does: which state (global, local or box), which operation (write, delete or
read), which app, account and key. Writes and deletes become the opcode's state changes, whose
new values are read after it ran (none if it failed); every explained op, reads too, also
records the value the key held before the group touched it (`InitialStates`, go's
`ResourcesInitialStates`), unless the running app was created by the group or the group
created the key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..encoding import ZERO_ADDRESS, sha512_256
from .context import StackValue
from .errors import LogicError

if TYPE_CHECKING:
    from .context import EvalContext
    from .program import Instruction, Program


@dataclass(slots=True)
class OpcodeTrace:
    """One executed opcode (go: `OpcodeTraceUnit`)."""

    pc: int
    stack_pop_count: int = 0
    stack_additions: list[StackValue] = field(default_factory=list)
    scratch_changes: list[tuple[int, StackValue]] = field(default_factory=list)
    spawned_inners: list[int] = field(default_factory=list)  # inner-trace indexes it submitted
    state_changes: list[StateChange] = field(default_factory=list)


# go's AppStateEnum and AppStateOpEnum, as algod's JSON spells them ("r" is never reported).
GLOBAL, LOCAL, BOX = "g", "l", "b"
WRITE, DELETE, READ = "w", "d", "r"

# (state, operation, app, account, key): what an app-state op touches (go: AppStateExplain).
StateAccess = tuple[str, str, int, bytes, bytes]


@dataclass(slots=True)
class StateChange:
    """A write or delete of an app state by one opcode (go: `StateOperation`)."""

    state: str
    operation: str
    app_id: int
    account: bytes  # the local state's account; the zero address for global and box state
    key: bytes
    new_value: StackValue | None = None  # None: deleted, absent, or the op failed


def _bytes(value: StackValue) -> bytes:
    return value if type(value) is bytes else b""  # go reads .Bytes whatever the type


def _uint(value: StackValue) -> int:
    return value if type(value) is int else 0


def _locals(cx: EvalContext, account: StackValue, ref: int) -> tuple[bytes, int]:
    from .resources import locals_reference

    try:
        return locals_reference(cx, account, ref)
    except LogicError:
        return ZERO_ADDRESS, 0  # the op itself reports the problem


def _mutable(cx: EvalContext, account: StackValue) -> bytes:
    from .resources import mutable_account_reference

    try:
        return mutable_account_reference(cx, account)
    except LogicError:
        return ZERO_ADDRESS


def _foreign_app(cx: EvalContext, ref: StackValue) -> int:
    from .resources import app_reference

    try:
        return app_reference(cx, _uint(ref), foreign=True)
    except LogicError:
        return 0


def _local_read(
    cx: EvalContext, account: StackValue, ref: StackValue, key: StackValue
) -> StateAccess:
    address, app_id = _locals(cx, account, _uint(ref))
    return LOCAL, READ, app_id, address, _bytes(key)


_StateExplain = Callable[["EvalContext", list[StackValue]], StateAccess]

# Indexes count from the top of the stack (-1 is the last argument).
_STATE_OPS: dict[str, _StateExplain] = {
    "app_global_get": lambda cx, s: (GLOBAL, READ, cx.app_id, ZERO_ADDRESS, _bytes(s[-1])),
    "app_global_get_ex": lambda cx, s: (
        GLOBAL, READ, _foreign_app(cx, s[-2]), ZERO_ADDRESS, _bytes(s[-1])
    ),
    "app_global_put": lambda cx, s: (GLOBAL, WRITE, cx.app_id, ZERO_ADDRESS, _bytes(s[-2])),
    "app_global_del": lambda cx, s: (GLOBAL, DELETE, cx.app_id, ZERO_ADDRESS, _bytes(s[-1])),
    "app_local_get": lambda cx, s: (
        LOCAL, READ, cx.app_id, _locals(cx, s[-2], 0)[0], _bytes(s[-1])
    ),
    "app_local_get_ex": lambda cx, s: _local_read(cx, s[-3], s[-2], s[-1]),
    "app_local_put": lambda cx, s: (LOCAL, WRITE, cx.app_id, _mutable(cx, s[-3]), _bytes(s[-2])),
    "app_local_del": lambda cx, s: (LOCAL, DELETE, cx.app_id, _mutable(cx, s[-2]), _bytes(s[-1])),
}  # fmt: skip

# Box ops: the name is their deepest argument; the app_box_ forms take the app below it.
_BOX_OPS = {
    "box_create": WRITE, "box_extract": READ, "box_replace": WRITE, "box_del": DELETE,
    "box_len": READ, "box_get": READ, "box_put": WRITE, "box_splice": WRITE, "box_resize": WRITE,
}  # fmt: skip


def explain_state(ins: Instruction, cx: EvalContext) -> StateAccess | None:
    """What the app-state op `ins` is about to touch, or None for any other op (and for a
    stack too short for it: the op then fails on its own)."""
    name = ins.spec.name
    stack = cx.stack
    if len(stack) < len(ins.spec.args):
        return None
    explain = _STATE_OPS.get(name)
    if explain is not None:
        return explain(cx, stack)
    foreign = name.startswith("app_box_")
    operation = _BOX_OPS.get(name[4:] if foreign else name)
    if operation is None:
        return None
    base = len(stack) - len(ins.spec.args)
    if foreign:
        return BOX, operation, _uint(stack[base]), ZERO_ADDRESS, _bytes(stack[base + 1])
    return BOX, operation, cx.app_id, ZERO_ADDRESS, _bytes(stack[base])


def query_state(cx: EvalContext, access: StateAccess) -> StackValue | None:
    """The value `access` names now, None when there is none (go: AppStateQuerying)."""
    from .resources import locals_reference, mutable_account_reference

    state, operation, app_id, account, key = access
    assert cx.app is not None
    chain = cx.app.state
    try:
        if state == BOX:
            return chain.box_get(app_id, key)
        if state == GLOBAL:
            return chain.global_get(app_id, key)
        if operation == READ:
            address, app_id = locals_reference(cx, account, app_id)
        else:
            address = mutable_account_reference(cx, account)
        return chain.local_get(address, app_id, key)
    except LogicError:
        return None


@dataclass(slots=True)
class InitialStates:
    """The values the app states a group's programs touched held before it ran (go:
    `ResourcesInitialStates`): per app, each key's first value, None when it had none."""

    created_apps: set[int] = field(default_factory=set)
    apps: dict[int, dict[tuple[str, bytes, bytes], StackValue | None]] = field(
        default_factory=dict
    )  # app -> (state, account, key) -> value
    created: set[tuple[int, str, bytes, bytes]] = field(default_factory=set)

    def record(self, cx: EvalContext, access: StateAccess) -> None:
        """go's `increment`, before the op runs: a key's first touch records its value, unless
        the op writes a key that has none (the group creates it: never recorded)."""
        if cx.app_id in self.created_apps:
            return
        state, operation, app_id, account, key = access
        values = self.apps.setdefault(app_id, {})
        slot = (state, account if state == LOCAL else ZERO_ADDRESS, key)
        if slot in values or (app_id, *slot) in self.created:
            return
        value = query_state(cx, access)
        if operation == WRITE and value is None:
            self.created.add((app_id, *slot))
            return
        values[slot] = value


def _depth(ins: Instruction) -> int:
    return int(ins.immediates[0])


def _retsub_pops(ins: Instruction, cx: EvalContext) -> int:
    if not cx.callstack or not cx.callstack[-1].clear:
        return 0
    frame = cx.callstack[-1]
    return len(cx.stack) - (frame.height - frame.args)


def _frame_bury_pops(ins: Instruction, cx: EvalContext) -> int:
    if not cx.callstack:
        return 1
    return len(cx.stack) - (cx.callstack[-1].height + _depth(ins))


# go's custom `StackExplain` rules: ops whose pops are not their spec's argument count.
_POPS: dict[str, Callable[[Instruction, EvalContext], int]] = {
    "return": lambda ins, cx: len(cx.stack),
    "bury": lambda ins, cx: _depth(ins) + 1,
    "popn": lambda ins, cx: _depth(ins),
    "dupn": lambda ins, cx: 1,
    "dig": lambda ins, cx: 0,
    "frame_dig": lambda ins, cx: 0,
    "cover": lambda ins, cx: _depth(ins) + 1,
    "uncover": lambda ins, cx: _depth(ins) + 1,
    "retsub": _retsub_pops,
    "frame_bury": _frame_bury_pops,
    "match": lambda ins, cx: len(ins.immediates[0]) + 1,
    "pushbytess": lambda ins, cx: 0,
    "pushints": lambda ins, cx: 0,
}


def stack_pops(ins: Instruction, cx: EvalContext) -> int:
    """How many values `ins` removes from the stack, as go's tracer reports it."""
    rule = _POPS.get(ins.spec.name)
    pops = len(ins.spec.args) if rule is None else rule(ins, cx)
    return max(0, min(pops, len(cx.stack)))


def scratch_writes(ins: Instruction, cx: EvalContext) -> tuple[int, ...]:
    """The scratch slots `ins` is about to write (store's immediate, stores' stack operand)."""
    name = ins.spec.name
    if name == "store":
        return (_depth(ins),)
    if name == "stores" and len(cx.stack) >= 2:
        slot = cx.stack[-2]
        if type(slot) is int and slot < len(cx.scratch):
            return (slot,)
    return ()


class ProgramTracer:
    """Collects the trace of one program run; hand it to `EvalContext(tracer=...)`.

    `stack` and `scratch` say whether to record stack and scratch changes (go's
    `stack-change` and `scratch-change`); without them only the pcs are recorded. `states`,
    given for app programs when state changes are traced (go's `state-change`), collects the
    group's initial states; the units then record their state changes.
    """

    def __init__(
        self, *, stack: bool = False, scratch: bool = False, states: InitialStates | None = None
    ) -> None:
        self.stack = stack
        self.scratch = scratch
        self.states = states
        self.units: list[OpcodeTrace] = []
        self.program_hash = b""
        self._instructions: dict[int, Instruction] = {}
        self._height = 0
        self._slots: tuple[int, ...] = ()

    def begin(self, program: Program) -> None:
        """Called once before the first opcode."""
        self.program_hash = sha512_256(program.bytecode)
        self._instructions = {ins.pc: ins for ins in program.instructions}

    def before(self, cx: EvalContext, pc: int) -> None:
        """Called before the opcode at `pc` runs (even if it then fails)."""
        unit = OpcodeTrace(pc)
        self.units.append(unit)
        if not (self.stack or self.scratch or self.states is not None):
            return
        ins = self._instructions[pc]
        if self.states is not None:
            access = explain_state(ins, cx)
            if access is not None:
                state, operation, app_id, account, key = access
                if operation != READ:
                    unit.state_changes.append(StateChange(state, operation, app_id, account, key))
                self.states.record(cx, access)
        if self.stack:
            unit.stack_pop_count = stack_pops(ins, cx)
            self._height = len(cx.stack) - unit.stack_pop_count
        if self.scratch:
            self._slots = scratch_writes(ins, cx)

    def after(self, cx: EvalContext) -> None:
        """Called after the opcode recorded last ran without error."""
        unit = self.units[-1]
        if self.stack:
            unit.stack_additions = cx.stack[self._height :]
        if self.scratch and self._slots:
            unit.scratch_changes = [(slot, cx.scratch[slot]) for slot in self._slots]
        for change in unit.state_changes:
            change.new_value = query_state(
                cx, (change.state, change.operation, change.app_id, change.account, change.key)
            )
