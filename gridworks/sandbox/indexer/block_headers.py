"""indexer's `GET /v2/block-headers`: stored block headers searched by round, time and
participation, oldest first, paged by round.

Each header is the object `/v2/blocks/{round}?header-only=true` returns (`block_json`). One page
costs one range read of the `blocks` table on its primary key, with a LIMIT; a time bound is first
turned into a round with one LIMIT 1 lookup on `ix_rounds_ts` (a block's time is never before its
parent's, so the first round after a time is the one with the least later time).

Participation filters (`proposers`, `expired`, `absent`): the sandbox's blocks have no proposer
(`prp`) and no participation updates (`partupdrmv`, `partupdabs`): it has no consensus, so no
account proposes, expires or is marked absent (see `Ledger._next_header`). These filters are
checked as indexer checks them and then match no block, as a real indexer's would on a chain
without that data.
"""

from __future__ import annotations

import base64
import binascii
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api.http import ApiError, json_response
from .query_params import Params, address
from .tables import unpack
from .txn_shapes import block_json

if TYPE_CHECKING:
    from ..ledger.ledger import Ledger

HEADER_LIMIT = (100, 1000)  # (default, maximum), as indexer's --default/--max-blocks-limit
ACCOUNT_LIST_MAX = 50  # addresses in one participation filter, as indexer's default
PARTICIPATION = ("proposers", "expired", "absent")
FILTERS = ("limit", "next", "min-round", "max-round", "before-time", "after-time", *PARTICIPATION)
INT64_MAX = 2**63 - 1

Reading = Callable[[], AbstractContextManager[Any]]


@dataclass(frozen=True, slots=True)
class HeaderQuery:
    """A block-header search; None leaves a filter out. Times are Unix seconds.

    `accounts` is the one participation filter given (its name and addresses), if any."""

    limit: int
    min_round: int | None = None
    max_round: int | None = None
    before_time: int | None = None
    after_time: int | None = None
    accounts: tuple[str, frozenset[bytes]] | None = None


def encode_next(round_: int) -> str:
    """A page's next-token: its last round, as indexer writes it (8 bytes little-endian,
    URL-safe base64)."""
    return base64.urlsafe_b64encode(round_.to_bytes(8, "little")).decode()


def decode_next(token: str) -> int:
    try:
        raw = base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode())
    except (binascii.Error, ValueError):
        raise ApiError(400, f"invalid next token {token!r}") from None
    if len(raw) != 8:
        raise ApiError(400, f"invalid next token {token!r}")
    return int.from_bytes(raw, "little")


def parse_query(params: Params) -> HeaderQuery:
    """The search a request's parameters ask for, refused (400) where indexer refuses it."""
    min_round = params.integer("min-round")
    max_round = params.integer("max-round")
    if any(value is not None and value > INT64_MAX for value in (min_round, max_round)):
        raise ApiError(400, f"invalid input: a round above {INT64_MAX} is not supported")
    if min_round is not None and max_round is not None and min_round > max_round:
        raise ApiError(400, "invalid input: min-round must be less than max-round")
    token = params.raw("next")
    if token is not None:
        after = decode_next(token)
        min_round = after + 1 if min_round is None else max(min_round, after + 1)
    after_time = params.time("after-time")
    before_time = params.time("before-time")
    if after_time is not None and before_time is not None and after_time > before_time:
        raise ApiError(400, "invalid input: after-time must be less than before-time")
    return HeaderQuery(
        limit=params.limit(*HEADER_LIMIT),
        min_round=min_round,
        max_round=max_round,
        before_time=before_time,
        after_time=after_time,
        accounts=_participation(params),
    )


def _participation(params: Params) -> tuple[str, frozenset[bytes]] | None:
    """The participation filter given (comma-separated or repeated addresses), if any."""
    given = [name for name in PARTICIPATION if name in params.query]
    if not given:
        return None
    if len(given) > 1:
        raise ApiError(400, "invalid input: only one of proposers, expired or absent can be given")
    name = given[0]
    texts = [text for value in params.query.getlist(name) for text in value.split(",")]
    if len(texts) > ACCOUNT_LIST_MAX:
        raise ApiError(400, f"invalid input: {name} list too long, max size is {ACCOUNT_LIST_MAX}")
    return name, frozenset(address(text, name) for text in texts)


def _round_range(db: sqlite3.Connection, q: HeaderQuery) -> tuple[int, int] | None:
    """The rounds the query may match (None: none can)."""
    low = 0 if q.min_round is None else q.min_round
    high = INT64_MAX if q.max_round is None else min(q.max_round, INT64_MAX)
    if q.after_time is not None:
        row = db.execute(
            "SELECT rnd FROM ix_rounds WHERE ts > ? ORDER BY ts, rnd LIMIT 1", (q.after_time,)
        ).fetchone()
        if row is None:
            return None
        low = max(low, row[0])
    if q.before_time is not None:
        row = db.execute(
            "SELECT rnd FROM ix_rounds WHERE ts < ? ORDER BY ts DESC, rnd DESC LIMIT 1",
            (q.before_time,),
        ).fetchone()
        if row is None:
            return None
        high = min(high, row[0])
    return None if low > high else (low, high)


def search_headers(db: sqlite3.Connection, q: HeaderQuery) -> list[dict[str, Any]]:
    """The stored blocks (msgpack-decoded) on the query's page, oldest first."""
    if q.accounts is not None:
        return []  # no block records a proposer or participation updates (module docstring)
    bounds = _round_range(db, q)
    if bounds is None:
        return []
    rows = db.execute(
        "SELECT data FROM blocks WHERE rnd BETWEEN ? AND ? ORDER BY rnd LIMIT ?",
        (*bounds, q.limit),
    )
    return [unpack(data) for (data,) in rows.fetchall()]


def block_header_routes(ledger: Ledger, reading: Reading) -> list[Route]:
    """The route; `reading()` holds the ledger's lock and the store's and gives the store."""

    async def block_headers(request: Request) -> Response:
        query = parse_query(Params(request.query_params, FILTERS))
        with reading() as db:
            blocks = search_headers(db, query)
            current = ledger.round
        body: dict[str, Any] = {"current-round": current}
        if blocks:
            body["next-token"] = encode_next(blocks[-1]["rnd"])
        body["blocks"] = [block_json(block, None) for block in blocks]
        return json_response(body)

    return [Route("/v2/block-headers", block_headers)]
