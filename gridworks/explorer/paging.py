"""Bounded lists: a page of an indexer search, and the next-token that continues it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from .errors import ExplorerError, bad_request
from .sources import as_dict, read

PAGE = 25
"""Rows in one page of any list."""

MAX_TOKEN = 256
"""The longest next-token passed on to the indexer."""


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, the token of the next page (None: the last page), and
    whether it is a later page (`continued`: a link back to the first one is shown)."""

    rows: list[Any] = field(default_factory=list)
    next: str | None = None
    continued: bool = False


def token(request: Request, name: str) -> str | None:
    """The next-token query parameter `name`, bounded."""
    value = request.query_params.get(name)
    if value and len(value) > MAX_TOKEN:
        raise bad_request(f"{name} is not a next-token of this explorer")
    return value or None


def page(call: Callable[[], Any], key: str, missing: str, after: str | None) -> Page:
    """One page of `call()`'s `key` list; an unknown account or app is an empty list, not an
    error page, since a page shows several lists."""
    try:
        data = as_dict(read(call, missing))
    except ExplorerError as exc:
        if exc.status == 404:
            return Page(continued=after is not None)
        raise
    rows = list(data.get(key, []))
    more = data.get("next-token") if len(rows) >= PAGE else None
    return Page(rows, more, after is not None)


def units(amount: int | None, decimals: int) -> str:
    """Base units of an asset as whole units: 12345 with 2 decimals → "123.45"."""
    if amount is None:
        return "–"
    if decimals <= 0:
        return f"{int(amount):,}"
    whole, frac = divmod(int(amount), 10**decimals)
    return f"{whole:,}.{frac:0{decimals}d}"
