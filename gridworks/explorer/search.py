"""The search box: a round, a transaction id, an address, an asset or app id, or a GNode alias
(sent on to the GNodes pages); more than one match gives a page of choices."""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from .abi_decode import is_address
from .errors import ExplorerError, bad_request, not_found
from .render import base_path, render
from .sources import ChainSources, as_dict, read
from .txn_view import TXID_LENGTH

MAX_QUERY = 200
ALIAS = re.compile(r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")
"""A GNode alias: dotted lowercase words (d1.isone.ver.keene.holly.ta)."""
BASE32 = re.compile(r"^[A-Z2-7]+$")


def _exists(call: object, missing: str) -> bool:
    try:
        read(call, missing)  # type: ignore[arg-type]
    except ExplorerError as exc:
        if exc.status in (400, 404):
            return False
        raise
    return True


def routes(sources: ChainSources) -> list[BaseRoute]:
    def search(request: Request) -> Response:
        base = base_path(request)
        query = request.query_params.get("q", "").strip()
        if not query:
            raise bad_request("type a round, transaction id, address, asset or app id, or alias")
        if len(query) > MAX_QUERY:
            raise bad_request(f"a search holds at most {MAX_QUERY} characters")
        if query.isdigit():
            number = int(query)
            if number >= 2**64:
                raise bad_request(f"{query} is larger than any round or id")
            last = int(as_dict(read(sources.algod.status, "the node's status"))["last-round"])
            choices = []
            if number <= last:
                choices.append(("block", f"Block {number}", f"{base}/block/{number}"))
            if _exists(lambda: sources.indexer.asset_info(number), f"asset {number}"):
                choices.append(("asset", f"Asset {number}", f"{base}/asset/{number}"))
            if _exists(lambda: sources.indexer.applications(number), f"app {number}"):
                choices.append(("app", f"Application {number}", f"{base}/app/{number}"))
            if not choices:
                raise not_found(
                    f"nothing is numbered {number}: no round (the last is {last}), "
                    "asset or application"
                )
            if len(choices) == 1:
                return RedirectResponse(choices[0][2], status_code=303)
            return render(request, "search.html", query=query, choices=choices)
        if len(query) == TXID_LENGTH and BASE32.match(query):
            return RedirectResponse(f"{base}/txn/{query}", status_code=303)
        if is_address(query):
            return RedirectResponse(f"{base}/account/{query}", status_code=303)
        if ALIAS.match(query):
            return RedirectResponse(f"{base}/gnodes?alias={quote(query)}", status_code=303)
        raise not_found(
            f"nothing matches {query!r}: the explorer looks for a round, a transaction id "
            "(52 characters), an address (58), an asset or app id, or a GNode alias"
        )

    return [Route("/search", search, name="search")]
