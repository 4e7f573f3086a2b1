"""`json_ref`: a value from a JSON object, with the exact leniencies and errors of algod.

algod reads the text in two passes, and a faithful sandbox has to keep both:

1. The whole text goes through go-codec's JSON decoder into a map of raw values. That pass
   checks the grammar loosely: it fails on trailing commas, comments, hex or `NaN`, bad
   escape letters and top-level duplicate keys (`_CodecReader`), but lets through raw control
   characters in strings, numbers such as `01`, `+1` or `-`, and anything after the closing
   brace. A text that does not start with `{` is not an object (`null` fails later).
2. The requested value alone then goes through Go's `encoding/json`, which is strict
   (`_check_valid`) and converts it to the requested type (`_extract`).

The error texts are algod's, since they reach the user in the program's failure.
"""

from __future__ import annotations

import math
import re
from enum import IntEnum

from .errors import LogicError

__all__ = ["JsonRefType", "json_ref"]


class JsonRefType(IntEnum):
    """The `json_ref` immediate: what type the value is read as (names as in the spec)."""

    JSONString = 0
    JSONUint64 = 1
    JSONObject = 2


_WHITESPACE = b" \t\r\n"
_NUMBER_CHARS = frozenset(b"0123456789eE.+-")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_MAX_DEPTH = 1024  # go-codec's default nesting limit, counting the top-level object
_UINT64_LIMIT = 1 << 64
_INT64_LIMIT = 1 << 63
_REPLACEMENT = "\ufffd"
# What Go's strconv.ParseFloat accepts out of go-codec's number characters.
_GO_FLOAT = re.compile(rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

_INVALID = "invalid json text"
_NOT_OBJECT = "invalid json text, only json object is allowed"
_DUPLICATE = "invalid json text, duplicate keys not allowed"


class _ParseError(Exception):
    """The whole-text pass failed; the argument is the reason algod gives."""


class _GoJsonError(Exception):
    """`encoding/json` refused the value; the argument is Go's error text."""


# A top-level key as go-codec decodes it: ("s", bytes) for a string, or a non-string marker.
_Key = tuple[str, object]


def json_ref(text: bytes, key: bytes, kind: JsonRefType | str | int) -> bytes | int:
    """The value of `key` in the JSON object `text`, read as `kind`.

    Bytes for JSONString (the unescaped string) and JSONObject (the object's raw text, as it
    appears in `text`); an int for JSONUint64. Raises LogicError with algod's reason.
    """
    kind = JsonRefType[kind] if isinstance(kind, str) else JsonRefType(kind)
    try:
        fields = _CodecReader(text).top_level()
    except _ParseError as e:
        raise LogicError(f"error while parsing JSON text, {e.args[0]}") from None
    if fields is None:  # the text is `null`: algod finds no key, then sees no object
        raise LogicError(f"error while parsing JSON text, {_NOT_OBJECT}")
    if ("s", key) not in fields:
        # algod then reads the text's first token with encoding/json, which refuses the NUL
        # byte go-codec let through before the brace.
        if text.lstrip(_WHITESPACE)[:1] == b"\x00":
            raise LogicError(
                "error while parsing JSON text, invalid character '\\x00' looking for beginning"
                " of value"
            )
        shown = key.decode("utf-8", "replace")
        raise LogicError(f"key {shown} not found in JSON text")
    try:
        return _extract(fields[("s", key)], kind)
    except _GoJsonError as e:
        raise LogicError(e.args[0]) from None


# --- pass 1: go-codec ------------------------------------------------------------------------


class _CodecReader:
    """Reads the text as go-codec's JSON decoder does when it fills a map of raw values.

    The methods follow go-codec's reading protocol, because its quirks come from it: the
    next token, once peeked, is kept in `tok`, and 0 there means none. So a NUL byte read as
    a token counts as no token, and the next peek reads on past it: `{"a":\\x001}` is the
    object {"a": 1}, while `{"a":1\\x00}` fails.
    """

    def __init__(self, text: bytes) -> None:
        self.text = text
        self.pos = 0
        self.tok = 0
        self.depth = 0

    def top_level(self) -> dict[_Key, bytes] | None:
        """The top-level object's raw values by key (None for the text `null`)."""
        if self._nil():
            return None  # a null document decodes to an empty map; the rest is not read
        self._consume(ord("{"), _NOT_OBJECT)
        self._enter()
        fields: dict[_Key, bytes] = {}
        first = True
        while self._peek() not in b"}]":
            self._separator(first)
            first = False
            key = self._key()
            self._consume(ord(":"))
            if self._nil():
                fields[key] = b""  # a null value is an empty raw value, and may repeat a key
                continue
            if key in fields:
                raise _ParseError(_DUPLICATE)
            fields[key] = self._raw_value()
        self._consume(ord("}"))
        if any(kind != "s" for kind, _ in fields):
            raise _ParseError(_INVALID)  # a key that is not a string
        return fields

    # go-codec's reading primitives

    def _skip(self) -> int:
        """Reads the next byte that is not whitespace; the end of the text fails."""
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        if pos == len(text):
            raise _ParseError(_INVALID)
        self.pos = pos + 1
        return text[pos]

    def _peek(self) -> int:
        if self.tok == 0:
            self.tok = self._skip()
        return self.tok

    def _consume(self, char: int, reason: str = _INVALID) -> None:
        if self._peek() != char:
            raise _ParseError(reason)
        self.tok = 0

    def _separator(self, first: bool) -> None:
        """Before an item: a comma, except before the first (which is only peeked)."""
        if self._peek() != ord(",") and not first:
            raise _ParseError(_INVALID)
        if not first:
            self.tok = 0

    def _literal(self, rest: bytes) -> None:
        """The rest of `null`, `true` or `false`, whose first letter is the token."""
        got = self.text[self.pos : self.pos + len(rest)]
        self.pos += len(rest)
        self.tok = 0
        if got != rest:
            raise _ParseError(_INVALID)

    def _nil(self) -> bool:
        if self._peek() != ord("n"):
            return False
        self._literal(b"ull")
        return True

    def _enter(self) -> None:
        self.depth += 1
        if self.depth >= _MAX_DEPTH:
            raise _ParseError(_INVALID)

    # what go-codec builds from those

    def _key(self) -> _Key:
        """A top-level key, decoded as go-codec decodes into an interface value."""
        token = self._peek()
        if token == ord("n"):
            self._literal(b"ull")
            return ("null", None)
        if token in b"tf":
            self._literal(b"rue" if token == ord("t") else b"alse")
            return ("bool", token == ord("t"))
        if token in b"{[":
            raise _ParseError(_INVALID)  # a container cannot be a Go map key
        if token == ord('"'):
            self.tok = 0
            return ("s", self._string())
        return self._number()

    def _raw_value(self) -> bytes:
        """The bytes of the next value, from its first byte as go-codec reads it."""
        if self.tok != 0:
            self.pos -= 1  # the peeked token is part of the value
            self.tok = 0
        start = self.pos
        self._skip_value()
        return self.text[start : self.pos]

    def _skip_value(self) -> None:
        """Reads past one value, checking it only as loosely as go-codec does.

        Iterative, as the nesting may go deeper than Python's recursion limit. `open_` holds
        the containers entered: [opening byte, whether no item was read yet, whether a key is
        being read] (inside a value, go-codec takes any value as an object key).
        """
        open_: list[list[int]] = []
        while True:
            opened = self._skip_one()
            if opened:
                self._enter()
                open_.append([opened, 1, 0])
            while open_:
                container = open_[-1]
                is_object = container[0] == ord("{")
                if not opened and is_object and container[2]:
                    self._consume(ord(":"))
                    container[2] = 0
                    break  # read the key's value
                opened = 0
                if self._peek() in b"}]":
                    self._consume(container[0] + 2)  # the matching `}` or `]`
                    self.depth -= 1
                    open_.pop()
                    continue
                self._separator(bool(container[1]))
                container[1] = 0
                container[2] = int(is_object)
                break  # read the next item
            else:
                return

    def _skip_one(self) -> int:
        """Reads past a value that is not a container, or the opening byte of one (returned)."""
        if self._nil():
            return 0
        token = self._peek()
        if token in b"{[":
            self.tok = 0
            return token
        if token == ord('"'):
            self.tok = 0
            self._string()
            return 0
        token = self._peek()  # go-codec peeks once more, which passes over a NUL token
        if token == ord("n"):
            self._literal(b"ull")
        elif token in b"tf":
            self._literal(b"rue" if token == ord("t") else b"alse")
        elif token == ord('"'):
            self.tok = 0
            self._string()
        elif token not in b"{[":  # a container here is left peeked, unread
            self._number()
        return 0

    def _number(self) -> _Key:
        """A number, valid if Go reads it as an integer or a float (go-codec's rules)."""
        if self._peek() == ord('"'):  # reachable past a NUL token: the quoted text is read
            end = self.text.find(b'"', self.pos)
            if end < 0:
                raise _ParseError(_INVALID)
            run = self.text[self.pos : end]
            self.pos = end + 1
        else:
            self.pos -= 1  # the token is the number's first character
            start = self.pos
            while self.pos < len(self.text) and self.text[self.pos] in _NUMBER_CHARS:
                self.pos += 1
            run = self.text[start : self.pos]
        self.tok = 0
        if not run:
            raise _ParseError(_INVALID)
        digits = run[1:] if run[:1] in (b"+", b"-") else run
        if digits.isdigit() or not digits:  # go-codec takes a bare sign as the integer 0
            value = int(digits or b"0")
            negative = run[:1] == b"-"
            if negative and value <= _INT64_LIMIT:
                return ("int", -value)
            if not negative and value < _UINT64_LIMIT:
                return ("uint", value)
        if _GO_FLOAT.fullmatch(run) is None or math.isinf(float(run)):
            raise _ParseError(_INVALID)
        return ("float", float(run))

    def _string(self) -> bytes:
        """A string whose opening quote has been read, unescaped as go-codec does.

        go-codec scans to the next quote, then unescapes; a `\\u` escape always takes the
        four bytes after it (a non-hex one, even a quote, gives U+FFFD, and the string goes
        on), and an escaped surrogate followed by another `\\u` escape takes both and gives
        U+FFFD (go-codec's pair decoding drops the second half). Raw bytes are kept as is.
        """
        out = bytearray()
        chunk = self._chunk()
        i = cursor = 0
        while True:
            if i == len(chunk):
                out += chunk[cursor:]
                chunk = self._chunk()
                i = cursor = 0
            c = chunk[i]
            if c == ord('"'):
                out += chunk[cursor:i]
                return bytes(out)
            if c != ord("\\"):
                i += 1
                continue
            out += chunk[cursor:i]
            i += 1
            c = chunk[i]
            if c in b"\"\\/'":
                out.append(c)
            elif c in b"bfnrt":
                out += {"b": b"\b", "f": b"\f", "n": b"\n", "r": b"\r", "t": b"\t"}[chr(c)]
            elif c == ord("u"):
                char, i = self._unicode_escape(chunk, i)
                out += char.encode("utf-8")
            else:
                raise _ParseError(_INVALID)
            i += 1
            cursor = i

    def _chunk(self) -> bytes:
        """The text up to and including the next quote."""
        end = self.text.find(b'"', self.pos)
        if end < 0:
            raise _ParseError(_INVALID)
        chunk = self.text[self.pos : end + 1]
        self.pos = end + 1
        return chunk

    @staticmethod
    def _unicode_escape(chunk: bytes, i: int) -> tuple[str, int]:
        """The character of the `\\u` escape whose `u` is at `i`, and the index of its last byte."""
        if len(chunk) < i + 5:
            raise _ParseError(_INVALID)
        digits = chunk[i + 1 : i + 5]
        i += 4
        if not all(d in _HEX for d in digits):
            return _REPLACEMENT, i
        code = int(digits, 16)
        if not 0xD800 <= code <= 0xDFFF:
            return chr(code), i
        # A surrogate: go-codec looks for a second escape within the six bytes that follow.
        if chunk[i + 1 : i + 3] == b"\\u":
            if len(chunk) == i + 6:
                raise _ParseError(_INVALID)  # go-codec reads past the closing quote and fails
            if len(chunk) >= i + 7:
                return _REPLACEMENT, i + 6
        return _REPLACEMENT, i


# --- pass 2: encoding/json -------------------------------------------------------------------


def _extract(raw: bytes, kind: JsonRefType) -> bytes | int:
    """The raw value converted as `json.Unmarshal` converts it into the requested Go type."""
    _check_valid(raw)
    found = _kind_of(raw)
    if found == "null":  # only past a NUL token; Go then leaves the zero value
        if kind is JsonRefType.JSONUint64:
            return 0
        return b"" if kind is JsonRefType.JSONString else raw
    if kind is JsonRefType.JSONString:
        if found != "string":
            raise _GoJsonError(f"json: cannot unmarshal {found} into Go value of type string")
        return _unquote(raw).encode("utf-8")
    if kind is JsonRefType.JSONUint64:
        if found == "number":
            if raw.isdigit() and int(raw) < _UINT64_LIMIT:
                return int(raw)
            found = "number " + raw.decode("ascii")
        raise _GoJsonError(f"json: cannot unmarshal {found} into Go value of type uint64")
    if found != "object":
        raise _GoJsonError(
            f"json: cannot unmarshal {found} into Go value of type map[string]json.RawMessage"
        )
    return raw


def _kind_of(raw: bytes) -> str:
    first = chr(raw[0])
    kinds = {"{": "object", "[": "array", '"': "string", "t": "bool", "f": "bool", "n": "null"}
    return kinds.get(first, "number")


def _quote_char(c: int) -> str:
    """A byte quoted as Go's JSON errors quote it."""
    if c == ord("'"):
        return "'\\''"
    if c == ord('"'):
        return "'\"'"
    named = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 92: "\\\\"}
    if c in named:
        return f"'{named[c]}'"
    if c < 0x20 or c == 0x7F:
        return f"'\\x{c:02x}'"
    if 0x80 <= c <= 0xA0 or c == 0xAD:
        return f"'\\u{c:04x}'"
    return f"'{chr(c)}'"


