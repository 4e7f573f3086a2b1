"""Hashing, signature and curve opcodes: the evaluator's side of `avm/crypto.py`,
`avm/pairing.py` (the `ec_*` family), `avm/zkhash.py` (`mimc`, `poseidon2`) and `avm/vrf.py`.

`ec_map_to` on a BN254 group fails with "unsupported opcode ec_map_to <group>" when it runs
(see `crypto.UNSUPPORTED_EC_MAP_TO`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import crypto, pairing, vrf, zkhash
from ..context import EvalContext
from ..errors import LogicError
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
register("sha512")(_hash(crypto.sha512))


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


@register("falcon_verify")
def op_falcon_verify(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    public_key, signature, data = stack.pop(), stack.pop(), stack[-1]
    stack[-1] = int(crypto.falcon_verify(data, signature, public_key))  # type: ignore[arg-type]


# --- field-element hashes (mimc, poseidon2) ---------------------------------------------------


def _config(op: str, group: str) -> Callable[[Instruction, ProgramInfo], int | str]:
    """The configuration's code if this program's version has it, else go's error text."""

    def prepare(ins: Instruction, info: ProgramInfo) -> int | str:
        code = ins.immediates[0]
        field = field_groups()[group].by_code.get(code)
        if field is None or field.version > info.version:
            return f"invalid {op} config {code}"
        return int(code)

    return prepare


def _zk_hash(op: str, fn: Callable[[int, bytes], bytes]) -> Callable[[EvalContext, object], None]:
    def run(cx: EvalContext, config: object) -> None:
        if isinstance(config, str):
            raise LogicError(config)
        cx.stack[-1] = fn(config, cx.stack[-1])  # type: ignore[arg-type]

    return run


register("mimc", prepare=_config("mimc", "MimcConfigurations Parameters"))(
    _zk_hash("mimc", zkhash.mimc)
)
register("poseidon2", prepare=_config("poseidon2", "Poseidon2 Configurations Parameters"))(
    _zk_hash("poseidon2", zkhash.poseidon2)
)


# --- elliptic curves (ec_*) -------------------------------------------------------------------


def _ec_group(ins: Instruction, info: ProgramInfo) -> pairing.EcGroup | str:
    code = ins.immediates[0]
    field = field_groups()["EC Groups"].by_code.get(code)
    if field is None or field.version > info.version:
        return f"invalid {ins.spec.name} group {code}"
    return pairing.EcGroup(code)


def _group_of(group: pairing.EcGroup | str) -> pairing.EcGroup:
    if isinstance(group, str):
        raise LogicError(group)
    return group


@register("ec_add", prepare=_ec_group)
def op_ec_add(cx: EvalContext, group: pairing.EcGroup | str) -> None:
    stack = cx.stack
    b = stack.pop()
    stack[-1] = pairing.ec_add(_group_of(group), stack[-1], b)  # type: ignore[arg-type]


@register("ec_scalar_mul", prepare=_ec_group)
def op_ec_scalar_mul(cx: EvalContext, group: pairing.EcGroup | str) -> None:
    stack = cx.stack
    k = stack.pop()
    stack[-1] = pairing.ec_scalar_mul(_group_of(group), stack[-1], k)  # type: ignore[arg-type]


@register("ec_multi_scalar_mul", prepare=_ec_group)
def op_ec_multi_scalar_mul(cx: EvalContext, group: pairing.EcGroup | str) -> None:
    stack = cx.stack
    scalars = stack.pop()
    stack[-1] = pairing.ec_multi_scalar_mul(_group_of(group), stack[-1], scalars)  # type: ignore[arg-type]


@register("ec_pairing_check", prepare=_ec_group)
def op_ec_pairing_check(cx: EvalContext, group: pairing.EcGroup | str) -> None:
    stack = cx.stack
    b = stack.pop()
    stack[-1] = int(pairing.ec_pairing_check(_group_of(group), stack[-1], b))  # type: ignore[arg-type]


@register("ec_subgroup_check", prepare=_ec_group)
def op_ec_subgroup_check(cx: EvalContext, group: pairing.EcGroup | str) -> None:
    cx.stack[-1] = int(pairing.ec_subgroup_check(_group_of(group), cx.stack[-1]))  # type: ignore[arg-type]


@register("ec_map_to", prepare=_ec_group)
def op_ec_map_to(cx: EvalContext, group: pairing.EcGroup | str) -> None:
    g = _group_of(group)
    if g.name in crypto.UNSUPPORTED_EC_MAP_TO:
        raise LogicError(f"unsupported opcode ec_map_to {g.name}: no implementation of go's map")
    cx.stack[-1] = pairing.ec_map_to(g, cx.stack[-1])  # type: ignore[arg-type]


# --- vrf_verify -------------------------------------------------------------------------------


def _vrf_standard(ins: Instruction, info: ProgramInfo) -> str:
    """ "" for VrfAlgorand (the one standard), else go's runtime error."""
    code = ins.immediates[0]
    field = field_groups()["vrf_verify Standards"].by_code.get(code)
    if field is None or field.version > info.version:
        name = field.name if field is not None else f"VrfStandard({code})"
        return f"invalid VRF standard {name}"
    return ""


@register("vrf_verify", prepare=_vrf_standard)
def op_vrf_verify(cx: EvalContext, error: str) -> None:
    stack = cx.stack
    public_key, proof, data = stack[-1], stack[-2], stack[-3]
    assert type(public_key) is bytes and type(proof) is bytes and type(data) is bytes
    if len(proof) != 80:
        raise LogicError(f"vrf proof wrong size {len(proof)} != 80")
    if len(public_key) != 32:
        raise LogicError(f"vrf pubkey wrong size {len(public_key)} != 32")
    if error:
        raise LogicError(error)
    output, verified = vrf.vrf_verify(data, proof, public_key)
    del stack[-1]
    stack[-2:] = (output, int(verified))
