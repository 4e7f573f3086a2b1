"""Op name -> implementation. Families register here; `program.py` binds them to instructions.

See the package docstring (`ops/__init__.py`) for how to add a family.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..context import MAX_VALUE_SIZE
from ..errors import LogicError
from ..spec import MAX_VERSION, OpSpec, opcodes, stack_types

if TYPE_CHECKING:
    from ..context import EvalContext
    from ..program import Instruction, ProgramInfo

OpFn = Callable[["EvalContext", Any], "int | None"]
Prepare = Callable[["Instruction", "ProgramInfo"], Any]


@dataclass(frozen=True, slots=True)
class Implementation:
    name: str
    fn: OpFn
    prepare: Prepare | None
    self_checked: bool


_REGISTRY: dict[str, Implementation] = {}
_loaded = False


def register(
    *names: str, prepare: Prepare | None = None, self_checked: bool = False
) -> Callable[[OpFn], OpFn]:
    """Decorator: `fn` implements the opcodes `names` (see `ops/__init__.py`)."""
    known = opcodes(MAX_VERSION).by_name

    def decorate(fn: OpFn) -> OpFn:
        for name in names:
            if name not in known:
                raise ValueError(f"{name!r} is not an AVM opcode (see avm/spec.py)")
            if name in _REGISTRY:
                raise ValueError(f"opcode {name!r} is implemented twice")
            _REGISTRY[name] = Implementation(name, fn, prepare, self_checked)
        return fn

    return decorate


def implementation(name: str) -> Implementation | None:
    """The registered implementation of opcode `name`, or None (it then fails when it runs)."""
    _load_families()
    return _REGISTRY.get(name)


def _load_families() -> None:
    """Imports every module of this package once: adding a family is adding a file."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    package = __name__.rpartition(".")[0]
    path = importlib.import_module(package).__path__
    for module in pkgutil.iter_modules(path):
        if module.name != "registry":
            importlib.import_module(f"{package}.{module.name}")


def first_immediate(ins: Instruction, info: ProgramInfo) -> Any:
    """A `prepare` for ops with one immediate: hand `fn` the value itself, not a 1-tuple."""
    return ins.immediates[0]


def unsupported(name: str) -> OpFn:
    """The stand-in for an opcode nobody has implemented yet: fails only if it runs."""

    def op(cx: EvalContext, imm: Any) -> None:
        raise LogicError(f"unsupported opcode {name}")

    return op


def type_name(value: object) -> str:
    return "[]byte" if type(value) is bytes else "uint64"


def arg_type_error(name: str, args: tuple[object, ...]) -> LogicError:
    """go's message for the first of opcode `name`'s `args` (deepest first) of the wrong type."""
    for i, (value, arg) in enumerate(
        zip(args, opcodes(MAX_VERSION).by_name[name].args, strict=False)
    ):
        want = _avm_type(arg)
        if want is not None and type(value) is not want:
            return LogicError(f"{name} arg {i} wanted {arg} but got {type_name(value)}")
    return LogicError(f"{name} got an argument of the wrong type")


def _avm_type(name: str) -> type | None:
    """The Python type of a stack type name ("uint64", "bigint", "[32]byte" ...); None = any."""
    named = stack_types().get(name)
    avm = named.avm_type if named is not None else ("[]byte" if name.endswith("byte") else "any")
    return {"uint64": int, "[]byte": bytes}.get(avm)


def with_type_checks(fn: OpFn, spec: OpSpec) -> OpFn:
    """Wraps `fn` in go's generic checks: argument types before, result sizes after."""
    wanted = [(i, t, name) for i, name in enumerate(spec.args) if (t := _avm_type(name))]
    count = len(spec.args)
    returns = len(spec.returns)
    op_name = spec.name

    def checked(cx: EvalContext, imm: Any) -> int | None:
        stack = cx.stack
        base = len(stack) - count
        for i, want, name in wanted:
            value = stack[base + i]
            if type(value) is not want:
                raise LogicError(f"{op_name} arg {i} wanted {name} but got {type_name(value)}")
        target = fn(cx, imm)
        for value in stack[len(stack) - returns :] if returns else ():
            if type(value) is bytes and len(value) > MAX_VALUE_SIZE:
                raise LogicError(f"{op_name} produced a too big ({len(value)}) byte-array")
        return target

    return checked
