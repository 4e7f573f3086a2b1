"""A certificate's history (`/cert/{asset_id}`): issued, delivered, moved, revoked, newest first.

Read from the indexer's `/v2/assets/{id}/transactions`, whose answers are top-level transactions
(the factory's own moves are inner transactions of its app calls: each answer is walked, inner
transactions included, for the ones that touch the asset). What the GNodeFactory does, and so what
the events mean (gridworks/contracts/gnode_factory.py):

- issued: the asset's creation, an inner asset-config of a factory app call (the asset then sits
  in the factory's account; the call's logged registry record names the GNode);
- delivered / moved: a clawback by the factory (certificates are default-frozen, so only the
  factory moves them): from the factory to the recorded holder (`deliver`), or from one holder to
  another (`move_trading_rights`);
- revoked: `revoke` (and `realias`, which re-issues under a new alias) claws the certificate back
  into the factory's account and destroys the asset; the factory never freezes a holding, but a
  freeze by anyone is shown too.

Pages: one indexer call reads at most `size` transactions (default `PAGE`), in the indexer's
order (oldest first), shown newest first; when there are more, a "later transactions" link
continues from the indexer's next-token. A certificate's whole life (a handful of transactions)
fits on the first page.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache
from typing import Any

from algosdk.abi import Contract
from algosdk.logic import get_application_address
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gridworks.identity.certificates import CertificateKind, Slot
from gridworks.identity.history import parse_record_event
from gridworks.identity.record import Record, RecordError

from .errors import bad_request, parse_uint
from .render import render
from .sources import ChainSources, as_dict, read

PAGE = 200
"""Transactions of the asset one page reads by default."""

MAX_PAGE = 1000
"""The most transactions one page may ask the indexer for."""


@cache
def factory_methods() -> dict[bytes, str]:
    """The GNodeFactory's ARC-4 method selectors -> method names."""
    from .gnodes import factory_spec

    contract = Contract.undictify(factory_spec()["contract"])
    return {method.get_selector(): method.name for method in contract.methods}


@dataclass
class Event:
    """One thing that happened to the asset, in one (possibly inner) transaction."""

    what: str
    round: int
    time: int | None
    txid: str
    """The top-level transaction's id (inner transactions have none of their own)."""
    source: str | None = None
    target: str | None = None
    amount: int | None = None
    by: str | None = None
    """The account that sent the transaction (the clawback account for a clawback)."""
    app_id: int | None = None
    """The app whose call made this inner transaction."""
    method: str | None = None
    note: str | None = None


@dataclass
class Issue:
    """Who issued the asset: the factory app and the GNode the issuing call's record names."""

    app_id: int
    txid: str
    round: int
    alias: str | None
    kind: str | None


def _method(txn: dict[str, Any]) -> str | None:
    args = txn.get("application-transaction", {}).get("application-args", []) or []
    if not args:
        return None
    return factory_methods().get(base64.b64decode(args[0])[:4])


def events_of(root: dict[str, Any], asset_id: int, factory: str | None) -> list[Event]:
    """The events of `asset_id` in the top-level transaction `root` (in execution order);
    `factory` is the account that created the asset when it is an app's account."""
    out: list[Event] = []
    txid = str(root.get("id", ""))
    round_ = int(root.get("confirmed-round", 0))
    time = root.get("round-time")

    def visit(txn: dict[str, Any], app_id: int | None, method: str | None) -> None:
        kind = txn.get("tx-type")
        sender = txn.get("sender")
        note = txn.get("note")
        common: dict[str, Any] = {
            "round": round_,
            "time": time,
            "txid": txid,
            "by": sender,
            "app_id": app_id,
            "method": method,
            "note": note,
        }
        if kind == "acfg":
            body = txn.get("asset-config-transaction", {})
            if int(txn.get("created-asset-index") or 0) == asset_id:
                out.append(Event("issued", target=sender, amount=1, **common))
            elif int(body.get("asset-id") or 0) == asset_id:
                if body.get("params"):
                    out.append(Event("reconfigured", **common))
                else:
                    named = {"revoke": "revoked: destroyed", "realias": "destroyed: re-aliased"}
                    out.append(Event(named.get(method or "", "destroyed"), **common))
        elif kind == "axfer":
            body = txn.get("asset-transfer-transaction", {})
            if int(body.get("asset-id") or 0) == asset_id:
                source = body.get("sender") or sender
                target = body.get("receiver")
                amount = int(body.get("amount") or 0)
                if amount == 0 and source == target and not body.get("sender"):
                    out.append(Event("opted in", target=target, **common))
                elif amount:
                    revoking = method in ("revoke", "realias")
                    if factory is not None and target == factory and revoking:
                        what = "revoked: clawed back"
                    elif factory is not None and source == factory:
                        what = "delivered"
                    else:
                        what = "clawed back, moved" if body.get("sender") else "transferred"
                    out.append(Event(what, source=source, target=target, amount=amount, **common))
                close_to = body.get("close-to")
                if close_to:
                    closed = int(body.get("close-amount") or 0)
                    out.append(
                        Event("closed out", source=sender, target=close_to, amount=closed, **common)
                    )
        elif kind == "afrz":
            body = txn.get("asset-freeze-transaction", {})
            if int(body.get("asset-id") or 0) == asset_id:
                what = "frozen" if body.get("new-freeze-status") else "unfrozen"
                out.append(Event(what, target=body.get("address"), **common))
        inner_app, inner_method = app_id, method
        if kind == "appl":
            appl = txn.get("application-transaction", {})
            inner_app = int(appl.get("application-id") or txn.get("created-application-index") or 0)
            inner_method = _method(txn)
        for inner in txn.get("inner-txns", []) or []:
            visit(inner, inner_app, inner_method)

    visit(root, None, None)
    return out


