"""AVM evaluator throughput: opcodes per second on tight loops. Goal: >= 1,000,000/s (integers).

Programs are built from spec.py's opcode bytes (no assembler needed). Each loop runs with a
budget large enough to finish; the timed part is `evaluate` on an already-checked program.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from gridworks.sandbox.avm.context import Budget, EvalContext
from gridworks.sandbox.avm.evaluator import evaluate
from gridworks.sandbox.avm.ops.registry import implementation
from gridworks.sandbox.avm.program import check_program
from gridworks.sandbox.avm.spec import Mode, opcodes
from gridworks.sandbox.avm.wire import encode_int16, encode_varuint
from gridworks.table import format_table

VERSION = 10
GOAL = 1_000_000
ITERATIONS = 100_000
OPS = opcodes(VERSION).by_name


def op(name: str, *immediates: bytes) -> bytes:
    return bytes([OPS[name].opcode]) + b"".join(immediates)


def push(value: int) -> bytes:
    return op("pushint", encode_varuint(value))


def push_bytes(value: bytes) -> bytes:
    return op("pushbytes", encode_varuint(len(value)), value)


@dataclass(frozen=True)
class Loop:
    """setup; counter = n; do { body; counter -= 1 } while counter; teardown."""

    name: str
    setup: list[bytes]
    body: list[bytes]
    teardown: list[bytes]

    def program(self, iterations: int) -> bytes:
        head = bytes([VERSION]) + b"".join(self.setup) + push(iterations) + op("store", b"\x00")
        counter = [op("load", b"\x00"), push(1), op("-"), op("dup"), op("store", b"\x00")]
        step = b"".join(self.body + counter)
        offset = len(head) - (len(head) + len(step) + 3)
        return head + step + op("bnz", encode_int16(offset)) + b"".join(self.teardown)

    def executed(self, iterations: int) -> int:
        """Opcodes run: setup, the counter's two, the body and 6 more per turn, teardown."""
        return len(self.setup) + 2 + iterations * (len(self.body) + 6) + len(self.teardown)


INTEGER = Loop(
    "integer loop (load + * % store, pushint - dup bnz)",
    [],
    [
        op("load", b"\x01"),
        push(3),
        op("+"),
        push(5),
        op("*"),
        push(255),
        op("%"),
        op("store", b"\x01"),
    ],
    [push(1)],
)
BYTES = Loop(
    "byte loop (pushbytes concat extract len pop)",
    [],
    [
        push_bytes(b"abcdefgh"),
        push_bytes(b"ijkl"),
        op("concat"),
        op("extract", b"\x02\x04"),
        op("len"),
        op("pop"),
    ],
    [push(1)],
)
SHA256 = Loop("sha256 loop (32-byte input)", [push_bytes(bytes(32))], [op("sha256")], [op("len")])


def measure(loop: Loop, iterations: int) -> tuple[int, float]:
    """(opcodes executed, seconds) for one evaluation of an already-checked program."""
    checked = check_program(loop.program(iterations), Mode.SIG)
    ctx = EvalContext(Mode.SIG, budget=Budget(10**12))
    started = time.perf_counter()
    result = evaluate(checked, ctx)
    elapsed = time.perf_counter() - started
    assert result.passed
    return loop.executed(iterations), elapsed


def main() -> None:
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else ITERATIONS
    rows = []
    for loop, goal in ((INTEGER, f">= {GOAL:,}/s"), (BYTES, "")):
        executed, elapsed = measure(loop, iterations)
        rows.append(
            (loop.name, f"{executed:,}", f"{elapsed:.3f}", f"{executed / elapsed:,.0f}", goal)
        )
    if implementation("sha256") is None:
        rows.append((SHA256.name, "n/a", "n/a", "n/a (sha256 is not registered yet)", ""))
    else:
        executed, elapsed = measure(SHA256, iterations // 10)
        rate = f"{executed / elapsed:,.0f} ({iterations // 10 / elapsed:,.0f} hashes/s)"
        rows.append((SHA256.name, f"{executed:,}", f"{elapsed:.3f}", rate, ""))
    print(format_table(("program", "opcodes", "seconds", "opcodes per second", "goal"), rows))


if __name__ == "__main__":
    main()
