"""AVM evaluator throughput: opcodes per second on tight loops. Goal: >= 1,000,000/s (integers).

Programs are built from spec.py's opcode bytes (no assembler needed). Each loop runs with a
budget large enough to finish; the timed part is `evaluate` on an already-checked program.

The app-call row runs a realistic ABI-router-like approval program (selector match, argument
decoding, a validation loop, global state reads and writes, a box write, a log) of close to
700 opcodes, the budget of one app call, against `MemoryState`. Goal: under 1 ms a call; the
timed part includes the per-call contexts a ledger would build.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from gridworks.sandbox.avm.context import AppCallContext, Budget, EvalContext
from gridworks.sandbox.avm.evaluator import evaluate
from gridworks.sandbox.avm.memory_state import MemoryState
from gridworks.sandbox.avm.ops.registry import implementation
from gridworks.sandbox.avm.program import check_program
from gridworks.sandbox.avm.spec import Mode, field_groups, opcodes
from gridworks.sandbox.avm.views import GlobalView, GroupView
from gridworks.sandbox.avm.wire import encode_int16, encode_varuint
from gridworks.sandbox.encoding import ZERO_ADDRESS
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


# An app call ---------------------------------------------------------------------------------

APP_ID = 1_001
SENDER = bytes(range(32))
SELECTOR = bytes.fromhex("8d3c5b2a")  # record(uint64,byte[])void
MEMO = b"heat pump 7 shifted its load 2.5kW"  # 34 printable bytes, checked one by one
TXN = {f.name: f.code for f in field_groups()["all txn Fields"].fields}


def txn(name: str, *index: int) -> bytes:
    return op("txna" if index else "txn", bytes([TXN[name], *index]))


@dataclass(frozen=True)
class Label:
    name: str


@dataclass(frozen=True)
class Jump:
    name: str  # bnz, bz, b, callsub (one target) or match, switch (several)
    targets: tuple[str, ...]


def link(parts: list[bytes | Label | Jump]) -> bytes:
    """A v10 program: `parts` with the label offsets of their jumps resolved."""

    def size(part: bytes | Label | Jump) -> int:
        if isinstance(part, Label):
            return 0
        if isinstance(part, Jump):
            return 3 if part.name not in ("match", "switch") else 2 + 2 * len(part.targets)
        return len(part)

    positions, pc = {}, 1
    for part in parts:
        if isinstance(part, Label):
            positions[part.name] = pc
        pc += size(part)
    out = bytearray([VERSION])
    for part in parts:
        if isinstance(part, Jump):
            end = len(out) + size(part)
            offsets = b"".join(encode_int16(positions[t] - end) for t in part.targets)
            count = bytes([len(part.targets)]) if part.name in ("match", "switch") else b""
            out += op(part.name) + count + offsets
        elif not isinstance(part, Label):
            out += part
    return bytes(out)


def router() -> bytes:
    """record(uint64 amount, byte[] memo): checks the memo is printable ASCII, adds the amount
    to the global total and count, stores the amount and memo in the sender's box and logs
    the new total as the ABI return value."""
    selectors = [bytes.fromhex("00000001"), bytes.fromhex("00000002"), SELECTOR]
    push_selectors = op(
        "pushbytess", encode_varuint(3), *(encode_varuint(4) + s for s in selectors)
    )
    return link(
        [
            txn("ApplicationID"), Jump("bz", ("create",)),
            push_selectors, txn("ApplicationArgs", 0), Jump("match", ("a", "b", "record")),
            op("err"),
            Label("a"), Label("b"), Label("create"), push(1), op("return"),
            Label("record"),
            txn("OnCompletion"), op("!"), op("assert"),
            txn("ApplicationArgs", 1), op("btoi"), op("store", b"\x01"),
            txn("ApplicationArgs", 2), op("extract", b"\x02\x00"), op("store", b"\x02"),
            txn("ApplicationArgs", 2), push(0), op("extract_uint16"),
            op("load", b"\x02"), op("len"), op("=="), op("assert"),
            push(0), op("store", b"\x03"),
            Label("check"),
            op("load", b"\x02"), op("load", b"\x03"), op("getbyte"), op("dup"),
            push(32), op(">="), op("assert"), push(126), op("<="), op("assert"),
            op("load", b"\x03"), push(1), op("+"), op("dup"), op("store", b"\x03"),
            op("load", b"\x02"), op("len"), op("<"), Jump("bnz", ("check",)),
            push_bytes(b"total"), push_bytes(b"total"), op("app_global_get"),
            op("load", b"\x01"), op("+"), op("app_global_put"),
            push_bytes(b"count"), push_bytes(b"count"), op("app_global_get"),
            push(1), op("+"), op("app_global_put"),
            txn("Sender"), op("load", b"\x01"), op("itob"),
            op("load", b"\x02"), op("extract", b"\x00\x20"), op("concat"), op("box_put"),
            push_bytes(bytes.fromhex("151f7c75")), push_bytes(b"total"), op("app_global_get"),
            op("itob"), op("concat"), op("log"),
            push(1),
        ]
    )  # fmt: skip


@dataclass
class AppCall:
    """The fields of an app call transaction the AVM reads."""

    sender: bytes = SENDER
    type: str = "appl"
    fee: int = 1_000
    first_valid: int = 1_000
    last_valid: int = 2_000
    rekey_to: bytes = ZERO_ADDRESS
    group: bytes = ZERO_ADDRESS
    application_id: int = APP_ID
    on_completion: int = 0
    app_args: tuple[bytes, ...] = (
        SELECTOR,
        (250).to_bytes(8, "big"),
        len(MEMO).to_bytes(2, "big") + MEMO,
    )
    accounts: tuple[bytes, ...] = ()
    foreign_assets: tuple[int, ...] = ()
    foreign_apps: tuple[int, ...] = ()
    boxes: tuple[tuple[int, bytes], ...] = ((0, SENDER),)


def measure_calls(program: bytes, call: AppCall, calls: int) -> tuple[int, float]:
    """(opcodes of one call, seconds for `calls` calls of `program`), each call in fresh
    per-call contexts as a ledger builds them; every call adds 1 to the global "count"."""
    checked = check_program(program, Mode.APP)
    state = MemoryState()
    state.create_app(SENDER, APP_ID)
    chain = GlobalView(round=1_500, latest_timestamp=1_700_000_000)
    cost = 0
    started = time.perf_counter()
    for _ in range(calls):
        ctx = EvalContext(
            Mode.APP, group=GroupView([call]), app_id=APP_ID, globals=chain,  # type: ignore[list-item]
            app=AppCallContext(state),
        )  # fmt: skip
        result = evaluate(checked, ctx)
        cost = result.cost
    elapsed = time.perf_counter() - started
    assert result.passed and state.global_state[APP_ID][b"count"] == calls
    return cost, elapsed


def measure_app_call(calls: int) -> tuple[int, float]:
    return measure_calls(router(), AppCall(), calls)


def measure_beaker_call(calls: int) -> tuple[int, float]:
    """A Beaker ABI router (`add(uint64)uint64`), assembled by our assembler."""
    from algosdk.abi import Method
    from beaker_counter import counter

    from gridworks.sandbox.avm.assembler import assemble

    program = assemble(counter.build().approval_program).bytecode
    selector = Method.from_signature("add(uint64)uint64").get_selector()
    call = AppCall(app_args=(selector, (1).to_bytes(8, "big")), boxes=())
    return measure_calls(program, call, calls)


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
    calls = max(iterations // 50, 100)
    cost, elapsed = measure_app_call(calls)
    micros = elapsed / calls * 1e6
    rows.append(
        (
            f"app call: ABI router, state, box, log ({cost} opcodes) x {calls:,}",
            f"{cost * calls:,}",
            f"{elapsed:.3f}",
            f"{cost * calls / elapsed:,.0f} ({micros:,.0f} µs per call)",
            "< 1,000 µs per call",
        )
    )
    cost, elapsed = measure_beaker_call(calls)
    micros = elapsed / calls * 1e6
    rows.append(
        (
            f"app call: Beaker ABI router add(uint64) ({cost} opcodes) x {calls:,}",
            f"{cost * calls:,}",
            f"{elapsed:.3f}",
            f"{cost * calls / elapsed:,.0f} ({micros:,.0f} µs per call)",
            "",
        )
    )
    print(format_table(("program", "opcodes", "seconds", "opcodes per second", "goal"), rows))


if __name__ == "__main__":
    main()
