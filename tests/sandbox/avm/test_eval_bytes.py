"""Byte-array ops and byte math: results and go's panics."""

from __future__ import annotations

import pytest
from avm_eval_helpers import byte, int_, op, reason, stack, top


def test_len_and_concat() -> None:
    assert top(byte(b"abc"), op("len")) == 3
    assert top(byte(b""), op("len")) == 0
    assert top(byte(b"ab"), byte(b"cd"), op("concat")) == b"abcd"
    assert top(byte(b""), byte(b""), op("concat")) == b""


def test_substring() -> None:
    assert top(byte(b"hello"), op("substring", 1, 3)) == b"el"
    assert top(byte(b"hello"), op("substring", 5, 5)) == b""
    assert reason(byte(b"hello"), op("substring", 3, 1)) == "substring end before start"
    assert reason(byte(b"hello"), op("substring", 1, 6)) == (
        "substring range beyond length of string"
    )


def test_substring3() -> None:
    assert top(byte(b"hello"), int_(0), int_(5), op("substring3")) == b"hello"
    assert reason(byte(b"hello"), int_(2), int_(1), op("substring3")) == (
        "substring end before start"
    )
    # go checks both bounds against int32 before comparing them.
    assert reason(byte(b"hello"), int_(2**40), int_(1), op("substring3")) == (
        "substring range beyond length of string"
    )


def test_extract() -> None:
    assert top(byte(b"hello"), op("extract", 1, 2)) == b"el"
    assert top(byte(b"hello"), op("extract", 2, 0)) == b"llo"  # length 0: to the end
    assert top(byte(b"hello"), op("extract", 5, 0)) == b""
    assert reason(byte(b"hello"), op("extract", 6, 0)) == "extraction start 6 is beyond length: 5"
    assert reason(byte(b"hello"), op("extract", 4, 2)) == "extraction end 6 is beyond length: 5"


def test_extract3() -> None:
    assert top(byte(b"hello"), int_(1), int_(3), op("extract3")) == b"ell"
    assert top(byte(b"hello"), int_(1), int_(0), op("extract3")) == b""  # no "to the end" here
    assert reason(byte(b"hello"), int_(1), int_(2**64 - 1), op("extract3")) == (
        "extraction end exceeds uint64"
    )


@pytest.mark.parametrize(
    ("name", "start", "expected"),
    [
        ("extract_uint16", 0, 0x0102),
        ("extract_uint16", 7, 0x0809),
        ("extract_uint32", 1, 0x02030405),
        ("extract_uint64", 1, 0x0203040506070809),
    ],
)
def test_extract_uints(name: str, start: int, expected: int) -> None:
    assert top(byte(bytes(range(1, 10))), int_(start), op(name)) == expected


def test_extract_uint_beyond_the_end() -> None:
    assert reason(byte(b"\x01\x02\x03"), int_(2), op("extract_uint16")) == (
        "extraction end 4 is beyond length: 3"
    )
    assert reason(byte(b"\x01"), int_(2), op("extract_uint64")) == (
        "extraction start 2 is beyond length: 1"
    )


def test_replace() -> None:
    assert top(byte(b"hello"), byte(b"EL"), op("replace2", 1)) == b"hELlo"
    assert top(byte(b"hello"), int_(3), byte(b"LO"), op("replace3")) == b"helLO"
    assert reason(byte(b"hello"), byte(b"xyz"), op("replace2", 3)) == (
        "replacement end 6 beyond original length: 5"
    )
    assert reason(byte(b"hello"), int_(6), byte(b""), op("replace3")) == (
        "replacement start 6 beyond length: 5"
    )


def test_getbit_and_setbit_on_uints() -> None:
    assert top(int_(8), int_(3), op("getbit")) == 1
    assert top(int_(8), int_(2), op("getbit")) == 0
    assert top(int_(0), int_(3), int_(1), op("setbit")) == 8
    assert top(int_(15), int_(0), int_(0), op("setbit")) == 14
    assert reason(int_(0), int_(64), op("getbit")) == "getbit index > 63 with Uint"
    assert reason(int_(0), int_(64), int_(1), op("setbit")) == "setbit index > 63 with Uint"
    assert reason(int_(0), int_(0), int_(2), op("setbit")) == "setbit value > 1"


def test_getbit_and_setbit_on_bytes_count_from_the_left() -> None:
    assert top(byte(b"\x00\x00"), int_(3), int_(1), op("setbit")) == b"\x10\x00"
    assert top(byte(b"\x00\x40"), int_(9), op("getbit")) == 1
    assert top(byte(b"\xff"), int_(0), int_(0), op("setbit")) == b"\x7f"
    assert reason(byte(b"\x00"), int_(8), op("getbit")) == "getbit index beyond byteslice"
    assert reason(byte(b"\x00"), int_(8), int_(1), op("setbit")) == "setbit index beyond byteslice"