def issue_of(root: dict[str, Any], asset_id: int) -> Issue | None:
    """The issuing app call within `root`, and the GNode its logged registry record names."""
    found: Issue | None = None

    def visit(txn: dict[str, Any], app_id: int | None, logs: list[str]) -> None:
        nonlocal found
        if int(txn.get("created-asset-index") or 0) == asset_id and app_id is not None:
            alias, kind = None, None
            for log in logs:
                event = parse_record_event(base64.b64decode(log))
                if event is None:
                    continue
                key, _, raw = event
                try:
                    record = Record.decode(raw)
                except RecordError:
                    continue
                for slot in Slot:
                    if record.cert(slot) == asset_id and key == b"g" + record.alias.encode():
                        alias = record.alias
                        at = CertificateKind.at(record.role, slot)
                        kind = None if at is None else at.value
            found = Issue(
                app_id, str(root.get("id", "")), int(root["confirmed-round"]), alias, kind
            )
        if txn.get("tx-type") == "appl":
            appl = txn.get("application-transaction", {})
            app_id = int(appl.get("application-id") or 0) or None
            logs = txn.get("logs", []) or []
        for inner in txn.get("inner-txns", []) or []:
            visit(inner, app_id, logs)

    visit(root, None, [])
    return found


def routes(sources: ChainSources) -> list[BaseRoute]:
    from .gnodes import as_factory, factory_program

    def history(request: Request) -> Response:
        asset_id = parse_uint(request.path_params["asset_id"], "asset id")
        size = parse_uint(request.query_params.get("size", str(PAGE)), "size")
        if not 1 <= size <= MAX_PAGE:
            raise bad_request(f"size must be from 1 to {MAX_PAGE}, not {size}")
        token = request.query_params.get("next") or None
        asset = as_dict(
            read(
                lambda: sources.indexer.asset_info(asset_id, include_all=True),
                f"no asset {asset_id}",
            )
        ).get("asset", {})
        params = asset.get("params", {})
        creator = str(params.get("creator", ""))
        page = as_dict(
            read(
                lambda: sources.indexer.search_asset_transactions(
                    asset_id, limit=size, next_page=token
                ),
                f"the transactions of asset {asset_id}",
            )
        )
        roots = page.get("transactions", [])
        first = roots[:1]
        if token is not None:
            first = as_dict(
                read(
                    lambda: sources.indexer.search_asset_transactions(asset_id, limit=1),
                    f"the transactions of asset {asset_id}",
                )
            ).get("transactions", [])[:1]
        issue = issue_of(first[0], asset_id) if first else None
        factory = None
        if issue is not None and get_application_address(issue.app_id) == creator:
            factory = creator
            issuer = issue.app_id
            app = as_dict(
                read(
                    lambda: sources.indexer.search_applications(
                        application_id=issuer, include_all=True
                    ),
                    f"application {issue.app_id}",
                )
            ).get("applications", [])
            found = as_factory(app[0], factory_program(sources)) if app else None
            if found is None or found.program is False:  # not the GNodeFactory's program
                issue = Issue(issue.app_id, issue.txid, issue.round, None, None)
                factory = None
        elif issue is not None:
            issue = None
        events = [e for root in roots for e in events_of(root, asset_id, factory or None)]
        events.reverse()
        more = page.get("next-token") if len(roots) == size else None
        kind = None
        try:
            kind = CertificateKind.from_unit_name(str(params.get("unit-name", ""))).value
        except ValueError:
            pass
        return render(
            request,
            "cert_history.html",
            asset_id=asset_id,
            asset=asset,
            params=params,
            kind=kind,
            issue=issue,
            factory=factory,
            events=events,
            more=more,
            continued=token is not None,
            size=size,
        )

    return [Route("/cert/{asset_id}", history, name="cert_history")]
