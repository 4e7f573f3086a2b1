"""The latest blocks (paged, and updated live) and one block's page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from .errors import bad_request, parse_uint
from .render import render, render_fragment
from .sources import ChainSources, as_dict, read

PAGE = 25
"""Blocks on a page of the block list."""


def _header(sources: ChainSources, round_: int) -> dict[str, Any]:
    return as_dict(
        read(
            lambda: sources.indexer.block_info(round_num=round_, header_only=True),
            f"no block {round_}",
        )
    )


def _last_round(sources: ChainSources) -> int:
    status = as_dict(read(sources.algod.status, "the node's status"))
    return int(status["last-round"])


def block_rows(sources: ChainSources, newest: int, oldest: int) -> list[dict[str, Any]]:
    """Rows for blocks `newest` down to `oldest` (inclusive): round, time, transaction count
    (the header's txn-counter less the previous block's: inner transactions count too)."""
    headers = {r: _header(sources, r) for r in range(max(oldest - 1, 0), newest + 1)}
    rows = []
    for r in range(newest, oldest - 1, -1):
        header = headers[r]
        previous = headers.get(r - 1)
        count = (
            int(header.get("txn-counter", 0)) - int(previous.get("txn-counter", 0))
            if previous is not None
            else 0
        )
        rows.append(
            {
                "round": r,
                "timestamp": header.get("timestamp"),
                "count": max(count, 0),
                "proposer": header.get("proposer"),
                "fees": header.get("fees-collected", 0),
            }
        )
    return rows


def routes(sources: ChainSources) -> list[BaseRoute]:
    def latest(request: Request) -> Response:
        last = _last_round(sources)
        before = request.query_params.get("before")
        newest = last if before is None else min(parse_uint(before, "before") - 1, last)
        if newest < 0:
            raise bad_request("there is no block before round 0")
        oldest = max(newest - PAGE + 1, 0)
        return render(
            request,
            "blocks.html",
            rows=block_rows(sources, newest, oldest),
            last=last,
            live=before is None,
            older=oldest if oldest > 0 else None,
        )

    def live_blocks(request: Request) -> Response:
        """Rendered rows of the blocks after `after` (at most a page), for live.js; the header
        X-Live-After is the cursor for the next call, and X-Live-Reset says the chain is now
        shorter than the cursor (a sandbox revert or reset), so the page reloads."""
        after = parse_uint(request.query_params.get("after"), "after")
        last = _last_round(sources)
        if last < after:  # the chain went back (a revert or reset): the page starts again
            return HTMLResponse("", headers={"X-Live-After": str(last), "X-Live-Reset": "1"})
        if last == after:
            html = ""
        else:
            oldest = max(after + 1, last - PAGE + 1)
            html = render_fragment(
                "_block_rows.html", request, rows=block_rows(sources, last, oldest)
            )
        return HTMLResponse(html, headers={"X-Live-After": str(max(last, after))})

    def block(request: Request) -> Response:
        round_ = parse_uint(request.path_params["round"], "round")
        data = as_dict(
            read(lambda: sources.indexer.block_info(round_num=round_), f"no block {round_}")
        )
        last = _last_round(sources)
        return render(
            request,
            "block.html",
            block=data,
            transactions=data.get("transactions", []),
            previous=round_ - 1 if round_ > 0 else None,
            next=round_ + 1 if round_ < last else None,
        )

    return [
        Route("/", latest, name="blocks"),
        Route("/live/blocks", live_blocks),
        Route("/block/{round}", block, name="block"),
    ]
