"""`#pragma` (version, typetrack, autosalt) and `#define` (macros), as go-algorand reads them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import spec
from .forms import PSEUDO_OP_NAMES, forms
from .go_text import GoNumError, as_bytestr, as_text, go_quote, parse_bool, parse_uint
from .lexer import Token

if TYPE_CHECKING:
    from .assembly import Assembly

_MACRO_SYMBOLS = frozenset("+-*/^%&|~!><=?_")
_LITERAL_WORDS = frozenset({"b64", "base64", "b32", "base32"})


def _extra_tokens(tokens: list[Token]) -> str:
    return "unexpected extra tokens:" + "".join(" " + t.text for t in tokens)


def pragma(asm: Assembly, tokens: list[Token]) -> None:
    from .assembly import fail_at

    if len(tokens) < 2:
        raise fail_at(tokens[0], "empty pragma")
    key = tokens[1].text
    if key == "version":
        if len(tokens) < 3:
            raise fail_at(tokens[1], "no version value")
        if len(tokens) > 3:
            raise fail_at(tokens[3], _extra_tokens(tokens[3:]))
        if asm.pending:
            raise fail_at(tokens[0], "#pragma version is only allowed before instructions")
        value = tokens[2].text
        try:
            version = parse_uint(value)
        except GoNumError:
            raise fail_at(tokens[2], f"bad #pragma version: {go_quote(value)}") from None
        if version > spec.MAX_VERSION:
            raise fail_at(tokens[2], f"unsupported version: {version}")
        if asm.version is None:
            asm.version = version
            if not asm.recheck_macros():
                raise fail_at(tokens[2], "version is incompatible with defined macros")
            return
        if asm.version != version:
            raise fail_at(
                tokens[2], f"version mismatch: assembling v{version} with v{asm.version} assembler"
            )
        return
    if key == "typetrack":
        if len(tokens) < 3:
            raise fail_at(tokens[1], "no typetrack value")
        if len(tokens) > 3:
            raise fail_at(tokens[3], _extra_tokens(tokens[3:]))
        value = tokens[2].text
        try:
            on = parse_bool(value)
        except GoNumError:
            raise fail_at(tokens[2], f"bad #pragma typetrack: {go_quote(value)}") from None
        if on and not asm.type_tracking:
            asm.known.reset()
        asm.type_tracking = on
        return
    if key == "autosalt":
        if len(tokens) < 3:
            raise fail_at(tokens[1], "no autosalt value")
        if len(tokens) > 3:
            raise fail_at(tokens[3], _extra_tokens(tokens[3:]))
        if asm.pending:
            raise fail_at(tokens[0], "#pragma autosalt is only allowed before instructions")
        value = tokens[2].text
        try:
            asm.autosalt = parse_bool(value)
        except GoNumError:
            raise fail_at(tokens[2], f"bad #pragma autosalt: {go_quote(value)}") from None
        asm.autosalt_token = tokens[0]
        return
    raise fail_at(tokens[0], f"unsupported pragma directive: {go_quote(key)}")


def check_macro_name(name: str, version: int | None, labels: dict[str, int]) -> str | None:
    """Why `name` cannot be a macro, or None if it can."""
    text = as_text(name)
    for ch in text:
        if not (ch.isalpha() or ch.isdecimal() or ch in _MACRO_SYMBOLS):
            return f"{as_bytestr(ch)} character not allowed in macro name"
    if text[0].isdecimal() or len(name) > 1 and text[0] in "+-" and text[1:2].isdecimal():
        return f"Cannot begin macro name with number: {name}"
    if name in _LITERAL_WORDS:
        return f"Cannot use {name} as macro name"
    if name in spec.named_int_constants():
        return f"Named constants cannot be used as macro names: {name}"
    if name in PSEUDO_OP_NAMES:
        return f"Macro names cannot be pseudo-ops: {name}"
    if version is not None:
        known = forms(version)
        if name in known.ops:
            return f"Macro names cannot be opcodes: {name}"
        if name in known.field_names:
            return f"Macro names cannot be field names: {name}"
    if name in labels:
        return f"Labels cannot be used as macro names: {name}"
    return None


def _cycle(macros: dict[str, list[Token]], name: str, path: list[str]) -> list[str] | None:
    """A chain of macro expansions from `path[0]` back to itself through `name`, if any."""
    body = macros.get(name)
    if body is None:
        return None
    if path and name == path[0]:
        return [*path, name]
    if len(path) > len(macros):
        return None
    for token in body[1:]:
        found = _cycle(macros, token.text, [*path, name])
        if found:
            return found
    return None


def define(asm: Assembly, tokens: list[Token]) -> None:
    from .assembly import fail_at

    if len(tokens) < 3:
        raise fail_at(tokens[-1], "define directive requires a name and body")
    name = tokens[1].text
    problem = check_macro_name(name, asm.version, asm.labels)
    if problem:
        raise fail_at(tokens[1], problem)
    previous = asm.macros.get(name)
    asm.macros[name] = tokens[1:]
    cycle = _cycle(asm.macros, name, [])
    if cycle:
        if previous is None:
            del asm.macros[name]
        else:
            asm.macros[name] = previous
        raise fail_at(tokens[1], "macro expansion cycle discovered: " + " -> ".join(cycle))


DIRECTIVES: dict[str, Callable[[Assembly, list[Token]], None]] = {
    "pragma": pragma,
    "define": define,
}
