"""What each AVM cryptography opcode costs the sandbox in wall time (issue 13).

Each opcode runs through the evaluator, as a program would run it: a v13 logic sig (an app
call for the `ec_*` ops that need more than one budget's worth) that pushes its inputs,
runs the opcode once and leaves a 1. The clock covers the whole evaluation; the same program
with the opcode and its inputs left out is timed too and its time subtracted, so the table
shows the opcode's own time. Inputs are valid (points on the curve and in the subgroup, a
signature that verifies), so every opcode does its full work.

The reference is `ed25519verify_bare`, timed in the same run: the ratio column says how many
ed25519 verifications one opcode costs. The AVM budget column is the opcode's cost in the
spec (its opcode budget units) for these inputs, for comparison with go, where the costs are
set so that each unit is about the same time.

Usage: `.venv/bin/python bench/avm_crypto.py [repeats]` (default 5; the median is shown).
"""

from __future__ import annotations

import statistics
import sys
import time

from algorand_falcon import falcon1024
from py_ecc import optimized_bls12_381 as bls
from py_ecc import optimized_bn128 as bn

from gridworks.sandbox import ed25519
from gridworks.sandbox.avm import pairing
from gridworks.sandbox.avm.context import Budget, EvalContext
from gridworks.sandbox.avm.evaluator import evaluate
from gridworks.sandbox.avm.program import check_program
from gridworks.sandbox.avm.spec import Mode, field_groups, opcodes
from gridworks.sandbox.avm.wire import encode_varuint

VERSION = 13
TABLE = opcodes(VERSION).by_name


def push(value: bytes) -> bytes:
    return bytes([TABLE["pushbytes"].opcode]) + encode_varuint(len(value)) + value


def op(name: str, *immediates: int) -> bytes:
    return bytes([TABLE[name].opcode, *immediates])


def group(name: str, field: str) -> int:
    return field_groups()[name].by_name[field].code


def point(name: str, value: object) -> bytes:
    return pairing._encode(pairing._GROUPS[pairing.EcGroup[name]], value)  # type: ignore[arg-type]


SEED = bytes(range(32))
MESSAGE = b"gridworks " * 3
SIG = ed25519.sign(SEED, MESSAGE)
FALCON = falcon1024.Signer.generate(SEED)
FALCON_SIG = FALCON.sign(MESSAGE)
SCALAR = (2**200 + 12345).to_bytes(32, "big")
VRF_KEY = bytes.fromhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
VRF_PROOF = bytes.fromhex(
    "ae5b66bdf04b4c010bfe32b2fc126ead2107b697634f6f7337b9bff8785ee111200095ece87dde4dbe87343f6df3"
    "b107d91798c8a7eb1245d3bb9c5aafb093358c13e6ae1111a55717e895fd15f99f07"
)
ELEMENT = bytes.fromhex("23a950068dd3d1e21cee48e7919be7ae32cdef70311fc486336ea9d4b5042535")

POINTS = {
    "BN254g1": (point("BN254g1", bn.G1), point("BN254g1", bn.neg(bn.G1))),
    "BN254g2": (point("BN254g2", bn.G2), b""),
    "BLS12_381g1": (point("BLS12_381g1", bls.G1), point("BLS12_381g1", bls.neg(bls.G1))),
    "BLS12_381g2": (point("BLS12_381g2", bls.G2), b""),
}


