"""A program's version prefix: the uvarint every TEAL program's bytecode starts with (go:
`ProgramVersion`).

The one reader of it, for everything that looks at a program's version: the checker, the
disassembler, inner app calls, the ledger's contract-version and logic-sig checks, simulate.
It decodes and does not judge: a version above `spec.MAX_VERSION` is returned as it is, and
each caller applies its own limit in its own (algod's) words.
"""

from __future__ import annotations

from .errors import LogicError
from .wire import decode_varuint


def program_version(bytecode: bytes) -> tuple[int, int]:
    """(version, length of the prefix): the version as written (0 stays 0), and the pc of the
    first instruction. Raises LogicError "invalid program (empty)" for no bytes and "invalid
    version" for a uvarint that is truncated or over 64 bits, as go does."""
    if not bytecode:
        raise LogicError("invalid program (empty)")
    try:
        return decode_varuint(bytecode, 0)
    except ValueError:
        raise LogicError("invalid version") from None
