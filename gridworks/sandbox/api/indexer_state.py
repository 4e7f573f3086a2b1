"""indexer's routes over the ledger's state: accounts, apps (their boxes and logs) and assets,
with their lists. Translation only: `StateLists` reads, these check parameters and shape pages.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..encoding import b64, encode_txid
from ..indexer.query_params import Params, address, encode_token
from ..indexer.search import TxnQuery
from ..indexer.state_lists import StateLists
from ..ledger.ledger import Ledger
from .algod import box_name_param
from .http import ApiError, int_param, json_response

LIST_LIMIT = (100, 1000)  # (default, maximum), as indexer's
BOX_LIMIT = (1000, 10000)
LOG_LIMIT = (1000, 10000)

Reading = Callable[[], AbstractContextManager[Any]]


def state_routes(ledger: Ledger, reading: Reading) -> list[Route]:
    """The routes; `reading()` holds the ledger's lock and the store's and gives the store."""

    def lists(db: Any) -> StateLists:
        return StateLists(ledger, db)

    async def accounts(request: Request) -> Response:
        params = Params(
            request.query_params,
            (
                "asset-id", "limit", "next", "currency-greater-than", "include-all", "exclude",
                "currency-less-than", "auth-addr", "round", "application-id", "online-only",
            ),
        )  # fmt: skip
        _current_round_only(params, ledger)
        limit = params.limit(*LIST_LIMIT)
        with reading() as db:
            found = lists(db).accounts(
                after=params.next_address(),
                limit=limit,
                asset=params.integer("asset-id"),
                app=params.integer("application-id"),
                currency_gt=params.integer("currency-greater-than"),
                currency_lt=params.integer("currency-less-than"),
                auth_addr=params.address("auth-addr"),
                online_only=params.boolean("online-only"),
                include_all=params.boolean("include-all"),
                exclude=params.exclude(),
            )
            current = ledger.round
        return _page("accounts", found, current, lambda a: a["address"])

    async def account(request: Request) -> Response:
        params = Params(request.query_params, ("round", "include-all", "exclude"))
        _current_round_only(params, ledger)
        text = request.path_params["account"]
        addr = address(text, "account-id")
        with reading() as db:
            body = lists(db).account(addr, params.boolean("include-all"), params.exclude())
            current = ledger.round
        if body is None:
            raise ApiError(404, f"no accounts found for address: {text}")
        return json_response({"account": body, "current-round": current})

    def account_list(request: Request, key: str, filter_name: str, method: str) -> Response:
        """One of an account's lists, paged by id (an asset's or an app's)."""
        params = Params(request.query_params, (filter_name, "include-all", "limit", "next"))
        addr = address(request.path_params["account"], "account-id")
        with reading() as db:
            items = getattr(lists(db), method)(
                addr,
                only=params.integer(filter_name),
                after=params.next_int(),
                limit=params.limit(*LIST_LIMIT),
                include_all=params.boolean("include-all"),
            )
            current = ledger.round
        return _page(key, items, current, _id_of)

    async def account_assets(request: Request) -> Response:
        return account_list(request, "assets", "asset-id", "holdings")

    async def account_created_assets(request: Request) -> Response:
        return account_list(request, "assets", "asset-id", "created_assets")

    async def account_local_states(request: Request) -> Response:
        return account_list(request, "apps-local-states", "application-id", "local_states")

    async def account_created_apps(request: Request) -> Response:
        return account_list(request, "applications", "application-id", "created_apps")

    async def applications(request: Request) -> Response:
        params = Params(
            request.query_params, ("application-id", "creator", "include-all", "limit", "next")
        )
        with reading() as db:
            items = lists(db).applications(
                only=params.integer("application-id"),
                creator=params.address("creator"),
                after=params.next_int(),
                limit=params.limit(*LIST_LIMIT),
                include_all=params.boolean("include-all"),
            )
            current = ledger.round
        return _page("applications", items, current, _id_of)

    async def application(request: Request) -> Response:
        params = Params(request.query_params, ("include-all",))
        app_id = int_param(request.path_params["app"], "application-id")
        with reading() as db:
            found = lists(db).applications(
                only=app_id, after=None, limit=1, include_all=params.boolean("include-all")
            )
            current = ledger.round
        if not found:
            raise ApiError(404, f"no application found for application-id: {app_id}")
        return json_response({"application": found[0], "current-round": current})

    async def application_boxes(request: Request) -> Response:
        params = Params(request.query_params, ("limit", "next"))
        app_id = int_param(request.path_params["app"], "application-id")
        after = params.raw("next")
        start = box_name_param(after) if after is not None else None
        limit = params.limit(*BOX_LIMIT)
        with reading():
            if ledger.state.app(app_id) is None and not ledger.box_names(app_id):
                raise ApiError(404, f"no application found for application-id: {app_id}")
            names = [name for name in ledger.box_names(app_id) if start is None or name > start]
            current = ledger.round
        names = names[:limit]
        body: dict[str, Any] = {
            "application-id": app_id,
            "boxes": [{"name": b64(name)} for name in names],
            "round": current,
        }
        if names:
            body["next-token"] = "b64:" + b64(names[-1])
        return json_response(body)

    async def application_box(request: Request) -> Response:
        params = Params(request.query_params, ("name",))
        app_id = int_param(request.path_params["app"], "application-id")
        name = box_name_param(params.raw("name"))
        with reading():
            value = ledger.box(app_id, name)
            current = ledger.round
        if value is None:
            raise ApiError(404, f"no box found for application-id: {app_id}, name: {b64(name)}")
        return json_response({"name": b64(name), "round": current, "value": b64(value)})

    async def application_logs(request: Request) -> Response:
        params = Params(
            request.query_params,
            ("limit", "next", "txid", "min-round", "max-round", "sender-address"),
        )
        app_id = int_param(request.path_params["app"], "application-id")
        query = TxnQuery(
            limit=params.limit(*LOG_LIMIT),
            after=params.position(),
            app=app_id,
            txid=params.txid("txid"),
            min_round=params.integer("min-round"),
            max_round=params.integer("max-round"),
        )
        sender = params.address("sender-address")
        with reading() as db:
            entries, end = lists(db).logs(query, sender)
            current = ledger.round
        body: dict[str, Any] = {
            "application-id": app_id,
            "current-round": current,
            "log-data": [
                {"logs": [b64(log) for log in logs], "txid": encode_txid(txid)}
                for txid, logs in entries
            ],
        }
        if end is not None:
            body["next-token"] = encode_token(*end)
        return json_response(body)

    async def assets(request: Request) -> Response:
        params = Params(
            request.query_params,
            ("include-all", "limit", "next", "creator", "name", "unit", "asset-id"),
        )
        with reading() as db:
            items = lists(db).assets(
                only=params.integer("asset-id"),
                creator=params.address("creator"),
                name=params.raw("name"),
                unit=params.raw("unit"),
                after=params.next_int(),
                limit=params.limit(*LIST_LIMIT),
                include_all=params.boolean("include-all"),
            )
            current = ledger.round
        return _page("assets", items, current, _id_of)

    async def asset(request: Request) -> Response:
        params = Params(request.query_params, ("include-all",))
        asset_id = int_param(request.path_params["asset"], "asset-id")
        with reading() as db:
            found = lists(db).assets(
                only=asset_id, after=None, limit=1, include_all=params.boolean("include-all")
            )
            current = ledger.round
        if not found:
            raise ApiError(404, f"no assets found for asset-id: {asset_id}")
        return json_response({"asset": found[0], "current-round": current})

    async def asset_balances(request: Request) -> Response:
        params = Params(
            request.query_params,
            ("include-all", "limit", "next", "currency-greater-than", "currency-less-than"),
        )
        asset_id = int_param(request.path_params["asset"], "asset-id")
        with reading() as db:
            items = lists(db).balances(
                asset_id,
                after=params.next_address(),
                limit=params.limit(*LIST_LIMIT),
                currency_gt=params.integer("currency-greater-than"),
                currency_lt=params.integer("currency-less-than"),
            )
            current = ledger.round
        return _page("balances", items, current, lambda b: b["address"])

    return [
        Route("/v2/accounts", accounts),
        Route("/v2/accounts/{account}", account),
        Route("/v2/accounts/{account}/assets", account_assets),
        Route("/v2/accounts/{account}/created-assets", account_created_assets),
        Route("/v2/accounts/{account}/apps-local-state", account_local_states),
        Route("/v2/accounts/{account}/created-applications", account_created_apps),
        Route("/v2/applications", applications),
        Route("/v2/applications/{app}", application),
        Route("/v2/applications/{app}/boxes", application_boxes),
        Route("/v2/applications/{app}/box", application_box),
        Route("/v2/applications/{app}/logs", application_logs),
        Route("/v2/assets", assets),
        Route("/v2/assets/{asset}", asset),
        Route("/v2/assets/{asset}/balances", asset_balances),
    ]


def _current_round_only(params: Params, ledger: Ledger) -> None:
    round_ = params.integer("round")
    if round_ is not None and round_ != ledger.round:
        raise ApiError(400, "round: only the current round can be looked up on the sandbox")


def _id_of(item: dict[str, Any]) -> str:
    """The next-token of an id-paged list: an app's id, an asset's index or a holding's."""
    for key in ("id", "index", "asset-id"):
        if key in item:
            return str(item[key])
    raise KeyError("the item has no id")


def _page(
    key: str, items: list[dict[str, Any]], current: int, token: Callable[[dict[str, Any]], str]
) -> Response:
    body: dict[str, Any] = {"current-round": current, key: items}
    if items:
        body["next-token"] = token(items[-1])
    return json_response(body)