def cases() -> list[tuple[str, list[bytes], bytes]]:
    """(label, the pushes, the opcode): the opcode leaves one value, popped afterwards."""
    out: list[tuple[str, list[bytes], bytes]] = [
        ("ed25519verify_bare (reference)", [MESSAGE, SIG, ed25519.public_key_of(SEED)],
         op("ed25519verify_bare")),
        ("sha512 (32 bytes)", [MESSAGE], op("sha512")),
        ("falcon_verify", [MESSAGE, FALCON_SIG, FALCON.public_key], op("falcon_verify")),
        ("vrf_verify VrfAlgorand", [bytes.fromhex("72"), VRF_PROOF, VRF_KEY],
         op("vrf_verify", group("vrf_verify Standards", "VrfAlgorand"))),
    ]  # fmt: skip
    for config in ("BN254Mp110", "BLS12_381Mp111"):
        code = group("MimcConfigurations Parameters", config)
        out.append((f"mimc {config} (1 element)", [ELEMENT], op("mimc", code)))
    for config in ("BN254t2", "BLS12_381t2"):
        code = group("Poseidon2 Configurations Parameters", config)
        out.append((f"poseidon2 {config} (1 element)", [ELEMENT], op("poseidon2", code)))
    for name, (g, neg) in POINTS.items():
        code = group("EC Groups", name)
        out.append((f"ec_add {name}", [g, g], op("ec_add", code)))
        out.append((f"ec_scalar_mul {name}", [g, SCALAR], op("ec_scalar_mul", code)))
        out.append((f"ec_subgroup_check {name}", [g], op("ec_subgroup_check", code)))
        out.append(
            (f"ec_multi_scalar_mul {name} (2 points)", [g + g, SCALAR + SCALAR],
             op("ec_multi_scalar_mul", code))
        )  # fmt: skip
        if name.endswith("g1"):
            g2 = POINTS[name.replace("g1", "g2")][0]
            out.append(
                (f"ec_pairing_check {name} (2 pairs)", [g + neg, g2 + g2],
                 op("ec_pairing_check", code))
            )  # fmt: skip
    for name, element in (
        ("BN254g1", ELEMENT),
        ("BLS12_381g1", ELEMENT),
        ("BLS12_381g2", bytes(64) + ELEMENT),
    ):
        code = group("EC Groups", name)
        out.append((f"ec_map_to {name}", [element], op("ec_map_to", code)))
    return out


def results(opcode: bytes) -> int:
    """How many values the instruction `opcode` leaves (vrf_verify leaves two)."""
    spec = next(spec for spec in TABLE.values() if spec.opcode == opcode[0])
    return len(spec.returns)


def program(pushes: list[bytes], opcode: bytes) -> bytes:
    body = b"".join(push(value) for value in pushes) + opcode
    pops = results(opcode) if opcode else len(pushes)
    body += op("pop") * pops
    return encode_varuint(VERSION) + body + bytes([TABLE["pushint"].opcode]) + encode_varuint(1)


def timed(bytecode: bytes) -> tuple[float, int]:
    info = check_program(bytecode, Mode.APP)
    ctx = EvalContext(Mode.APP, budget=Budget(10_000_000))
    start = time.perf_counter()
    result = evaluate(info, ctx)
    elapsed = time.perf_counter() - start
    if not result.passed:
        raise SystemExit(f"the benchmark program failed: {result}")
    return elapsed, ctx.cost


def measure(pushes: list[bytes], opcode: bytes, repeats: int) -> tuple[float, int]:
    with_op, without = program(pushes, opcode), program(pushes, b"")
    runs, cost = [], 0
    for _ in range(repeats):
        t1, cost = timed(with_op)
        t0, base = timed(without)
        runs.append(max(t1 - t0, 0.0))
    # the baseline pops every input where the opcode's program pops its results
    return statistics.median(runs), cost - base - results(opcode) + len(pushes)


def main(repeats: int) -> None:
    rows: list[tuple[str, float, int]] = []
    for label, pushes, opcode in cases():
        seconds, cost = measure(pushes, opcode, repeats)
        rows.append((label, seconds, cost))
    reference = rows[0][1]
    width = max(len(label) for label, _, _ in rows)
    print(f"{'opcode':<{width}}  {'time':>10}  {'x ed25519':>10}  {'AVM cost':>9}")
    for label, seconds, cost in rows:
        shown = f"{seconds * 1e6:8.0f} µs" if seconds < 1e-2 else f"{seconds * 1e3:8.1f} ms"
        print(f"{label:<{width}}  {shown:>10}  {seconds / reference:10.0f}  {cost:9d}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
