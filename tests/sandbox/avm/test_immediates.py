"""The immediate decoder the checker and the disassembler share: values, and go's two wordings."""

from __future__ import annotations

import pytest

from gridworks.sandbox.avm.immediates import ImmediateError, decode_immediates
from gridworks.sandbox.avm.spec import opcodes

OPS = opcodes(10).by_name


@pytest.mark.parametrize(
    ("name", "code", "values", "end"),
    [
        ("gtxna", "36 01 1a 02", (1, 26, 2), 4),  # uint8s
        ("replace2", "5c 05", (5,), 2),
        ("bnz", "40 ff fe", (1,), 3),  # int16: the absolute target (3 - 2)
        ("pushint", "81 ac 02", (300,), 3),  # varuint
        ("pushbytes", "80 02 61 62", (b"ab",), 4),
        ("intcblock", "20 02 01 ac 02", ((1, 300),), 5),
        ("bytecblock", "26 02 01 61 00", ((b"a", b""),), 5),
        ("switch", "8d 02 00 00 ff ff", ((6, 5),), 6),  # offsets from the end of the list
    ],
)
def test_each_encoding_decodes(name: str, code: str, values: tuple, end: int) -> None:
    assert decode_immediates(bytes.fromhex(code), 0, OPS[name]) == (values, end)


@pytest.mark.parametrize(
    ("name", "code", "checker", "disassembler"),
    [
        (
            "txn",
            "31",
            "program ends without immediate value(s)",
            "program end while reading immediate f for txn",
        ),
        (
            "bnz",
            "40 00",
            "program ends without immediate value(s)",
            "program end while reading label for bnz",
        ),
        (
            "pushint",
            "81 ff",
            "could not decode int at program[1]",
            "could not decode immediate uint for pushint",
        ),
        (
            "pushbytes",
            "80 05 01",
            "pushbytes too long at program[2]",
            "could not decode immediate bytes for pushbytes",
        ),
        (
            "switch",
            "8d",
            "bare switch opcode at end of program",
            "could not decode label count for switch",
        ),
        (
            "switch",
            "8d 02 00",
            "switch opcode claims to extend beyond program",
            "could not decode labels for switch",
        ),
        ("intcblock", "20 05 01", "const int list with too many items", None),
        ("bytecblock", "26 01 05 01", "const bytes list ran past end of program", None),
    ],
)
def test_errors_carry_the_checkers_and_the_disassemblers_words(
    name: str, code: str, checker: str, disassembler: str | None
) -> None:
    with pytest.raises(ImmediateError) as info:
        decode_immediates(bytes.fromhex(code), 0, OPS[name])
    assert info.value.reason == checker
    assert info.value.disassembly_reason == (disassembler or checker)


def test_only_the_checker_refuses_an_empty_last_byte_constant_at_the_end() -> None:
    code = bytes.fromhex("82 01 00")  # pushbytess 0x
    assert decode_immediates(code, 0, OPS["pushbytess"]) == (((b"",),), 3)
    with pytest.raises(ImmediateError, match="ran past end of program"):
        decode_immediates(code, 0, OPS["pushbytess"], strict_byte_blocks=True)
