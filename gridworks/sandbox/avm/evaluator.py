"""Running a checked program: the run loop, budget accounting and go's final-stack rule.

A program passes when it ends with exactly one value on the stack and that value is a non-zero
uint64; it rejects (passes=False) when that value is 0. Anything else (a panic, a malformed
program, an exhausted budget, a bad final stack) raises `LogicError` with go's reason and the
pc, and no other exception ever leaves `evaluate`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .context import MAX_LOGIC_SIG_ARGS, MAX_STACK_DEPTH, MAX_VALUE_SIZE, EvalContext, StackValue
from .errors import LogicError
from .group_resources import begin_app_call
from .program import Program, check_program
from .spec import BACK_BRANCH_VERSION, Mode
from .trace import ProgramTracer


@dataclass(frozen=True, slots=True)
class EvalResult:
    passed: bool
    cost: int  # what this program spent
    top: StackValue  # the final (only) stack value


def evaluate(program: bytes | Program, ctx: EvalContext) -> EvalResult:
    """Checks (once per distinct program, cached) and runs `program` in `ctx`."""
    try:
        checked = program if isinstance(program, Program) else check_program(program, ctx.mode)
        _begin(checked, ctx)
        if ctx.tracer is None:
            _run(checked, ctx)
        else:
            _run_traced(checked, ctx, ctx.tracer)
    except LogicError:
        raise
    except Exception as exc:  # a bug of ours must still look like a failed program
        raise LogicError(f"internal error: {exc!r}", ctx.pc) from exc
    return _finish(ctx)


def _begin(program: Program, ctx: EvalContext) -> None:
    """go's `begin` and the pre-run checks of `check` and `eval`."""
    version = program.version
    if program.mode != ctx.mode:
        raise LogicError(f"program was checked for mode {program.mode!r}, not {ctx.mode!r}")
    if ctx.app is not None:
        begin_app_call(ctx)  # as go's EvalContract does before it evaluates
    if version > ctx.globals.logic_sig_version:
        raise LogicError(
            f"program version {version} greater than protocol supported version "
            f"{ctx.globals.logic_sig_version}"
        )
    min_version = ctx.group.min_version
    if version < min_version:
        raise LogicError(
            f"program version must be >= {min_version} for this transaction group, "
            f"but have version {version}"
        )
    if version < BACK_BRANCH_VERSION:
        budget = ctx.budget.remaining
        overrun = program.static_cost_overrun(budget)
        if overrun is not None:
            raise LogicError(f"static cost budget of {budget} exceeded", overrun)
    if ctx.mode == Mode.SIG:
        if len(ctx.args) > MAX_LOGIC_SIG_ARGS:
            raise LogicError("LogicSig has too many arguments")
        if any(len(arg) > MAX_VALUE_SIZE for arg in ctx.args):
            raise LogicError("LogicSig argument too large")
    else:
        ctx.group.scratch[ctx.group_index] = ctx.scratch  # for later gload
    ctx.version = version
    ctx.pc = program.start
    ctx.cost = 0
    ctx.stack.clear()
    ctx.callstack.clear()
    ctx.from_callsub = False
    ctx.intc = ()
    ctx.bytec = ()


def _run(program: Program, ctx: EvalContext) -> None:
    """The hot loop: everything it touches per instruction is a local."""
    steps = program.steps
    stack = ctx.stack
    budget = ctx.budget
    end = len(program.bytecode)
    pc = program.start
    used = ctx.cost
    try:
        while pc < end:
            op, imm, next_pc, cost, nargs, per_length = steps[pc]  # type: ignore[misc]
            if len(stack) < nargs:
                raise LogicError(f"stack underflow in {program.at(pc).spec.name}")
            if per_length is not None:
                cost += _length_cost(stack, per_length)
            if cost > budget.remaining:
                raise LogicError(
                    f"dynamic cost budget exceeded, executing {program.at(pc).spec.name}: "
                    f"local program cost was {used}"
                )
            budget.remaining -= cost
            used += cost
            target = op(ctx, imm)
            if len(stack) > MAX_STACK_DEPTH:
                raise LogicError("stack overflow")
            pc = next_pc if target is None else target
    except LogicError as err:
        if err.pc is not None:
            raise
        raise LogicError(err.reason, pc) from None
    except Exception as exc:
        name = program.at(pc).spec.name
        raise LogicError(f"internal error executing {name}: {exc!r}", pc) from exc
    finally:
        ctx.pc = pc
        ctx.cost = used


def _run_traced(program: Program, ctx: EvalContext, tracer: ProgramTracer) -> None:
    """`_run` with the tracer told of every opcode: kept apart so `_run` stays lean."""
    steps = program.steps
    stack = ctx.stack
    budget = ctx.budget
    end = len(program.bytecode)
    pc = program.start
    used = ctx.cost
    tracer.begin(program)
    try:
        while pc < end:
            op, imm, next_pc, cost, nargs, per_length = steps[pc]  # type: ignore[misc]
            tracer.before(ctx, pc)
            if len(stack) < nargs:
                raise LogicError(f"stack underflow in {program.at(pc).spec.name}")
            if per_length is not None:
                cost += _length_cost(stack, per_length)
            if cost > budget.remaining:
                raise LogicError(
                    f"dynamic cost budget exceeded, executing {program.at(pc).spec.name}: "
                    f"local program cost was {used}"
                )
            budget.remaining -= cost
            used += cost
            ctx.pc = pc  # ops that spawn inner programs may read it
            target = op(ctx, imm)
            if len(stack) > MAX_STACK_DEPTH:
                raise LogicError("stack overflow")
            tracer.after(ctx)
            pc = next_pc if target is None else target
    except LogicError as err:
        if err.pc is not None:
            raise
        raise LogicError(err.reason, pc) from None
    except Exception as exc:
        name = program.at(pc).spec.name
        raise LogicError(f"internal error executing {name}: {exc!r}", pc) from exc
    finally:
        ctx.pc = pc
        ctx.cost = used


def _length_cost(stack: list[StackValue], per_length: tuple[int, int, int]) -> int:
    per_chunk, chunk, depth = per_length
    value = stack[-1 - depth]
    size = len(value) if type(value) is bytes else 0
    return per_chunk * -(-size // chunk)


def _finish(ctx: EvalContext) -> EvalResult:
    stack = ctx.stack
    if len(stack) != 1:
        raise LogicError(f"stack len is {len(stack)} instead of 1", ctx.pc)
    top = stack[0]
    if type(top) is not int:
        raise LogicError("stack finished with bytes not int", ctx.pc)
    return EvalResult(passed=top != 0, cost=ctx.cost, top=top)
