"""The TEAL assembler: TEAL text to AVM bytecode, byte for byte as algod assembles it.

    >>> assemble("#pragma version 8\\nint 1\\nreturn").bytecode.hex()
    '08810143'

Errors raise `AssemblyError` (the first; all of them on its `errors`), located and worded as
algod's /v2/teal/compile reports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...encoding import encode_address, program_digest
from ..errors import AssemblyError
from .assembly import Assembly
from .go_text import as_bytestr
from .sourcemap import source_map

__all__ = ["Assembled", "AssemblyError", "assemble", "logic_sig_address"]

ALGOD_SOURCE_NAME = "<body>"  # what algod calls the compiled text in its source maps


@dataclass(frozen=True)
class Assembled:
    """An assembled program, with where each instruction came from."""

    bytecode: bytes
    version: int
    # pc of each instruction's first byte -> (0-based line, 0-based byte column) of its opcode
    locations: dict[int, tuple[int, int]] = field(repr=False)
    warnings: tuple[AssemblyError, ...] = ()

    @property
    def pc_to_line(self) -> dict[int, int]:
        """Each instruction's pc -> its 0-based source line (as algosdk's SourceMap has it)."""
        return {pc: line for pc, (line, _) in sorted(self.locations.items())}

    @property
    def sourcemap(self) -> dict[str, Any]:
        """algod's source map: {"version": 3, "sources": ["<body>"], "names": [], "mappings"}."""
        return self.source_map(ALGOD_SOURCE_NAME)

    def source_map(self, *sources: str) -> dict[str, Any]:
        return source_map(self.locations, list(sources))

    @property
    def address(self) -> str:
        """The logic signature address of the program."""
        return logic_sig_address(self.bytecode)


def assemble(source: str | bytes, version: int | None = None) -> Assembled:
    """Assembles TEAL `source`. Without `#pragma version` (or `version`) it is version 1, as
    with algod; `version` given, a pragma must agree with it."""
    text = source.decode("latin-1") if isinstance(source, bytes) else as_bytestr(source)
    asm = Assembly(version)
    asm.read(text)
    if not asm.errors:
        asm.finish()
    if asm.errors:
        first = asm.errors[0]
        first.errors, first.warnings = asm.errors, asm.warnings
        raise first
    return Assembled(
        bytecode=asm.program,
        version=asm.version if asm.version is not None else 2**64 - 1,
        locations=asm.sources,
        warnings=tuple(asm.warnings),
    )


def logic_sig_address(bytecode: bytes) -> str:
    """The address of a logic signature account: sha512_256 of "Program" + bytecode."""
    return encode_address(program_digest(bytecode))
