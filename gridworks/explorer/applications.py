"""An application's page: creator, address, global state, boxes (paged, one box's value on
request), schemas, its spec when known, recent calls (paged) and the transaction creating it."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from algosdk import encoding
from algosdk.logic import get_application_address
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .app_specs import AppSpecs
from .errors import ExplorerError, bad_request, parse_uint
from .paging import PAGE, page, token
from .render import b64bytes, readable, render
from .sources import ChainSources, as_dict, read
from .txn_view import selectors

CREATION_SEARCH = 16
"""How many transactions of the creating round are looked through for the app's creation."""


def state_rows(key_values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """TEAL key-values as rows: key as text (or hex), a uint, or bytes as text (or hex), with
    the address they spell when they are 32 bytes."""
    rows = []
    for kv in sorted(key_values, key=lambda kv: b64bytes(kv.get("key"))):
        value = kv.get("value", {})
        raw = b64bytes(value.get("bytes"))
        is_uint = value.get("type") == 2
        rows.append(
            {
                "key": readable(kv.get("key")),
                "type": "uint" if is_uint else "bytes",
                "value": str(value.get("uint", 0)) if is_uint else readable(raw),
                "address": encoding.encode_address(raw) if not is_uint and len(raw) == 32 else None,
            }
        )
    return rows


def box_param(name_b64: str) -> str:
    """A box name as a query parameter: base64url without padding."""
    return base64.urlsafe_b64encode(b64bytes(name_b64)).decode().rstrip("=")


def parse_box(param: str) -> bytes:
    text = param.strip().rstrip("=")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise bad_request(f"box {param!r} is not a box name in base64url") from None
    if not 1 <= len(raw) <= 64:
        raise bad_request("a box name holds 1 to 64 bytes")
    return raw


def _find_creation(txns: list[dict[str, Any]], app_id: int) -> tuple[str, str] | None:
    """The root transaction id and inner path of the transaction creating `app_id`."""

    def walk(txn: dict[str, Any], path: str) -> str | None:
        if txn.get("created-application-index") == app_id:
            return path
        for number, child in enumerate(txn.get("inner-txns") or [], start=1):
            found = walk(child, f"{path}.{number}" if path else str(number))
            if found is not None:
                return found
        return None

    for root in txns:
        path = walk(root, "")
        if path is not None and root.get("id"):
            return str(root["id"]), path
    return None


def routes(sources: ChainSources, specs: AppSpecs) -> list[BaseRoute]:
    indexer = sources.indexer

    def application(request: Request) -> Response:
        app_id = parse_uint(request.path_params["app_id"], "application id")
        data = as_dict(
            read(lambda: indexer.applications(app_id, include_all=True), f"no application {app_id}")
        )["application"]
        params = data.get("params", {})
        after = {n: token(request, n) for n in ("boxes", "calls")}
        boxes = page(
            lambda: indexer.application_boxes(app_id, limit=PAGE, next_page=after["boxes"]),
            "boxes",
            f"boxes of application {app_id}",
            after["boxes"],
        )
        box_rows = [
            {"name": readable(b["name"]), "param": box_param(b["name"])} for b in boxes.rows
        ]
        chosen = None
        if request.query_params.get("box"):
            name = parse_box(request.query_params["box"])
            box = as_dict(
                read(
                    lambda: indexer.application_box_by_name(app_id, name),
                    f"application {app_id} has no box {readable(name)}",
                )
            )
            value = b64bytes(box.get("value"))
            chosen = {"name": readable(name), "value": readable(value), "bytes": len(value)}
        calls = page(
            lambda: indexer.search_transactions(
                application_id=app_id, limit=PAGE, next_page=after["calls"]
            ),
            "transactions",
            f"calls of application {app_id}",
            after["calls"],
        )
        spec = specs.guess(app_id, selectors(calls.rows))
        creation = None
        created_round = data.get("created-at-round")
        if created_round is not None:
            try:
                found = as_dict(
                    read(
                        lambda: indexer.search_transactions(
                            application_id=app_id, round_num=created_round, limit=CREATION_SEARCH
                        ),
                        "the creating transaction",
                    )
                )
                creation = _find_creation(found.get("transactions", []), app_id)
            except ExplorerError:
                creation = None
        return render(
            request,
            "app.html",
            app_id=app_id,
            app=data,
            params=params,
            address=get_application_address(app_id),
            state=state_rows(params.get("global-state", [])),
            boxes=boxes,
            box_rows=box_rows,
            chosen=chosen,
            calls=calls,
            spec=spec,
            creation=creation,
        )

    return [Route("/app/{app_id}", application, name="app")]
