"""One transaction's page (`/txn/{txid}`) and one group's (`/group/{round}/{group-id}`)."""

from __future__ import annotations

import base64

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .app_specs import AppSpecs
from .errors import not_found, parse_uint
from .render import render
from .sources import ChainSources, as_dict, read
from .txn_view import check_txid, parse_group, txn_view

GROUP_LIMIT = 16
"""A group holds at most 16 top-level transactions."""


def routes(sources: ChainSources, specs: AppSpecs) -> list[BaseRoute]:
    def transaction(request: Request) -> Response:
        txid = check_txid(request.path_params["txid"])
        data = as_dict(read(lambda: sources.indexer.transaction(txid), f"no transaction {txid}"))
        return render(request, "txn.html", t=txn_view(data["transaction"], specs))

    def group(request: Request) -> Response:
        round_ = parse_uint(request.path_params["round"], "round")
        group_id = parse_group(request.path_params["group"])
        shown = base64.b64encode(group_id).decode()
        data = as_dict(
            read(
                lambda: sources.indexer.search_transactions(
                    group_id=group_id, round_num=round_, limit=GROUP_LIMIT
                ),
                f"no group {shown} in round {round_}",
            )
        )
        members = sorted(data.get("transactions", []), key=lambda t: t["intra-round-offset"])
        if not members:
            raise not_found(f"no group {shown} in round {round_}")
        return render(
            request,
            "group.html",
            group=shown,
            round=round_,
            members=[txn_view(t, specs) for t in members],
        )

    return [
        Route("/txn/{txid}", transaction, name="txn"),
        Route("/group/{round}/{group:path}", group, name="group"),
    ]
