"""Plain-text tables for terminal output (the tour, the benchmarks)."""

from __future__ import annotations

from collections.abc import Sequence


def format_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    rule = "+".join("-" * (w + 2) for w in widths)

    def line(row: list[str]) -> str:
        return "|".join(f" {c:<{w}} " for c, w in zip(row, widths, strict=True))

    return "\n".join([rule, line(cells[0]), rule, *(line(r) for r in cells[1:]), rule])
