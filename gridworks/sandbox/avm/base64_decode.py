"""`base64_decode`: Go's strict base64 decoding, as algod applies it.

algod decodes with Go's `encoding/base64` in strict mode, padded when the text ends in `=`
(newlines aside) and unpadded otherwise. Python's `base64` module differs on every point that
matters here (it ignores bad padding bits, handles newlines differently and reports no
offset), so the decoder is written out: CR and LF are skipped anywhere, padding must be
exact and final, trailing bits must be zero, and a failure names Go's input offset.
"""

from __future__ import annotations

import binascii
import re
from enum import IntEnum

from .errors import LogicError

__all__ = ["Base64Encoding", "base64_decode"]


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


class _Corrupt(Exception):
    """Go's CorruptInputError: the argument is the offending input offset."""


def base64_decode(encoding: Base64Encoding | str | int, data: bytes) -> bytes:
    """`data` decoded with `encoding`; LogicError("illegal base64 data at input byte N")."""
    encoding = Base64Encoding[encoding] if isinstance(encoding, str) else Base64Encoding(encoding)
    try:
        return _decode(_ALPHABETS[encoding], data, padded=_ends_in_padding(data))
    except _Corrupt as e:
        raise LogicError(f"illegal base64 data at input byte {e.args[0]}") from None


def _ends_in_padding(data: bytes) -> bool:
    """Whether the last byte that is not a newline is `=` (algod never looks at byte 0)."""
    for i in range(len(data) - 1, 0, -1):
        if data[i] not in _NEWLINES:
            return data[i] == _PAD
    return False


def _decode(alphabet: dict[int, int], data: bytes, *, padded: bool) -> bytes:
    # Whole quanta of plain letters decode the same one at a time or in bulk: bulk is faster.
    letters = _URL_LETTERS if ord("-") in alphabet else _STD_LETTERS
    pos = (m.end() if (m := letters.match(data)) else 0) // 4 * 4
    out = bytearray(binascii.a2b_base64(data[:pos].translate(_URL_TO_STD)))
    while pos < len(data):
        pos, chunk = _quantum(alphabet, data, pos, padded=padded)
        out += chunk
    return bytes(out)


def _skip_newlines(data: bytes, pos: int) -> int:
    while pos < len(data) and data[pos] in _NEWLINES:
        pos += 1
    return pos


def _quantum(alphabet: dict[int, int], data: bytes, pos: int, *, padded: bool) -> tuple[int, bytes]:
    """Up to four letters from `pos` decoded to up to three bytes, as Go decodes a quantum:
    the position after it and its bytes."""
    values: list[int] = []
    trailing: int | None = None  # Go reports trailing garbage only if nothing worse follows
    while len(values) < 4:
        if pos == len(data):
            if not values:
                return pos, b""
            if len(values) == 1 or padded:
                raise _Corrupt(pos - len(values))
            break
        char = data[pos]
        pos += 1
        if char in alphabet:
            values.append(alphabet[char])
            continue
        if char in _NEWLINES:
            continue
        if not padded or char != _PAD or len(values) < 2:
            raise _Corrupt(pos - 1)
        if len(values) == 2:  # a second `=` must follow, newlines aside
            pos = _skip_newlines(data, pos)
            if pos == len(data):
                raise _Corrupt(len(data))
            if data[pos] != _PAD:
                raise _Corrupt(pos - 1)
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
    if size == 3 and decoded[2] != 0:
        raise _Corrupt(pos - 1)
    if size == 2 and (decoded[1] != 0 or decoded[2] != 0):
        raise _Corrupt(pos - 2)
    if trailing is not None:
        raise _Corrupt(trailing)
    return pos, decoded[: size - 1] if size < 4 else decoded
