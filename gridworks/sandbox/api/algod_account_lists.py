"""algod's per-account lists: an account's asset holdings and application resources (paged),
and the pending transactions that involve it.

What algod does, as read in go-algorand's v2 handlers (facts only, no code taken):

- `GET /v2/accounts/{address}/assets` lists the account's holdings by ascending asset id,
  each with the asset's params while the asset exists (whoever created it). JSON only; the
  spec gives it no `include` parameter: params always come with the holding.
- `GET /v2/accounts/{address}/applications` lists the apps the account has local state in or
  created, by ascending id: `app-local-state` when opted in, `params` only with
  `include=params` (algod joins the creator's params, so an opted-in app created by another
  account gets them too), `deleted: true` for an app that no longer exists. JSON only.
- Paging: `limit` must be positive (default 1000; at most 1000 assets, 1000 apps with params,
  100,000 apps without); `next-token` is the id of the last entry of a page that has more after
  it, and `next` lists the ids above it. The last page has no `next-token`.
- `GET /v2/accounts/{address}/transactions/pending` is the pool's list filtered to the
  transactions that touch the address (go's `MatchAddress`: sender, receiver or close-to,
  asset receiver, close-to or clawback target), `total-transactions` counting the whole pool.
  The sandbox has no pool: each group goes into a block of its own as it is sent. So the answer
  is the whole-pool endpoint's, whose list is always empty, after the address and `max` are
  checked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..ledger.ledger import Ledger
from .algod_shapes import app_json, asset_params_json, holding_json, local_state_json
from .http import ApiError, int_param, json_response

Endpoint = Callable[[Request], Awaitable[Response]]

DEFAULT_RESULTS = 1000  # algod's DefaultAssetResults and DefaultApplicationResults
MAX_ASSET_RESULTS = 1000
MAX_APP_RESULTS = 1000  # with include=params
MAX_APP_RESULTS_WITHOUT_PARAMS = 100 * MAX_APP_RESULTS


def page_limit(request: Request, maximum: int, kind: str) -> int:
    """The `limit` query parameter: positive and at most `maximum` (algod's wording)."""
    text = request.query_params.get("limit")
    if text is None:
        return min(DEFAULT_RESULTS, maximum)
    limit = int_param(text, "limit")
    if limit == 0:
        raise ApiError(400, "limit parameter must be a positive integer")
    if limit > maximum:
        raise ApiError(400, f"limit {limit} exceeds max {kind} single batch limit {maximum}")
    return limit


def page_after(request: Request) -> int:
    """The `next` token: the id the previous page ended with (0, from the start, if absent)."""
    text = request.query_params.get("next")
    if text is None:
        return 0
    if not (text.isascii() and text.isdigit()) or int(text) >= 2**64:
        raise ApiError(400, f"unable to parse next token: {text!r} is not an unsigned integer")
    return int(text)


def page(ids: list[int], after: int, limit: int) -> tuple[list[int], str | None]:
    """The ids above `after` (ids ascending), at most `limit` of them, and the token of the page
    after (the last id given) if any are left."""
    rest = [i for i in ids if i > after]
    if len(rest) <= limit:
        return rest, None
    return rest[:limit], str(rest[limit - 1])


def include_params(request: Request) -> bool:
    """`include=params` (a comma-separated list, possibly repeated); unknown items are ignored,
    as algod ignores them."""
    items = {
        item.strip()
        for value in request.query_params.getlist("include")
        for item in value.split(",")
    }
    return "params" in items


def routes(
    ledger: Ledger, pending_list: Endpoint, parse_address: Callable[[str], bytes]
) -> list[BaseRoute]:
    """The three routes. `pending_list`: the `/v2/transactions/pending` endpoint, whose answer
    (and format handling) the by-address one gives; `parse_address`: the path's address, or an
    ApiError 400 in the words the other account routes use."""

    async def pending_by_address(request: Request) -> Response:
        parse_address(request.path_params["address"])
        return await pending_list(request)  # (which checks `max`)

    async def account_assets(request: Request) -> Response:
        addr = parse_address(request.path_params["address"])
        limit = page_limit(request, MAX_ASSET_RESULTS, "assets")
        after = page_after(request)
        with ledger.lock:  # the round and the page from one state
            round_ = ledger.round
            holdings = ledger.holdings(addr)
            ids, next_token = page(sorted(holdings), after, limit)
            entries = []
            for asset_id in ids:
                entry: dict[str, Any] = {
                    "asset-holding": holding_json(asset_id, holdings[asset_id])
                }
                params = ledger.asset(asset_id)
                if params is not None:
                    entry["asset-params"] = asset_params_json(params)
                entries.append(entry)
        body: dict[str, Any] = {"asset-holdings": entries, "round": round_}
        if next_token is not None:
            body["next-token"] = next_token
        return json_response(body)

    async def account_applications(request: Request) -> Response:
        addr = parse_address(request.path_params["address"])
        with_params = include_params(request)
        maximum = MAX_APP_RESULTS if with_params else MAX_APP_RESULTS_WITHOUT_PARAMS
        limit = page_limit(request, maximum, "applications")
        after = page_after(request)
        with ledger.lock:
            round_ = ledger.round
            locals_ = ledger.apps_opted_in(addr)
            created = ledger.apps_created_by(addr)
            ids, next_token = page(sorted(locals_.keys() | created.keys()), after, limit)
            entries = []
            for app_id in ids:
                entry: dict[str, Any] = {"id": app_id}
                params = created[app_id] if app_id in created else ledger.app(app_id)
                if params is None:
                    entry["deleted"] = True
                elif with_params:
                    entry["params"] = app_json(app_id, params)["params"]
                if app_id in locals_:
                    entry["app-local-state"] = local_state_json(app_id, locals_[app_id])
                entries.append(entry)
        body: dict[str, Any] = {"application-resources": entries, "round": round_}
        if next_token is not None:
            body["next-token"] = next_token
        return json_response(body)

    return [
        Route("/v2/accounts/{address}/transactions/pending", pending_by_address),
        Route("/v2/accounts/{address}/assets", account_assets),
        Route("/v2/accounts/{address}/applications", account_applications),
    ]
