"""Hashing and signature opcodes: the evaluator's side of `avm/crypto.py`.

`vrf_verify` and the `ec_*` family are left unregistered on purpose (see
`crypto.UNSUPPORTED_OPS`): they fail with "unsupported opcode <name>" when they run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import crypto
from ..context import EvalContext
from ..spec import field_groups
from .registry import register

if TYPE_CHECKING:
    from ..program import Instruction, ProgramInfo


def _hash(fn: Callable[[bytes], bytes]) -> Callable[[EvalContext, object], None]:
    def op(cx: EvalContext, imm: object) -> None:
        cx.stack[-1] = fn(cx.stack[-1])  # type: ignore[arg-type]  # checked by the wrapper

    return op


register("sha256")(_hash(crypto.sha256))
register("keccak256")(_hash(crypto.keccak256))
register("sha512_256")(_hash(crypto.sha512_256))
register("sha3_256")(_hash(crypto.sha3_256))


def _program_digest(ins: Instruction, info: ProgramInfo) -> bytes:
    """ed25519verify signs over the hash of the program that runs it: computed once."""
    return crypto.program_hash(info.bytecode)


@register("ed25519verify", prepare=_program_digest)
def op_ed25519verify(cx: EvalContext, program_digest: bytes) -> None:
    stack = cx.stack
    public_key, signature, data = stack.pop(), stack.pop(), stack[-1]
    stack[-1] = int(crypto.ed25519verify(data, signature, public_key, program_digest))  # type: ignore[arg-type]


@register("ed25519verify_bare")
def op_ed25519verify_bare(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    public_key, signature, data = stack.pop(), stack.pop(), stack[-1]
    stack[-1] = int(crypto.ed25519verify_bare(data, signature, public_key))  # type: ignore[arg-type]


def _curve(ins: Instruction, info: ProgramInfo) -> int | str:
    """The curve's code if this program's version has it, else go's runtime error text."""
    code = ins.immediates[0]
    field = field_groups()["ECDSA Curves"].by_code.get(code)
    if field is None or field.version > info.version:
        return f"invalid curve {code}"
    return int(code)


def _check_curve(curve: int | str) -> int:
    if isinstance(curve, str):
        from ..errors import LogicError

        raise LogicError(curve)
    return curve


@register("ecdsa_verify", prepare=_curve)
def op_ecdsa_verify(cx: EvalContext, curve: int | str) -> None:
    code = _check_curve(curve)
    stack = cx.stack
    y, x, s, r, data = stack.pop(), stack.pop(), stack.pop(), stack.pop(), stack[-1]
    stack[-1] = int(crypto.ecdsa_verify(code, data, r, s, x, y))  # type: ignore[arg-type]


@register("ecdsa_pk_decompress", prepare=_curve)
def op_ecdsa_pk_decompress(cx: EvalContext, curve: int | str) -> None:
    code = _check_curve(curve)
    stack = cx.stack
    x, y = crypto.ecdsa_pk_decompress(code, stack[-1])  # type: ignore[arg-type]
    stack[-1] = x
    stack.append(y)


@register("ecdsa_pk_recover", prepare=_curve)
def op_ecdsa_pk_recover(cx: EvalContext, curve: int | str) -> None:
    code = _check_curve(curve)
    stack = cx.stack
    s, r, recovery_id, data = stack.pop(), stack.pop(), stack.pop(), stack[-1]
    x, y = crypto.ecdsa_pk_recover(code, data, recovery_id, r, s)  # type: ignore[arg-type]
    stack[-1] = x
    stack.append(y)
