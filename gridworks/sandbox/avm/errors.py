"""The AVM's exceptions: one for TEAL that does not assemble, one for programs that fail."""

from __future__ import annotations


class AvmError(Exception):
    """Base of the AVM's errors."""


class AssemblyError(AvmError):
    """TEAL source that does not assemble. `line` and `column` are 1-based, as algod reports."""

    def __init__(self, line: int, column: int, reason: str) -> None:
        super().__init__(f"{line}:{column}: {reason}")
        self.line = line
        self.column = column
        self.reason = reason


class LogicError(AvmError):
    """A program that rejects, fails or is malformed; `pc` is where it stopped (if it ran)."""

    def __init__(self, reason: str, pc: int | None = None) -> None:
        super().__init__(reason if pc is None else f"{reason}. Details: pc={pc}")
        self.reason = reason
        self.pc = pc
