"""TEAL byte literals: `0x..`, `base64 ..`/`b64(..)`, `base32 ..`/`b32(..)` and "strings".

A literal may take two tokens (`base64 AAAA`), so parsing reports how many it consumed; an
error names the token it blames (its index), as algod's column does.
"""

from __future__ import annotations

from .go_codecs import CorruptInput, b32_decode_any_padding, b64_decode, hex_decode
from .go_text import GoNumError, as_bytestr, parse_uint


class LiteralError(ValueError):
    """A byte literal that does not parse; `blame` is the index of the token at fault."""

    def __init__(self, message: str, blame: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.blame = blame


_ESCAPED = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", '"': '"'}


def parse_string_literal(text: str) -> bytes:
    """A double-quoted TEAL string with \\n \\r \\t \\\\ \\" and \\xNN escapes."""
    end = len(text) - 1
    if len(text) < 2 or text[0] != '"' or text[end] != '"':
        raise ValueError("no quotes")
    if "\\" not in text:
        return text[1:end].encode("latin-1")
    out = bytearray()
    escaping = False
    in_hex = False
    pos = 1
    while pos < end:
        ch = text[pos]
        if ch == "\\" and not escaping:
            if in_hex:
                raise ValueError("escape sequence inside hex number")
            escaping = True
            pos += 1
            continue
        if escaping:
            escaping = False
            if ch == "x":
                in_hex = True
                pos += 1
                continue
            if ch not in _ESCAPED:
                raise ValueError(f"invalid escape sequence \\{as_bytestr(ch)}")
            ch = _ESCAPED[ch]
        if in_hex:
            in_hex = False
            if pos >= len(text) - 2:
                raise ValueError("non-terminated hex sequence")
            try:
                ch = chr(parse_uint(text[pos : pos + 2], 16, 8))
            except GoNumError as exc:
                raise ValueError(str(exc)) from None
            pos += 1
        out.append(ord(ch))
        pos += 1
    if escaping or in_hex:
        raise ValueError("non-terminated escape sequence")
    return bytes(out)


def _parenthesised(arg: str) -> tuple[int, str]:
    """The offset and text inside `b64(...)`: the first `)` must end the token."""
    open_ = arg.index("(")
    close = arg.find(")")
    if close == -1:
        raise LiteralError(f"argument {arg} lacks closing parenthesis")
    if close != len(arg) - 1:
        raise LiteralError(f"argument {arg} must end at first closing parenthesis")
    return open_ + 1, arg[open_ + 1 : close]


def parse_byte_literal(args: list[str]) -> tuple[bytes, int]:
    """The bytes the first token(s) of `args` denote, and how many tokens that took."""
    arg = args[0]
    if arg.startswith(("base32(", "b32(")):
        start, inner = _parenthesised(arg)
        try:
            return b32_decode_any_padding(inner), 1
        except CorruptInput as exc:
            raise LiteralError(str(exc.shifted(start))) from None
    if arg.startswith(("base64(", "b64(")):
        start, inner = _parenthesised(arg)
        try:
            return b64_decode(inner), 1
        except CorruptInput as exc:
            raise LiteralError(str(exc.shifted(start))) from None
    if arg.startswith("0x"):
        try:
            return hex_decode(arg[2:]), 1
        except ValueError as exc:
            raise LiteralError(str(exc)) from None
    if arg in ("base32", "b32", "base64", "b64"):
        if len(args) < 2:
            raise LiteralError(f"{arg} needs byte literal argument")
        try:
            if arg in ("base32", "b32"):
                return b32_decode_any_padding(args[1]), 2
            return b64_decode(args[1]), 2
        except CorruptInput as exc:
            raise LiteralError(str(exc), blame=1) from None
    if len(arg) > 1 and arg[0] == '"' and arg[-1] == '"':
        try:
            return parse_string_literal(arg), 1
        except ValueError as exc:
            raise LiteralError(str(exc)) from None
    raise LiteralError(f"arg did not parse: {arg}")
