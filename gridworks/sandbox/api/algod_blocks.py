"""algod's per-block extras over the embedded ledger: a block's hash, its transaction ids and
its apps' logs (`GET /v2/blocks/{round}/hash`, `/txids` and `/logs`).

Like algod, these answer JSON only: the spec gives them no `format` parameter, so a
`format=msgpack` query is ignored, as algod ignores it.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..encoding import b64, encode_txid
from ..indexer.tables import tree, txid_digests
from ..ledger.errors import NotFound
from ..ledger.ledger import Ledger, header_hash
from .http import ApiError, int_param, json_response


def block_hash(block: dict[str, Any]) -> bytes:
    """A stored block's hash: its header's (the block without its payset, `txns`), as the next
    block's `prev` has it."""
    return header_hash({k: v for k, v in block.items() if k != "txns"})


def block_txids(block: dict[str, Any]) -> list[str]:
    """The ids of a stored block's top-level transactions, in block order."""
    return [encode_txid(digest) for digest in txid_digests(block)]


def block_logs(block: dict[str, Any]) -> list[dict[str, Any]]:
    """algod's AppCallLogs of a stored block: one per app call (top-level or inner) that
    logged, in block order with inner calls in pre-order; each carries the id of the
    top-level transaction it belongs to, and the app it ran (the created app's id for a
    creation)."""
    out: list[dict[str, Any]] = []
    for txid, entry in zip(block_txids(block), block["txns"], strict=True):
        for txn, ad in tree(entry["stxn"]["txn"], entry["ad"]):
            logs = (ad.get("dt") or {}).get("lg")
            if logs:
                out.append(
                    {
                        "application-index": txn.get("apid") or ad.get("apid", 0),
                        "logs": [b64(log) for log in logs],
                        "txId": txid,
                    }
                )
    return out


def routes(ledger: Ledger) -> list[Route]:
    """The routes, to serve beside algod's `/v2/blocks/{round}`."""

    def stored_block(request: Request) -> dict[str, Any]:
        round_ = int_param(request.path_params["round"], "round")
        try:
            return ledger.block(round_)
        except NotFound as exc:
            raise ApiError(404, exc.message) from None

    async def get_hash(request: Request) -> Response:
        digest = block_hash(stored_block(request))
        return json_response({"blockHash": encode_txid(digest)})  # go's Digest.String()

    async def get_txids(request: Request) -> Response:
        return json_response({"blockTxids": block_txids(stored_block(request))})

    async def get_logs(request: Request) -> Response:
        return json_response({"logs": block_logs(stored_block(request))})

    return [
        Route("/v2/blocks/{round}/hash", get_hash),
        Route("/v2/blocks/{round}/txids", get_txids),
        Route("/v2/blocks/{round}/logs", get_logs),
    ]
