"""indexer's v2 REST API over the embedded ledger's store. Translation only: the tables decide.

Every request reads under the ledger's lock and then the store's (the order blocks are
written in), so it sees one round's state and that round's transactions, and a confirmed
transaction is found as soon as its block is committed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from ... import __version__
from ..indexer.block_headers import block_header_routes
from ..indexer.query_params import Params, address, encode_token, txid_param
from ..indexer.search import Found, TxnQuery, load, role_mask, search
from ..indexer.tables import unpack
from ..indexer.txn_shapes import RoundInfo, block_json, transaction_json
from ..ledger.ledger import Ledger
from .algod import _EXCEPTION_HANDLERS
from .http import ApiError, TokenGuard, int_param, json_response, with_cors
from .indexer_state import state_routes

TXN_LIMIT = (1000, 10000)  # (default, maximum), as indexer's
TXN_FILTERS = (
    "limit", "next", "note-prefix", "tx-type", "sig-type", "txid", "round", "min-round",
    "max-round", "before-time", "after-time", "currency-greater-than", "currency-less-than",
    "rekey-to",
)  # fmt: skip
TX_TYPES = ("pay", "keyreg", "acfg", "axfer", "afrz", "appl", "stpf", "hb")
SIG_TYPES = ("sig", "msig", "lsig")
ADDRESS_ROLES = ("sender", "receiver", "freeze-target")


def _txn_query(params: Params, **fixed: Any) -> TxnQuery:
    """A search from a request's filters; `fixed` are the route's own (an account, an asset)."""
    addr = fixed.get("address", params.address("address"))
    role = params.choice("address-role", ADDRESS_ROLES)
    if role is not None and addr is None:
        raise ApiError(400, "address-role needs an address")
    return TxnQuery(
        limit=params.limit(*TXN_LIMIT),
        after=params.position(),
        address=addr,
        roles=role_mask(role, params.boolean("exclude-close-to")),
        app=params.integer("application-id"),
        asset=fixed.get("asset", params.integer("asset-id")),
        typ=params.choice("tx-type", TX_TYPES),
        sig=params.choice("sig-type", SIG_TYPES),
        note_prefix=params.base64("note-prefix"),
        round=params.integer("round"),
        min_round=params.integer("min-round"),
        max_round=params.integer("max-round"),
        before_time=params.time("before-time"),
        after_time=params.time("after-time"),
        currency_gt=params.integer("currency-greater-than"),
        currency_lt=params.integer("currency-less-than"),
        txid=params.txid("txid"),
        group=params.base64("group-id"),
        rekey_to=params.boolean("rekey-to"),
    )


def create_indexer_app(ledger: Ledger, token: str) -> ASGIApp:
    """indexer's API over `ledger` and its store; `token` as algod's (either header)."""
    store = ledger.store

    @contextmanager
    def reading() -> Iterator[Any]:
        with ledger.lock, store.lock:
            yield store.db

    def found_text(found: Found) -> str:
        """A found transaction's JSON text: rendered when its block was written, else now."""
        if found.json is not None:
            return found.json
        info = RoundInfo(found.round, found.round_time)
        body = transaction_json(found.entry, found.txid, info, found.root)
        return json.dumps(body, separators=(",", ":"))

    def transactions_page(params: Params, **fixed: Any) -> Response:
        query = _txn_query(params, **fixed)
        with reading() as db:
            page = load(db, search(db, query))
            current = ledger.round
        # joined from the stored texts: a page of a thousand costs no JSON encoding
        token = f'"next-token":"{encode_token(page[-1].round, page[-1].root)}",' if page else ""
        texts = ",".join(found_text(found) for found in page)
        body = f'{{"current-round":{current},{token}"transactions":[{texts}]}}'
        return Response(body.encode(), media_type="application/json")

    async def health(request: Request) -> Response:
        with reading():
            current = ledger.round
        return json_response(
            {
                "data": {"migration-required": False, "read-only-mode": False},
                "db-available": True,
                "is-migrating": False,
                "message": str(current),
                "round": current,
                "version": f"gridworks-{__version__}",
            }
        )

    async def transactions(request: Request) -> Response:
        allowed = TXN_FILTERS + (
            "group-id", "asset-id", "address", "address-role", "exclude-close-to",
            "application-id",
        )  # fmt: skip
        return transactions_page(Params(request.query_params, allowed))

    async def transaction(request: Request) -> Response:
        Params(request.query_params, ())
        text = request.path_params["txid"]
        digest = txid_param(text, "txid")
        with reading() as db:
            page = load(db, search(db, TxnQuery(limit=1, txid=digest)))
            current = ledger.round
        if not page:
            raise ApiError(404, f"no transaction found for transaction id: {text}")
        body = f'{{"current-round":{current},"transaction":{found_text(page[0])}}}'
        return Response(body.encode(), media_type="application/json")

    async def account_transactions(request: Request) -> Response:
        addr = address(request.path_params["account"], "account-id")
        allowed = TXN_FILTERS + ("asset-id",)
        return transactions_page(Params(request.query_params, allowed), address=addr)

    async def asset_transactions(request: Request) -> Response:
        asset_id = int_param(request.path_params["asset"], "asset-id")
        allowed = TXN_FILTERS + ("address", "address-role", "exclude-close-to")
        return transactions_page(Params(request.query_params, allowed), asset=asset_id)

    async def block(request: Request) -> Response:
        params = Params(request.query_params, ("header-only",))
        round_ = int_param(request.path_params["round"], "round-number")
        header_only = params.boolean("header-only")
        with reading() as db:
            row = db.execute("SELECT data FROM blocks WHERE rnd = ?", (round_,)).fetchone()
            if row is None:
                raise ApiError(404, f"error while looking up block for round: {round_}")
            stored = unpack(row[0])
            txns = None
            if not header_only:
                info = RoundInfo(round_, stored["ts"])
                roots = db.execute(
                    "SELECT root, txid FROM ix_txns WHERE rnd = ? AND intra = root ORDER BY root",
                    (round_,),
                ).fetchall()
                txns = [
                    transaction_json(entry, bytes(txid), info, root)
                    for entry, (root, txid) in zip(stored["txns"], roots, strict=True)
                ]
        return json_response(block_json(stored, txns))

    routes = [
        Route("/health", health),
        Route("/v2/transactions", transactions),
        Route("/v2/transactions/{txid}", transaction),
        Route("/v2/accounts/{account}/transactions", account_transactions),
        Route("/v2/assets/{asset}/transactions", asset_transactions),
        Route("/v2/blocks/{round}", block),
        *state_routes(ledger, reading),
        *block_header_routes(ledger, reading),
    ]
    app = Starlette(routes=routes, exception_handlers=_EXCEPTION_HANDLERS)
    return with_cors(
        TokenGuard(
            app,
            header=("X-Indexer-API-Token", "X-Algo-API-Token"),
            token=token,
            open_paths={"/health"},
            error_body={"message": "Invalid API Token"},
        )
    )
