"""Source maps in algod's form (source map v3: one `;`-separated entry per program byte)."""

from __future__ import annotations

from typing import Any

_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _vlq(value: int) -> str:
    value = -value << 1 | 1 if value < 0 else value << 1
    out = []
    while value >= 32:
        out.append(_BASE64[32 | value & 31])
        value >>= 5
    out.append(_BASE64[value])
    return "".join(out)


def source_map(locations: dict[int, tuple[int, int]], sources: list[str]) -> dict[str, Any]:
    """The map from program counters to (0-based line, column) that algod returns."""
    last = max(locations, default=0)
    entries = [""] * (last + 1)
    line = column = 0
    for pc in sorted(locations):
        new_line, new_column = locations[pc]
        entries[pc] = "AA" + _vlq(new_line - line) + _vlq(new_column - column)
        line, column = new_line, new_column
    return {"version": 3, "sources": sources, "names": [], "mappings": ";".join(entries)}
