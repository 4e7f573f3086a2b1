"""An account's page: balance, status, holdings, what it created, its local states and
transactions, each list paged with the indexer's next-token."""

from __future__ import annotations

from typing import Any

from algosdk.error import AlgodHTTPError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .abi_decode import is_address
from .applications import state_rows
from .errors import ExplorerError, bad_request
from .paging import PAGE, page, token, units
from .render import readable, render
from .sources import ChainSources, as_dict, read


def check_address(address: str) -> str:
    if not is_address(address):
        raise bad_request(
            f"{address!r} is not an Algorand address: one is 58 characters of base32 "
            "(A–Z, 2–7) ending in a checksum"
        )
    return address


def _named(params: dict[str, Any]) -> dict[str, str]:
    return {
        "name": readable(params.get("name-b64"))
        if "name-b64" in params
        else params.get("name", ""),
        "unit": readable(params.get("unit-name-b64"))
        if "unit-name-b64" in params
        else params.get("unit-name", ""),
    }


def held_rows(sources: ChainSources, holdings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of holdings with each asset's name, unit name and amount in whole units (one algod
    read per asset on the page; a destroyed asset keeps its base units and says so)."""
    rows = []
    for holding in holdings:
        asset_id = int(holding["asset-id"])
        try:
            params = as_dict(sources.algod.asset_info(asset_id)).get("params", {})
        except AlgodHTTPError as error:
            if error.code != 404:
                raise ExplorerError(502, f"the node did not answer: {error}") from None
            params = None
        rows.append(
            {
                "id": asset_id,
                **(_named(params) if params is not None else {"name": "", "unit": ""}),
                "amount": units(holding.get("amount"), int(params.get("decimals", 0)))
                if params is not None
                else f"{holding.get('amount', 0):,} (base units; the asset was destroyed)",
                "frozen": bool(holding.get("is-frozen")),
            }
        )
    return rows


def routes(sources: ChainSources) -> list[BaseRoute]:
    indexer = sources.indexer

    def listed(path: str, after: str | None) -> Any:
        """A page of one of the indexer's lists algosdk has no method for."""
        return indexer.indexer_request(
            "GET", path, {"limit": PAGE, **({"next": after} if after else {})}
        )

    def account(request: Request) -> Response:
        address = check_address(request.path_params["address"])
        info = as_dict(
            read(
                lambda: sources.algod.account_info(address, exclude="all"), f"no account {address}"
            )
        )
        after = {n: token(request, n) for n in ("assets", "created", "apps", "local", "txns")}
        assets = page(
            lambda: indexer.lookup_account_assets(
                address, limit=PAGE, next_page=after["assets"], include_all=False
            ),
            "assets",
            f"assets of {address}",
            after["assets"],
        )
        created = page(
            lambda: listed(f"/accounts/{address}/created-assets", after["created"]),
            "assets",
            f"assets created by {address}",
            after["created"],
        )
        apps = page(
            lambda: listed(f"/accounts/{address}/created-applications", after["apps"]),
            "applications",
            f"applications created by {address}",
            after["apps"],
        )
        local = page(
            lambda: indexer.lookup_account_application_local_state(
                address, limit=PAGE, next_page=after["local"]
            ),
            "apps-local-states",
            f"local states of {address}",
            after["local"],
        )
        txns = page(
            lambda: indexer.search_transactions_by_address(
                address, limit=PAGE, next_page=after["txns"]
            ),
            "transactions",
            f"transactions of {address}",
            after["txns"],
        )
        created_rows = [
            {
                "id": a["index"],
                **_named(a.get("params", {})),
                "total": a.get("params", {}).get("total"),
            }
            for a in created.rows
        ]
        local_rows = [
            {
                "id": s["id"],
                "state": state_rows(s.get("key-value", [])),
            }
            for s in local.rows
        ]
        return render(
            request,
            "account.html",
            address=address,
            info=info,
            assets=assets,
            held=held_rows(sources, assets.rows),
            created=created,
            created_rows=created_rows,
            apps=apps,
            local=local,
            local_rows=local_rows,
            txns=txns,
        )

    return [Route("/account/{address}", account, name="account")]
