"""AVM opcode implementations, one module per family (py-evm style).

Adding a family is adding a module here: every module of this package is imported when the
first program is checked, and registers its opcodes with the decorator of `ops.registry`::

    from ..context import EvalContext
    from .registry import register

    @register("sha256")
    def op_sha256(cx: EvalContext, imm: tuple[()]) -> None:
        cx.stack[-1] = hashlib.sha256(cx.stack[-1]).digest()

The registration API, in short:

- `register(*names, prepare=None, self_checked=False)` binds `fn(cx, imm) -> int | None` to
  opcode names, which must exist in `spec.py`; an opcode may be registered once. The op's facts
  (byte, version, modes, cost, argument count) stay in `spec.py`; never repeat them here.
- `fn` mutates `cx.stack` in place (never rebinds it) and returns None to go on to the next
  instruction, or the pc to jump to. It fails by raising `LogicError(reason)` without a pc:
  the run loop adds the pc.
- Before `fn` runs, the loop has checked the stack holds `len(spec.args)` values and charged
  the cost (constant, per-field and per-length costs all come from `spec.py`). After it, the
  loop checks the stack depth (1,000).
- `self_checked=False` (the default) wraps `fn` in go's generic checks: each argument's type
  against `spec.args` before, and every byte-array result against 4,096 bytes after. Pass True
  only when `fn` checks its own argument types and result sizes (the hot families do).
- `prepare(ins, info) -> imm` runs once when the program is checked: it turns the decoded
  `Instruction` (`ins.immediates`, `ins.pc`, `ins.next_pc`; `info.version`, `info.mode`,
  `info.bytecode`) into the `imm` handed to `fn` on every run. Without it `imm` is the tuple
  `ins.immediates` (uint8 -> int, int16 label -> absolute pc, blocks -> tuples).

An opcode with no implementation checks like any other and fails only when it runs, with
"unsupported opcode <name>".
"""

from __future__ import annotations

from .registry import Implementation, implementation, register

__all__ = ["Implementation", "implementation", "register"]
