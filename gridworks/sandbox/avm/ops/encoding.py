"""Decoding opcodes: `base64_decode` and `json_ref` (the evaluator's side of their modules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..base64_decode import base64_decode
from ..context import EvalContext
from ..errors import LogicError
from ..json_ref import json_ref
from ..spec import field_groups
from .registry import register

if TYPE_CHECKING:
    from ..program import Instruction, ProgramInfo


def _field(group: str, what: str, type_name: str):  # type: ignore[no-untyped-def]
    """A `prepare` resolving the immediate to a field name, or go's runtime error text."""

    def prepare(ins: Instruction, info: ProgramInfo) -> tuple[bool, str]:
        code = ins.immediates[0]
        field = field_groups()[group].by_code.get(code)
        if field is None or field.version > info.version:
            shown = field.name if field is not None else f"{type_name}({code})"
            return False, f"invalid {what} {shown}"
        return True, field.name

    return prepare


@register(
    "base64_decode", prepare=_field("base64 Encodings", "base64_decode encoding", "Base64Encoding")
)
def op_base64_decode(cx: EvalContext, field: tuple[bool, str]) -> None:
    ok, name = field
    if not ok:
        raise LogicError(name)
    cx.stack[-1] = base64_decode(name, cx.stack[-1])  # type: ignore[arg-type]


@register("json_ref", prepare=_field("json_ref Types", "json_ref type", "JSONRefType"))
def op_json_ref(cx: EvalContext, field: tuple[bool, str]) -> None:
    ok, name = field
    if not ok:
        raise LogicError(name)
    stack = cx.stack
    key = stack.pop()
    stack[-1] = json_ref(stack[-1], key, name)  # type: ignore[arg-type]
