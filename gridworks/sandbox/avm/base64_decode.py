"""Go's `encoding/base64` decoding: the `base64_decode` opcode's and the assembler's.

The opcode decodes in Go's strict mode, padded when the text ends in `=` (newlines aside) and
unpadded otherwise; the assembler's `base64 ...` literals decode with Go's padded standard
encoding, not strict. Python's `base64` module differs on every point that matters here (it
ignores bad padding bits, handles newlines differently and reports no offset), so the decoder
is written out once, for both: CR and LF are skipped anywhere, padding must be exact and final,
in strict mode trailing bits must be zero, and a failure names Go's input offset.
"""

from __future__ import annotations

import binascii
import re
from enum import IntEnum

from .errors import LogicError

__all__ = ["Base64Encoding", "CorruptInputError", "base64_decode", "go_base64_decode"]


class Base64Encoding(IntEnum):
    """The `base64_decode` immediate (names as in the spec)."""

    URLEncoding = 0
    StdEncoding = 1


_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_ALPHABETS = {
    Base64Encoding.URLEncoding: {c: v for v, c in enumerate(_LETTERS + b"-_")},
    Base64Encoding.StdEncoding: {c: v for v, c in enumerate(_LETTERS + b"+/")},
}
_STD_LETTERS = re.compile(rb"[A-Za-z0-9+/]*")
_URL_LETTERS = re.compile(rb"[A-Za-z0-9_-]*")
_URL_TO_STD = bytes.maketrans(b"-_", b"+/")
_NEWLINES = b"\r\n"
_PAD = ord("=")


class CorruptInputError(ValueError):
    """Go's base64 CorruptInputError: `offset` is the first offending input byte."""

    def __init__(self, offset: int) -> None:
        super().__init__(f"illegal base64 data at input byte {offset}")
        self.offset = offset


def base64_decode(encoding: Base64Encoding | str | int, data: bytes) -> bytes:
    """The opcode: `data` decoded with `encoding`, strictly, padded only if it ends in `=`;
    LogicError("illegal base64 data at input byte N")."""
    encoding = Base64Encoding[encoding] if isinstance(encoding, str) else Base64Encoding(encoding)
    try:
        return go_base64_decode(
            data,
            url=encoding is Base64Encoding.URLEncoding,
            padded=_ends_in_padding(data),
            strict=True,
        )
    except CorruptInputError as e:
        raise LogicError(str(e)) from None


def go_base64_decode(
    data: bytes, *, url: bool = False, padded: bool = True, strict: bool = False
) -> bytes:
    """Go's `base64.{Std,URL}Encoding[.WithPadding(NoPadding)][.Strict()].Decode` of `data`;
    raises CorruptInputError with Go's offset."""
    alphabet = _ALPHABETS[Base64Encoding.URLEncoding if url else Base64Encoding.StdEncoding]
    return _decode(alphabet, data, padded=padded, strict=strict)


def _ends_in_padding(data: bytes) -> bool:
    """Whether the last byte that is not a newline is `=` (algod never looks at byte 0)."""
    for i in range(len(data) - 1, 0, -1):
        if data[i] not in _NEWLINES:
            return data[i] == _PAD
    return False


def _decode(alphabet: dict[int, int], data: bytes, *, padded: bool, strict: bool) -> bytes:
    # Whole quanta of plain letters decode the same one at a time or in bulk: bulk is faster.
    letters = _URL_LETTERS if ord("-") in alphabet else _STD_LETTERS
    pos = (m.end() if (m := letters.match(data)) else 0) // 4 * 4
    out = bytearray(binascii.a2b_base64(data[:pos].translate(_URL_TO_STD)))
    while pos < len(data):
        pos, chunk = _quantum(alphabet, data, pos, padded=padded, strict=strict)
        out += chunk
    return bytes(out)


def _skip_newlines(data: bytes, pos: int) -> int:
    while pos < len(data) and data[pos] in _NEWLINES:
        pos += 1
    return pos


def _quantum(
    alphabet: dict[int, int], data: bytes, pos: int, *, padded: bool, strict: bool
) -> tuple[int, bytes]:
    """Up to four letters from `pos` decoded to up to three bytes, as Go decodes a quantum:
    the position after it and its bytes."""
    values: list[int] = []
    trailing: int | None = None  # Go reports trailing garbage only if nothing worse follows
    while len(values) < 4:
        if pos == len(data):
            if not values:
                return pos, b""
            if len(values) == 1 or padded:
                raise CorruptInputError(pos - len(values))
            break
        char = data[pos]
        pos += 1
        if char in alphabet:
            values.append(alphabet[char])
            continue
        if char in _NEWLINES:
            continue
        if not padded or char != _PAD or len(values) < 2:
            raise CorruptInputError(pos - 1)
        if len(values) == 2:  # a second `=` must follow, newlines aside
            pos = _skip_newlines(data, pos)
            if pos == len(data):
                raise CorruptInputError(len(data))
            if data[pos] != _PAD:
                raise CorruptInputError(pos - 1)
            pos += 1
        pos = _skip_newlines(data, pos)
        if pos < len(data):
            trailing = pos
        break
    size = len(values)
    bits = 0
    for value in values + [0] * (4 - size):
        bits = bits << 6 | value
    decoded = bits.to_bytes(3, "big")
    # Strict: the bits that pad the last byte out must be zero.
    if strict and size == 3 and decoded[2] != 0:
        raise CorruptInputError(pos - 1)
    if strict and size == 2 and (decoded[1] != 0 or decoded[2] != 0):
        raise CorruptInputError(pos - 2)
    if trailing is not None:
        raise CorruptInputError(trailing)
    return pos, decoded[: size - 1] if size < 4 else decoded
