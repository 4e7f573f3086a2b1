"""program_version: the one reader of a program's leading version uvarint (go's ProgramVersion).

It decodes and does not judge; the limits (the checker's maximum, the disassembler's, a logic
sig's consensus version, inner calls' minimum) stay with the callers, in their own words.
"""

from __future__ import annotations

import pytest

from gridworks.sandbox.avm.disassembler import DisassemblyError, disassemble
from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.program import check_program
from gridworks.sandbox.avm.spec import MAX_VERSION, Mode
from gridworks.sandbox.avm.version_prefix import program_version
from gridworks.sandbox.ledger.params import CURRENT
from gridworks.sandbox.ledger.wellformed import check_contract_versions


def reason(program: bytes) -> str:
    with pytest.raises(LogicError) as info:
        program_version(program)
    return info.value.reason


def test_an_empty_program_is_invalid() -> None:
    assert reason(b"") == "invalid program (empty)"


@pytest.mark.parametrize("version", [0, 1, 8, MAX_VERSION])
def test_a_one_byte_version_is_read_as_written(version: int) -> None:
    """0 stays 0: running it as v1 is the checker's rule, not the decoder's."""
    assert program_version(bytes([version, 0x81, 0x01])) == (version, 1)


@pytest.mark.parametrize(
    ("prefix", "version"),
    [
        (b"\x80\x01", 128),
        (b"\xac\x02", 300),
        (b"\x81\x00", 1),  # not minimal, and accepted, as go's binary.Uvarint accepts it
        (b"\xff" * 9 + b"\x01", 2**64 - 1),  # the largest uvarint go reads
    ],
)
def test_a_multi_byte_uvarint_is_read_whole(prefix: bytes, version: int) -> None:
    assert program_version(prefix + b"\x22") == (version, len(prefix))


@pytest.mark.parametrize(
    "program",
    [
        b"\x80",  # truncated: a continuation bit and no more bytes
        b"\xff\xff",
        b"\xff" * 9 + b"\x02",  # 65 bits
        b"\x80" * 10 + b"\x01",  # eleven bytes: overlong even though the value is small
    ],
)
def test_a_truncated_or_overlong_uvarint_is_an_invalid_version(program: bytes) -> None:
    assert reason(program) == "invalid version"


def test_a_version_above_the_maximum_is_decoded_and_left_to_the_callers() -> None:
    program = bytes([MAX_VERSION + 1, 0x81, 0x01])
    assert program_version(program) == (MAX_VERSION + 1, 1)
    with pytest.raises(LogicError) as checked:
        check_program(program, Mode.SIG)
    assert checked.value.reason == (
        f"program version {MAX_VERSION + 1} greater than max supported version {MAX_VERSION}"
    )
    with pytest.raises(DisassemblyError) as disassembled:
        disassemble(program)
    assert disassembled.value.reason == f"unsupported version {MAX_VERSION + 1}"


def test_callers_keep_their_own_wording_of_a_bad_prefix() -> None:
    with pytest.raises(DisassemblyError) as disassembled:
        disassemble(b"")
    assert disassembled.value.reason == "invalid version"
    with pytest.raises(ValueError, match=r"^bad ApprovalProgram: invalid version$"):
        check_contract_versions(b"\x80", b"\x08", CURRENT)
    with pytest.raises(ValueError, match=r"^bad ClearStateProgram: invalid program \(empty\)$"):
        check_contract_versions(b"\x08", b"", CURRENT)
