"""Go's number syntax and string quoting, which TEAL inherits from go-algorand's assembler.

TEAL integers are Go integer literals (`0x1f`, `0o17`, `017`, `0b101`, `1_000` after a prefix),
and algod's error messages quote source text the way Go's `%#v` does. Getting both exactly right
is what makes our errors read like algod's.

Source text is handled as "byte strings": `str`s whose characters are the source's UTF-8 bytes
(decoded as Latin-1), so that columns are byte offsets as algod reports them. `as_text` turns
such a string back into real text for messages.
"""

from __future__ import annotations

MAX_UINT64 = 2**64 - 1


class GoNumError(ValueError):
    """strconv's NumError: `strconv.ParseUint: parsing "x": invalid syntax`."""

    def __init__(self, func: str, text: str, reason: str) -> None:
        super().__init__(f"strconv.{func}: parsing {go_quote(text)}: {reason}")
        self.reason = reason


SYNTAX = "invalid syntax"
RANGE = "value out of range"


def as_text(raw: str) -> str:
    """Real text from a byte string (invalid UTF-8 becomes U+FFFD)."""
    if raw.isascii():
        return raw
    return raw.encode("latin-1").decode("utf-8", errors="replace")


def as_bytestr(text: str) -> str:
    """The byte string of real text (its UTF-8 bytes, one character each)."""
    if text.isascii():
        return text
    return text.encode("utf-8").decode("latin-1")


def _underscores_ok(text: str) -> bool:
    """Go allows `_` only between digits, or right after a base prefix."""
    saw = "^"
    i = 0
    if text[:1] in ("+", "-"):
        text = text[1:]
    is_hex = False
    if len(text) >= 2 and text[0] == "0" and text[1].lower() in "box":
        i = 2
        saw = "0"
        is_hex = text[1].lower() == "x"
    while i < len(text):
        ch = text[i]
        if ch.isdigit() and ch.isascii() or is_hex and ch.lower() in "abcdef":
            saw = "0"
        elif ch == "_":
            if saw != "0":
                return False
            saw = "_"
        else:
            if saw == "_":
                return False
            saw = "!"
        i += 1
    return saw != "_"


def _digit(ch: str) -> int:
    if "0" <= ch <= "9":
        return ord(ch) - 48
    lower = ch.lower()
    if "a" <= lower <= "z":
        return ord(lower) - 87
    return 99


def parse_uint(text: str, base: int = 0, bits: int = 64, func: str = "ParseUint") -> int:
    """Go's strconv.ParseUint; raises GoNumError (whose `reason` tells syntax from range)."""
    if text == "":
        raise GoNumError(func, text, SYNTAX)
    digits = text
    base0 = base == 0
    if base0:
        base = 10
        if text[0] == "0":
            if len(text) >= 3 and text[1].lower() in "box":
                base = {"b": 2, "o": 8, "x": 16}[text[1].lower()]
                digits = text[2:]
            else:
                base = 8
                digits = text[1:]
    limit = (1 << bits) - 1
    value = 0
    underscores = False
    for ch in digits:
        if ch == "_" and base0:
            underscores = True
            continue
        d = _digit(ch)
        if d >= base:
            raise GoNumError(func, text, SYNTAX)
        value = value * base + d
        if value > limit:  # Go stops at the first overflow, before later syntax errors
            raise GoNumError(func, text, RANGE)
    if underscores and not _underscores_ok(text):
        raise GoNumError(func, text, SYNTAX)
    return value


def parse_int(text: str, base: int = 0, bits: int = 64) -> int:
    """Go's strconv.ParseInt: an optional sign, then ParseUint's syntax."""
    if text == "":
        raise GoNumError("ParseInt", text, SYNTAX)
    body = text
    negative = False
    if text[0] in "+-":
        negative = text[0] == "-"
        body = text[1:]
    try:
        magnitude = parse_uint(body, base, bits, "ParseInt")
    except GoNumError as exc:
        raise GoNumError("ParseInt", text, exc.reason) from None
    cutoff = 1 << (bits - 1)
    if not negative and magnitude >= cutoff or negative and magnitude > cutoff:
        raise GoNumError("ParseInt", text, RANGE)
    return -magnitude if negative else magnitude


_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


def parse_bool(text: str) -> bool:
    """Go's strconv.ParseBool (what algod accepts for boolean pragmas and query flags)."""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise GoNumError("ParseBool", text, SYNTAX)


_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}


def go_quote(raw: str) -> str:
    """A byte string quoted as Go's `%#v` (strconv.Quote) prints it (as a byte string)."""
    out = ['"']
    data = raw.encode("latin-1")
    text = data.decode("utf-8", errors="surrogateescape")
    for ch in text:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that is not valid UTF-8
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable() and (ch == " " or not ch.isspace()):
            out.append(ch)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return as_bytestr("".join(out))


def go_rune(code: int) -> str:
    """Go's `%#U` of a rune: `U+0067 'g'`."""
    ch = chr(code)
    if ch.isprintable():
        return as_bytestr(f"U+{code:04X} '{ch}'")
    return f"U+{code:04X}"
