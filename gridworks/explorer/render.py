"""Rendering pages: one Jinja2 environment with autoescaping on, and the filters pages share.

Every value from the chain (notes, asset names, box names, state keys, aliases, logs) reaches the
page through a template, so autoescaping makes markup in it text. Nothing is marked safe.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

MICRO = 1_000_000


def algos(micro: int | None) -> str:
    """Microalgos as Algos with six decimals: 1234567 → "1.234567"."""
    if micro is None:
        return "–"
    whole, frac = divmod(int(micro), MICRO)
    return f"{whole:,}.{frac:06d}"


def short(value: str | None, keep: int = 6) -> str:
    """A long address or id cut to its ends (the full value stays in the link and title)."""
    if not value:
        return ""
    return value if len(value) <= 2 * keep + 1 else f"{value[:keep]}…{value[-4:]}"


def when(timestamp: int | None) -> str:
    if timestamp is None:
        return "–"
    return datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def b64bytes(value: str | None) -> bytes:
    if not value:
        return b""
    try:
        return base64.b64decode(value)
    except (binascii.Error, ValueError):
        return value.encode()


def readable(raw: bytes | str | None) -> str:
    """Bytes as text when they are printable UTF-8, else as 0x-hex (for notes, keys, names)."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        raw = b64bytes(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "0x" + raw.hex()
    if text and all(ch.isprintable() or ch in "\n\t" for ch in text):
        return text
    return "0x" + raw.hex() if raw else ""


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("gridworks.explorer", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(algos=algos, short=short, when=when, readable=readable)
    return env


ENVIRONMENT = _environment()


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """`template` rendered with `context`, plus `base` (the explorer's URL prefix, for links)."""
    html = ENVIRONMENT.get_template(template).render(base=base_path(request), **context)
    return HTMLResponse(html, status_code=status)


def render_fragment(template: str, request: Request, **context: Any) -> str:
    return ENVIRONMENT.get_template(template).render(base=base_path(request), **context)


def base_path(request: Request) -> str:
    """The prefix the explorer is mounted at ("/explorer" in the sandbox, "" standalone)."""
    return str(request.scope.get("root_path", "")).rstrip("/")