def test_getbyte_and_setbyte() -> None:
    assert top(byte(b"abc"), int_(1), op("getbyte")) == ord("b")
    assert top(byte(b"abc"), int_(1), int_(0x42), op("setbyte")) == b"aBc"
    assert reason(byte(b"abc"), int_(3), op("getbyte")) == "getbyte index beyond array length"
    assert reason(byte(b"abc"), int_(3), int_(0), op("setbyte")) == (
        "setbyte index beyond array length"
    )
    assert reason(byte(b"abc"), int_(0), int_(256), op("setbyte")) == "setbyte value > 255"


def test_bzero() -> None:
    assert top(int_(3), op("bzero")) == b"\x00\x00\x00"
    assert top(int_(4096), op("bzero")) == bytes(4096)
    assert reason(int_(4097), op("bzero")) == "bzero attempted to create a too large string"


def test_byte_args_are_type_checked() -> None:
    assert reason(int_(1), op("len")) == "len arg 0 wanted []byte but got uint64"
    assert reason(byte(b""), int_(1), op("concat")) == "concat arg 1 wanted []byte but got uint64"
    assert reason(byte(b""), int_(0), op("b+")) == "b+ arg 1 wanted bigint but got uint64"
    assert reason(byte(b""), int_(0), op("b|")) == "b| arg 1 wanted []byte but got uint64"


# Byte math ---------------------------------------------------------------------------------


def big(value: int) -> bytes:
    return byte(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


@pytest.mark.parametrize(
    ("name", "a", "b", "expected"),
    [
        ("b+", 2**64, 2**64, (2**65).to_bytes(9, "big")),
        ("b+", 0, 0, b""),  # zero is the empty byte-array
        ("b-", 2**64, 1, b"\xff" * 8),
        ("b-", 5, 5, b""),
        ("b*", 2**256, 2**256, (2**512).to_bytes(65, "big")),
        ("b/", 2**70 + 3, 2**6, (2**64).to_bytes(9, "big")),
        ("b%", 2**70 + 3, 2**6, b"\x03"),
        ("b<", 1, 2, 1),
        ("b>", 1, 2, 0),
        ("b<=", 2, 2, 1),
        ("b>=", 1, 2, 0),
        ("b==", 7, 7, 1),
        ("b!=", 7, 7, 0),
    ],
)
def test_byte_math(name: str, a: int, b: int, expected: object) -> None:
    assert top(big(a), big(b), op(name)) == expected


def test_byte_math_ignores_leading_zeros() -> None:
    assert top(byte(b"\x00\x00\x07"), byte(b"\x07"), op("b==")) == 1
    assert top(byte(b"\x00\x00\x07"), byte(b"\x08"), op("b<")) == 1
    assert top(byte(b""), byte(b"\x00"), op("b==")) == 1
    assert top(byte(b"\x00\x01"), byte(b"\x00\x01"), op("b+")) == b"\x02"


def test_byte_math_panics() -> None:
    assert reason(big(1), big(2), op("b-")) == "byte math would have negative result"
    assert reason(big(1), byte(b""), op("b/")) == "division by zero"
    assert reason(big(1), byte(b"\x00"), op("b%")) == "modulo by zero"
    long = byte(b"\x01" * 65)
    for name in ("b+", "b-", "b*", "b/", "b%", "b<", "b>", "b<=", "b>=", "b==", "b!="):
        assert reason(long, big(1), op(name)) == "math attempted on large byte-array", name
    assert reason(long, op("bsqrt")) == "math attempted on large byte-array"


def test_bsqrt() -> None:
    assert top(big(2**128), op("bsqrt")) == (2**64).to_bytes(9, "big")
    assert top(big(99), op("bsqrt")) == b"\x09"
    assert top(byte(b""), op("bsqrt")) == b""


def test_bitwise_byte_ops_zero_extend_the_shorter() -> None:
    assert top(byte(b"\x0f\x0f"), byte(b"\xf0"), op("b|")) == b"\x0f\xff"
    assert top(byte(b"\xff"), byte(b"\x0f\x0f"), op("b&")) == b"\x00\x0f"
    assert top(byte(b"\xff\x00"), byte(b"\xff"), op("b^")) == b"\xff\xff"
    assert top(byte(b""), byte(b""), op("b^")) == b""
    assert top(byte(b"\x00\xf0"), op("b~")) == b"\xff\x0f"
    # bitwise ops take any []byte: no 64-byte limit
    assert top(byte(b"\x01" * 100), byte(b"\x02"), op("b|")) == b"\x01" * 99 + b"\x03"


def test_byte_math_results_may_exceed_64_bytes() -> None:
    assert len(stack(big(2**512 - 1), big(2**512 - 1), op("b*"))[0]) == 128  # type: ignore[arg-type]
