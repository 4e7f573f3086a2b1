"""The AVM's exceptions: TEAL that does not assemble, bytecode that does not disassemble, and
programs that fail."""

from __future__ import annotations

from collections.abc import Sequence


class AvmError(Exception):
    """Base of the AVM's errors."""


class AssemblyError(AvmError):
    """TEAL source that does not assemble, located as algod locates it: `line` is 1-based and
    `column` a 0-based byte offset into the line; column 0 is not printed ("3: reason").

    The assembler goes on after an error to find more, as algod does: the error raised is the
    first, and its `errors` lists them all (itself first) and `warnings` what algod would warn
    about. `report` is the message algod's /v2/teal/compile returns for them.
    """

    def __init__(
        self,
        line: int,
        column: int,
        reason: str,
        errors: Sequence[AssemblyError] = (),
        warnings: Sequence[AssemblyError] = (),
    ) -> None:
        super().__init__(f"{line}:{column}: {reason}" if column else f"{line}: {reason}")
        self.line = line
        self.column = column
        self.reason = reason
        self.errors: list[AssemblyError] = list(errors) or [self]
        self.warnings: list[AssemblyError] = list(warnings)

    @property
    def report(self) -> str:
        """algod's text: "1 error: ..." alone, else up to ten errors then ten warnings."""
        if len(self.errors) == 1 and not self.warnings:
            return f"1 error: {self.errors[0]}\n"
        lines = [str(e) for e in self.errors[:10]] + [str(w) for w in self.warnings[:10]]
        return "".join(f"{text}\n" for text in lines)


class LogicError(AvmError):
    """A program that rejects, fails or is malformed; `pc` is where it stopped (if it ran)."""

    def __init__(self, reason: str, pc: int | None = None) -> None:
        super().__init__(reason if pc is None else f"{reason}. Details: pc={pc}")
        self.reason = reason
        self.pc = pc


class DisassemblyError(LogicError, ValueError):
    """Bytecode that does not disassemble: an unknown opcode, truncated or invalid immediates,
    or a version this AVM does not know. The message is algod's; `pc` is where the bad
    instruction starts."""

    def __init__(self, reason: str, pc: int | None = None) -> None:
        super().__init__(reason)
        self.pc = pc
