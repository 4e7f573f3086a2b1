"""Recording what each opcode of one program run did, for simulate's execution trace.

The evaluator calls a tracer only when `EvalContext.tracer` is set, and then through a separate
run loop (`evaluator._run_traced`), so untraced evaluation pays nothing for this. What is
recorded follows go's simulation tracer: per executed opcode its pc, how many stack values it
removed (go's `StackExplain`: the spec's argument count, or a rule for ops whose depth is an
immediate or a frame), the values it left on top of the stack, and the scratch slots it wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..encoding import sha512_256
from .context import StackValue

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
    `stack-change` and `scratch-change`); without them only the pcs are recorded.
    """

    def __init__(self, *, stack: bool = False, scratch: bool = False) -> None:
        self.stack = stack
        self.scratch = scratch
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
        if not (self.stack or self.scratch):
            return
        ins = self._instructions[pc]
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