def _check_valid(raw: bytes) -> None:
    """Go's strict JSON grammar over one value, failing with Go's syntax error text."""
    _StrictScanner(raw).check()


class _StrictScanner:
    """RFC 8259 grammar, reporting the first offending byte in `encoding/json`'s words.

    Go's scanner treats the end of its input as a space, so the text is scanned with one
    space appended; needing a byte after that is the unexpected end.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data + b" "
        self.pos = 0

    def check(self) -> None:
        """One value, then only whitespace. Iterative, as the nesting may be deep: `open_`
        holds the containers entered."""
        open_: list[int] = []
        while True:
            self._space()
            c = self._peek()
            if c in b"{[":
                self.pos += 1
                self._space()
                if self._peek() != (ord("}") if c == ord("{") else ord("]")):
                    open_.append(c)
                    if c == ord("{"):
                        self._key()
                    continue  # read the first value
                self.pos += 1
            else:
                self._scalar(c)
            while open_:
                is_object = open_[-1] == ord("{")
                self._space()
                c = self._peek()
                if c == ord(","):
                    self.pos += 1
                    if is_object:
                        self._key()
                    break  # read the next value
                if c != (ord("}") if is_object else ord("]")):
                    self._fail(
                        "after object key:value pair" if is_object else "after array element"
                    )
                self.pos += 1
                open_.pop()
            else:
                self._space()
                if self.pos < len(self.data):
                    self._fail("after top-level value")
                return

    def _peek(self) -> int:
        if self.pos >= len(self.data):
            raise _GoJsonError("unexpected end of JSON input")
        return self.data[self.pos]

    def _fail(self, context: str) -> None:
        raise _GoJsonError(f"invalid character {_quote_char(self._peek())} {context}")

    def _space(self) -> None:
        while self.pos < len(self.data) and self.data[self.pos] in _WHITESPACE:
            self.pos += 1

    def _key(self) -> None:
        """An object key and its colon."""
        self._space()
        if self._peek() != ord('"'):
            self._fail("looking for beginning of object key string")
        self._string()
        self._space()
        if self._peek() != ord(":"):
            self._fail("after object key")
        self.pos += 1

    def _scalar(self, c: int) -> None:
        if c == ord('"'):
            self._string()
        elif c == ord("-") or ord("0") <= c <= ord("9"):
            self._number()
        elif c in b"tfn":
            word = {ord("t"): b"true", ord("f"): b"false", ord("n"): b"null"}[c]
            self.pos += 1
            for letter in word[1:]:
                if self._peek() != letter:
                    self._fail(f"in literal {word.decode()} (expecting '{chr(letter)}')")
                self.pos += 1
        else:
            self._fail("looking for beginning of value")

    def _string(self) -> None:
        self.pos += 1
        while True:
            c = self._peek()
            self.pos += 1
            if c == ord('"'):
                return
            if c < 0x20:
                self.pos -= 1
                self._fail("in string literal")
            if c != ord("\\"):
                continue
            if self._peek() not in b'bfnrt\\/"u':
                self._fail("in string escape code")
            if self._peek() == ord("u"):
                for _ in range(4):
                    self.pos += 1
                    if self._peek() not in _HEX:
                        self._fail("in \\u hexadecimal character escape")
            self.pos += 1

    def _digits(self) -> None:
        while ord("0") <= self._peek() <= ord("9"):
            self.pos += 1

    def _number(self) -> None:
        if self._peek() == ord("-"):
            self.pos += 1
            if not ord("0") <= self._peek() <= ord("9"):
                self._fail("in numeric literal")
        if self._peek() == ord("0"):
            self.pos += 1
        else:
            self._digits()
        if self._peek() == ord("."):
            self.pos += 1
            if not ord("0") <= self._peek() <= ord("9"):
                self._fail("after decimal point in numeric literal")
            self._digits()
        if self._peek() in b"eE":
            self.pos += 1
            if self._peek() in b"+-":
                self.pos += 1
            if not ord("0") <= self._peek() <= ord("9"):
                self._fail("in exponent of numeric literal")
            self._digits()


def _unquote(raw: bytes) -> str:
    """A valid JSON string literal's text, as Go decodes it (bad UTF-8 and lone surrogates
    become U+FFFD, one per offending byte or escape)."""
    out: list[str] = []
    i, end = 1, len(raw) - 1
    while i < end:
        c = raw[i]
        if c == ord("\\"):
            letter = chr(raw[i + 1])
            if letter != "u":
                out.append(
                    {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}.get(letter, letter)
                )
                i += 2
                continue
            code = int(raw[i + 2 : i + 6], 16)
            i += 6
            if 0xD800 <= code <= 0xDFFF:
                low = _hex4_escape(raw, i)
                if 0xD800 <= code < 0xDC00 and low is not None and 0xDC00 <= low <= 0xDFFF:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                else:
                    code = 0xFFFD
            out.append(chr(code))
        elif c < 0x80:
            out.append(chr(c))
            i += 1
        else:
            char, size = _decode_rune(raw, i, end)
            out.append(char)
            i += size
    return "".join(out)


def _hex4_escape(raw: bytes, i: int) -> int | None:
    """The code of a `\\uXXXX` escape starting at `i`, if there is one."""
    digits = raw[i + 2 : i + 6]
    if raw[i : i + 2] != b"\\u" or len(digits) != 4 or not all(d in _HEX for d in digits):
        return None
    return int(digits, 16)


def _decode_rune(raw: bytes, i: int, end: int) -> tuple[str, int]:
    """One UTF-8 character at `i`, or U+FFFD for a single invalid byte (Go's rule, which
    differs from Python's 'replace' on truncated sequences)."""
    lead = raw[i]
    size = 0
    if 0xC2 <= lead <= 0xDF:
        size = 2
    elif 0xE0 <= lead <= 0xEF:
        size = 3
    elif 0xF0 <= lead <= 0xF4:
        size = 4
    if size and i + size <= end:
        try:
            return raw[i : i + size].decode("utf-8"), size
        except UnicodeDecodeError:
            pass
    return _REPLACEMENT, 1
