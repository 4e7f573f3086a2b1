"""An asset's page: its params, its holders and its transactions (each paged)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .errors import parse_uint
from .paging import PAGE, page, token, units
from .render import readable, render
from .sources import ChainSources, as_dict, read

ROLES = ("manager", "reserve", "freeze", "clawback")


def _text(params: dict[str, Any], key: str) -> str:
    """A name, unit name or URL from its bytes (the indexer's text twin may be missing)."""
    if f"{key}-b64" in params:
        return readable(params[f"{key}-b64"])
    return str(params.get(key, ""))


def routes(sources: ChainSources) -> list[BaseRoute]:
    indexer = sources.indexer

    def asset(request: Request) -> Response:
        asset_id = parse_uint(request.path_params["asset_id"], "asset id")
        data = as_dict(
            read(lambda: indexer.asset_info(asset_id, include_all=True), f"no asset {asset_id}")
        )["asset"]
        params = data.get("params", {})
        decimals = int(params.get("decimals", 0))
        after = {n: token(request, n) for n in ("holders", "txns")}
        holders = page(
            lambda: indexer.asset_balances(asset_id, limit=PAGE, next_page=after["holders"]),
            "balances",
            f"holders of asset {asset_id}",
            after["holders"],
        )
        txns = page(
            lambda: indexer.search_asset_transactions(
                asset_id, limit=PAGE, next_page=after["txns"]
            ),
            "transactions",
            f"transactions of asset {asset_id}",
            after["txns"],
        )
        holder_rows = [
            {
                "address": h["address"],
                "amount": units(h.get("amount"), decimals),
                "frozen": h.get("is-frozen", False),
            }
            for h in holders.rows
        ]
        return render(
            request,
            "asset.html",
            asset_id=asset_id,
            asset=data,
            params=params,
            name=_text(params, "name"),
            unit=_text(params, "unit-name"),
            url=_text(params, "url"),
            total=units(params.get("total"), decimals),
            roles=[(role, params.get(role)) for role in ROLES],
            holders=holders,
            holder_rows=holder_rows,
            txns=txns,
        )

    return [Route("/asset/{asset_id}", asset, name="asset")]
