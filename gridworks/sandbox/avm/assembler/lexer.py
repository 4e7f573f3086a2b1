"""Splits TEAL lines into tokens the way go-algorand does, positions included.

Tokens are separated by spaces, tabs and `;` (which is itself a token: it ends a statement).
A `"` that starts a token opens a string in which separators and `//` are literal; `//` also
stays literal in the argument of `base64`/`b64` (base64 text may contain `//`). Columns are
0-based byte offsets, as algod reports them.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Token(NamedTuple):
    text: str
    line: int  # 1-based
    column: int  # 0-based byte offset


_SEPARATORS = frozenset(" \t;")
_PLAIN_TOKEN = re.compile(r"[^ \t;]+|;")
# Lines without these characters tokenize by a simple split (the common case, done fast).
_NEEDS_SCAN = re.compile(r'["()]|b64|base64')


def tokens_from_line(text: str, line: int) -> list[Token]:
    """The tokens of one source line, comments dropped."""
    if _NEEDS_SCAN.search(text) is None:
        comment = text.find("//")
        if comment != -1:
            text = text[:comment]
        return [Token(m.group(), line, m.start()) for m in _PLAIN_TOKEN.finditer(text)]
    return _scan(text, line)


def _scan(text: str, line: int) -> list[Token]:
    """The general tokenizer: strings, base64 arguments and comments, character by character."""
    tokens: list[Token] = []
    length = len(text)
    i = 0
    while i < length and text[i] in _SEPARATORS:
        if text[i] == ";":
            tokens.append(Token(";", line, i))
        i += 1
    start = i
    in_string = False
    in_base64 = False
    while i < length:
        ch = text[i]
        if ch not in _SEPARATORS:
            if ch == '"':
                if not in_string:
                    if i == 0 or text[i - 1] in _SEPARATORS:
                        in_string = True
                elif text[i - 1] != "\\":
                    in_string = False
            elif ch == "/":
                if i < length - 1 and text[i + 1] == "/" and not in_base64 and not in_string:
                    if start != i:
                        tokens.append(Token(text[start:i], line, start))
                    return tokens
            elif ch == "(":
                if text[start:i] in ("base64", "b64"):
                    in_base64 = True
            elif ch == ")":
                in_base64 = False
            i += 1
            continue
        # a separator ends the token, unless inside a string
        if not in_string:
            word = text[start:i]
            tokens.append(Token(word, line, start))
            if ch == ";":
                tokens.append(Token(";", line, i))
            if in_base64:
                in_base64 = False
            elif word in ("base64", "b64"):
                in_base64 = True
        i += 1
        if not in_string:
            while i < length and text[i] in _SEPARATORS:
                if text[i] == ";":
                    tokens.append(Token(";", line, i))
                i += 1
            start = i
    if start < length:
        tokens.append(Token(text[start:], line, start))
    return tokens


MAX_LINE = 65535  # Go's bufio.Scanner holds 64 KiB, the line's end included


def source_lines(text: str) -> tuple[list[str], bool]:
    """Lines as Go's bufio.Scanner yields them (split at \\n, a trailing \\r dropped), and
    whether it stopped early at a line too long for it."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out: list[str] = []
    for line in lines:
        if len(line) > MAX_LINE:
            return out, True
        out.append(line[:-1] if line.endswith("\r") else line)
    return out, False
