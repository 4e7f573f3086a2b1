"""uint64 arithmetic, comparisons, logic, bits and conversions: results and go's panics."""

from __future__ import annotations

import pytest
from avm_eval_helpers import byte, int_, op, reason, stack, top

MAX = 2**64 - 1


def binary(name: str, a: int, b: int) -> object:
    return top(int_(a), int_(b), op(name))


@pytest.mark.parametrize(
    ("name", "a", "b", "expected"),
    [
        ("+", 2, 3, 5),
        ("+", MAX - 1, 1, MAX),
        ("-", 5, 3, 2),
        ("-", 3, 3, 0),
        ("*", 6, 7, 42),
        ("*", 2**32, 2**32 - 1, 2**64 - 2**32),
        ("/", 7, 2, 3),
        ("/", 0, 5, 0),
        ("%", 7, 2, 1),
        ("<", 1, 2, 1),
        ("<", 2, 2, 0),
        (">", 3, 2, 1),
        (">", 2, 2, 0),
        ("<=", 2, 2, 1),
        ("<=", 3, 2, 0),
        (">=", 2, 2, 1),
        (">=", 1, 2, 0),
        ("&&", 1, 2, 1),
        ("&&", 0, 2, 0),
        ("||", 0, 2, 1),
        ("||", 0, 0, 0),
        ("==", 4, 4, 1),
        ("==", 4, 5, 0),
        ("!=", 4, 5, 1),
        ("!=", 4, 4, 0),
        ("|", 0b1010, 0b0110, 0b1110),
        ("&", 0b1010, 0b0110, 0b0010),
        ("^", 0b1010, 0b0110, 0b1100),
        ("shl", 1, 63, 2**63),
        ("shl", MAX, 4, MAX - 15),  # shifted-out bits are lost, as in go
        ("shr", 2**63, 63, 1),
        ("shr", MAX, 0, MAX),
        ("exp", 2, 63, 2**63),
        ("exp", 0, 5, 0),
        ("exp", 5, 0, 1),
        ("exp", 1, MAX, 1),
        ("exp", 3, 40, 3**40),
    ],
)
def test_binary_ops(name: str, a: int, b: int, expected: int) -> None:
    assert binary(name, a, b) == expected


@pytest.mark.parametrize(
    ("name", "a", "b", "error"),
    [
        ("+", MAX, 1, "+ overflowed"),
        ("-", 2, 3, "- would result negative"),
        ("*", 2**32, 2**32, "* overflowed"),
        ("/", 1, 0, "/ 0"),
        ("%", 1, 0, "% 0"),
        ("shl", 1, 64, "shl arg too big, (64)"),
        ("shr", 1, 64, "shr arg too big, (64)"),
        ("exp", 0, 0, "0^0 is undefined"),
        ("exp", 2, 64, "2^64 overflow"),
        ("exp", 3, 41, "3^41 overflow"),
        ("exp", 2, MAX, f"2^{MAX} overflow"),
        ("expw", 2, 128, "2^128 overflow"),
        ("expw", 0, 0, "0^0 is undefined"),
    ],
)
def test_binary_panics(name: str, a: int, b: int, error: str) -> None:
    assert reason(int_(a), int_(b), op(name)) == error


@pytest.mark.parametrize(
    ("name", "a", "expected"),
    [
        ("!", 0, 1),
        ("!", 7, 0),
        ("~", 0, MAX),
        ("~", MAX, 0),
        ("sqrt", 0, 0),
        ("sqrt", 15, 3),
        ("sqrt", 16, 4),
        ("sqrt", MAX, 2**32 - 1),
        ("bitlen", 0, 0),
        ("bitlen", 8, 4),
        ("bitlen", MAX, 64),
    ],
)
def test_unary_ops(name: str, a: int, expected: int) -> None:
    assert top(int_(a), op(name)) == expected


def test_bitlen_of_bytes_is_big_endian() -> None:
    assert top(byte(b"\x00\x01\x00"), op("bitlen")) == 9
    assert top(byte(b""), op("bitlen")) == 0
    assert top(byte(b"\x80" + bytes(99)), op("bitlen")) == 800


def test_wide_results() -> None:
    assert stack(int_(MAX), int_(MAX), op("mulw")) == [MAX - 1, 1]
    assert stack(int_(MAX), int_(2), op("addw")) == [1, 1]
    assert stack(int_(1), int_(2), op("addw")) == [0, 3]
    assert stack(int_(2), int_(127), op("expw")) == [2**63, 0]
    assert stack(int_(2**63), int_(0), int_(2**63 + 1), op("divw")) == [2**127 // (2**63 + 1)]
    assert stack(int_(1), int_(0), int_(2), op("divw")) == [2**63]


def test_divmodw() -> None:
    # (2**64 + 5) divided by 2: quotient 2**63 + 2, remainder 1.
    assert stack(int_(1), int_(5), int_(0), int_(2), op("divmodw")) == [0, 2**63 + 2, 0, 1]
    # 128-bit divisor: (2**127) / (2**64 + 0) = 2**63 remainder 0.
    assert stack(int_(2**63), int_(0), int_(1), int_(0), op("divmodw")) == [0, 2**63, 0, 0]
    assert reason(int_(1), int_(1), int_(0), int_(0), op("divmodw")) == "/ 0"


def test_divw_panics() -> None:
    assert reason(int_(0), int_(1), int_(0), op("divw")) == "divw 0"
    assert reason(int_(5), int_(1), int_(5), op("divw")) == "divw overflow: 5 <= 5"


def test_itob_and_btoi() -> None:
    assert top(int_(258), op("itob")) == b"\x00\x00\x00\x00\x00\x00\x01\x02"
    assert top(byte(b"\x01\x02"), op("btoi")) == 258
    assert top(byte(b""), op("btoi")) == 0
    assert top(byte(b"\xff" * 8), op("btoi")) == MAX
    assert reason(byte(b"\x01" * 9), op("btoi")) == "btoi arg too long, got 9 bytes"


def test_arguments_must_be_uints() -> None:
    assert reason(byte(b"a"), int_(1), op("+")) == "+ arg 0 wanted uint64 but got []byte"
    assert reason(int_(1), byte(b"a"), op("<")) == "< arg 1 wanted uint64 but got []byte"
    assert reason(byte(b"a"), op("!")) == "! arg 0 wanted uint64 but got []byte"
    assert reason(int_(1), op("btoi")) == "btoi arg 0 wanted []byte but got uint64"
    assert reason(int_(1), int_(2), byte(b""), op("divw")) == (
        "divw arg 2 wanted uint64 but got []byte"
    )


def test_equality_needs_one_type() -> None:
    assert reason(int_(1), byte(b"\x01"), op("==")) == "cannot compare (uint64 to []byte)"
    assert reason(byte(b"\x01"), int_(1), op("!=")) == "cannot compare ([]byte to uint64)"
    assert top(byte(b"ab"), byte(b"ab"), op("==")) == 1
    assert top(byte(b"ab"), byte(b"abc"), op("!=")) == 1


def test_stack_underflow() -> None:
    assert reason(int_(1), op("+")) == "stack underflow in +"
    assert reason(op("~")) == "stack underflow in ~"
