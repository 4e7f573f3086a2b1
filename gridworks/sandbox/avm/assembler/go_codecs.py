"""Go's hex, base64 and base32 decoders, as TEAL byte literals use them (base64 is the
opcode's decoder, `avm/base64_decode.py`).

Python's decoders accept and refuse slightly different inputs (padding, trailing data) and say
nothing of where the input went wrong; algod reports `illegal base64 data at input byte N`, so
these follow Go's `encoding/*` packages step by step. Inputs and outputs are byte strings (see
`go_text`).
"""

from __future__ import annotations

from ..base64_decode import CorruptInputError, go_base64_decode
from .go_text import go_rune

_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32_MAP = {ch: i for i, ch in enumerate(_B32)}
_HEX = {ch: int(ch, 16) for ch in "0123456789abcdefABCDEF"}


class CorruptInput(ValueError):
    """Go's base64/base32 CorruptInputError: the offset of the first bad input byte."""

    def __init__(self, offset: int, codec: str) -> None:
        super().__init__(f"illegal {codec} data at input byte {offset}")
        self.offset = offset
        self.codec = codec

    def shifted(self, by: int) -> CorruptInput:
        return CorruptInput(self.offset + by, self.codec)


def hex_decode(text: str) -> bytes:
    """encoding/hex.DecodeString, with its errors."""
    pairs = len(text) // 2
    out = bytearray(pairs)
    for n in range(pairs):
        hi = _HEX.get(text[2 * n])
        if hi is None:
            raise ValueError(f"encoding/hex: invalid byte: {go_rune(ord(text[2 * n]))}")
        lo = _HEX.get(text[2 * n + 1])
        if lo is None:
            raise ValueError(f"encoding/hex: invalid byte: {go_rune(ord(text[2 * n + 1]))}")
        out[n] = hi << 4 | lo
    if len(text) % 2:
        if text[-1] not in _HEX:
            raise ValueError(f"encoding/hex: invalid byte: {go_rune(ord(text[-1]))}")
        raise ValueError("encoding/hex: odd length hex string")
    return bytes(out)


def b64_decode(text: str) -> bytes:
    """encoding/base64.StdEncoding.DecodeString: padding required, newlines ignored (the
    decoder the `base64_decode` opcode uses, not in strict mode)."""
    # A character outside Latin-1 cannot be base64: "?" stands in for it at the same offset.
    try:
        return go_base64_decode(text.encode("latin-1", "replace"), padded=True, strict=False)
    except CorruptInputError as exc:
        raise CorruptInput(exc.offset, "base64") from None


def _b32_decode(text: str, padded: bool) -> bytes:
    """encoding/base32.StdEncoding (padded) or .WithPadding(NoPadding) DecodeString."""
    src = text.replace("\n", "").replace("\r", "")
    total = len(src)
    out = bytearray()
    pos = 0
    done = False
    while pos < total and not done:
        quantum = [0] * 8
        dlen = 8
        j = 0
        while j < 8:
            remaining = total - pos
            if remaining == 0:
                if padded:
                    raise CorruptInput(total - j, "base32")
                dlen, done = j, True
                break
            ch = src[pos]
            pos += 1
            remaining -= 1
            if padded and ch == "=" and j >= 2 and remaining < 8:
                if remaining + j < 7:
                    raise CorruptInput(total, "base32")
                for k in range(7 - j):
                    if remaining > k and src[pos + k] != "=":
                        raise CorruptInput(total - remaining + k - 1, "base32")
                dlen, done = j, True
                if dlen in (1, 3, 6):
                    raise CorruptInput(total - remaining - 1, "base32")
                break
            value = _B32_MAP.get(ch)
            if value is None:
                raise CorruptInput(total - remaining - 1, "base32")
            quantum[j] = value
            j += 1
        out += _pack_b32(quantum, dlen)
    return bytes(out)


_B32_OUT_LEN = {8: 5, 7: 4, 5: 3, 4: 2, 2: 1}


def _pack_b32(quantum: list[int], dlen: int) -> bytes:
    number = 0
    for value in quantum:
        number = number << 5 | value
    return number.to_bytes(5, "big")[: _B32_OUT_LEN.get(dlen, 0)]


def b32_decode_any_padding(text: str) -> bytes:
    """Unpadded base32, else padded; the unpadded attempt's error if both fail (as TEAL does)."""
    try:
        return _b32_decode(text, padded=False)
    except CorruptInput as first:
        try:
            return _b32_decode(text, padded=True)
        except CorruptInput:
            raise first from None


def b32_decode_unpadded(text: str) -> bytes:
    return _b32_decode(text, padded=False)
