"""Paged lists of accounts, holdings, assets, apps and app logs, as indexer's routes give them.

Keys come from the store's tables in key order (one page's worth is read); records come from
the ledger's state. Use a `StateLists` only while holding the ledger's lock and then the
store's: the keys and the records are then of the same round.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ..api.algod_shapes import local_state_json
from ..encoding import encode_address
from ..ledger.ledger import Ledger
from ..ledger.records import ONLINE
from .search import Position, TxnQuery, load, search
from .state_shapes import (
    application_json,
    asset_json,
    closed_account_json,
    deleted_application_json,
    deleted_asset_json,
    deleted_creator,
    holding_json,
    indexer_account_json,
)
from .tables import tree


class StateLists:
    def __init__(self, ledger: Ledger, db: sqlite3.Connection) -> None:
        self.ledger = ledger
        self.state = ledger.state
        self.db = db

    # accounts
    def account(
        self, addr: bytes, include_all: bool, exclude: frozenset[str]
    ) -> dict[str, Any] | None:
        if self.state.account(addr) is not None:
            return indexer_account_json(self.ledger, self.db, addr, exclude)
        seen = self.db.execute("SELECT 1 FROM ix_accounts WHERE addr = ?", (addr,)).fetchone()
        if include_all and seen is not None:
            return closed_account_json(self.db, addr, self.ledger.round)
        return None

    def _account_keys(
        self, after: bytes | None, asset: int | None, app: int | None, include_all: bool
    ) -> Iterator[bytes]:
        start = after or b""
        if asset is not None:
            sql = "SELECT addr FROM holdings WHERE asset = ? AND addr > ? ORDER BY addr"
            rows = self.db.execute(sql, (asset, start))
        elif app is not None:
            sql = "SELECT addr FROM local_states WHERE app = ? AND addr > ? ORDER BY addr"
            rows = self.db.execute(sql, (app, start))
        elif include_all:
            sql = (
                "SELECT addr FROM accounts WHERE addr > ? UNION "
                "SELECT addr FROM ix_accounts WHERE addr > ? ORDER BY addr"
            )
            rows = self.db.execute(sql, (start, start))
        else:
            rows = self.db.execute(
                "SELECT addr FROM accounts WHERE addr > ? ORDER BY addr", (start,)
            )
        for (addr,) in rows:
            yield bytes(addr)

    def accounts(
        self,
        *,
        after: bytes | None,
        limit: int,
        asset: int | None,
        app: int | None,
        currency_gt: int | None,
        currency_lt: int | None,
        auth_addr: bytes | None,
        online_only: bool,
        include_all: bool,
        exclude: frozenset[str],
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for addr in self._account_keys(after, asset, app, include_all):
            if len(out) >= limit:
                break
            acct = self.state.account(addr)
            if acct is None:
                if include_all and currency_gt is None and auth_addr is None and not online_only:
                    out.append(closed_account_json(self.db, addr, self.ledger.round))
                continue
            if asset is not None:
                holding = self.state.holding(addr, asset)
                amount = holding.amount if holding is not None else 0
            else:
                amount = acct.micro_algos
            if currency_gt is not None and not amount > currency_gt:
                continue
            if currency_lt is not None and not amount < currency_lt:
                continue
            if auth_addr is not None and acct.auth_addr != auth_addr:
                continue
            if online_only and acct.status != ONLINE:
                continue
            out.append(indexer_account_json(self.ledger, self.db, addr, exclude))
        return out

    # an account's lists
    def holdings(
        self, addr: bytes, *, only: int | None, after: int | None, limit: int, include_all: bool
    ) -> list[dict[str, Any]]:
        ids = _page_ids(self.state.holdings_by_account.get(addr, ()), only, after, limit)
        holdings = [(aid, self.state.holdings[(addr, aid)]) for aid in ids]
        return [holding_json(aid, h.amount, h.frozen) for aid, h in holdings]

    def created_assets(
        self, addr: bytes, *, only: int | None, after: int | None, limit: int, include_all: bool
    ) -> list[dict[str, Any]]:
        ids = _page_ids(self.state.assets_by_creator.get(addr, ()), only, after, limit)
        return [asset_json(self.db, aid, self.state.assets[aid]) for aid in ids]

    def local_states(
        self, addr: bytes, *, only: int | None, after: int | None, limit: int, include_all: bool
    ) -> list[dict[str, Any]]:
        ids = _page_ids(self.state.locals_by_account.get(addr, ()), only, after, limit)
        return [
            {**local_state_json(app_id, self.state.locals[(addr, app_id)]), "deleted": False}
            for app_id in ids
        ]

    def created_apps(
        self, addr: bytes, *, only: int | None, after: int | None, limit: int, include_all: bool
    ) -> list[dict[str, Any]]:
        return self.applications(
            only=only, creator=addr, after=after, limit=limit, include_all=include_all
        )

    # apps and assets
    def applications(
        self,
        *,
        only: int | None,
        after: int | None,
        limit: int,
        include_all: bool,
        creator: bytes | None = None,
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for app_id in self._ids("ix_apps", "app", self.state.apps, only, after, include_all):
            if len(out) >= limit:
                break
            params = self.state.app(app_id)
            if params is not None:
                if creator is None or params.creator == creator:
                    out.append(application_json(self.db, app_id, params))
                continue
            if (
                creator is not None
                and deleted_creator(self.db, "ix_apps", "app", app_id) != creator
            ):
                continue
            deleted = deleted_application_json(self.db, app_id)
            if deleted is not None:
                out.append(deleted)
        return out

    def assets(
        self,
        *,
        only: int | None,
        after: int | None,
        limit: int,
        include_all: bool,
        creator: bytes | None = None,
        name: str | None = None,
        unit: str | None = None,
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for asset_id in self._ids(
            "ix_assets", "asset", self.state.assets, only, after, include_all
        ):
            if len(out) >= limit:
                break
            params = self.state.asset(asset_id)
            if params is not None:
                item = asset_json(self.db, asset_id, params)
            else:
                deleted = deleted_asset_json(self.db, asset_id)
                if deleted is None:
                    continue
                item = deleted
            shown = item["params"]
            if creator is not None and shown["creator"] != encode_address(creator):
                continue
            if name is not None and name.lower() not in shown.get("name", "").lower():
                continue
            if unit is not None and unit.lower() not in shown.get("unit-name", "").lower():
                continue
            out.append(item)
        return out

    def _ids(
        self,
        table: str,
        key: str,
        live: dict[int, Any],
        only: int | None,
        after: int | None,
        include_all: bool,
    ) -> Iterator[int]:
        """Live ids, and with `include_all` deleted ones, ascending after `after`."""
        low = -1 if after is None else after
        if only is not None:
            if only > low and (only in live or include_all):
                yield only
            return
        deleted: list[int] = []
        if include_all:
            deleted = [
                row[0]
                for row in self.db.execute(
                    f"SELECT {key} FROM {table} WHERE deleted IS NOT NULL AND {key} > ? "
                    f"ORDER BY {key}",
                    (low,),
                )
            ]
        yield from sorted({*(i for i in live if i > low), *deleted})

    def balances(
        self,
        asset: int,
        *,
        after: bytes | None,
        limit: int,
        currency_gt: int | None,
        currency_lt: int | None,
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for addr in self._account_keys(after, asset, None, False):
            if len(out) >= limit:
                break
            holding = self.state.holding(addr, asset)
            if holding is None:
                continue
            if currency_gt is not None and not holding.amount > currency_gt:
                continue
            if currency_lt is not None and not holding.amount < currency_lt:
                continue
            out.append(
                {
                    "address": encode_address(addr),
                    "amount": holding.amount,
                    "deleted": False,
                    "is-frozen": holding.frozen,
                }
            )
        return out

    # app logs
    def logs(
        self, query: TxnQuery, sender: bytes | None
    ) -> tuple[list[tuple[bytes, list[bytes]]], Position | None]:
        """(txid, logs) of the app's calls (inner ones too) that logged, and the page's end."""
        out: list[tuple[bytes, list[bytes]]] = []
        end: Position | None = None
        after = query.after
        batch = max(query.limit, 100)
        while len(out) < query.limit:
            positions = search(self.db, _replace_page(query, after, batch))
            page = load(self.db, positions, entries=True)
            if not page:
                break
            for found in page:
                entry = found.entry
                for txn, ad in tree(entry["stxn"]["txn"], entry["ad"]):
                    if txn.get("type") != "appl":
                        continue
                    if (txn.get("apid") or ad.get("apid")) != query.app:
                        continue
                    if sender is not None and bytes(txn.get("snd", b"")) != sender:
                        continue
                    logs = (ad.get("dt") or {}).get("lg")
                    if logs:
                        out.append((found.txid, [bytes(log) for log in logs]))
                end = (found.round, found.root)
                if len(out) >= query.limit:
                    break
            after = (page[-1].round, page[-1].root)
        return out, (end if out else None)


def _replace_page(query: TxnQuery, after: Position | None, limit: int) -> TxnQuery:
    return replace(query, after=after, limit=limit)


def _page_ids(ids: Any, only: int | None, after: int | None, limit: int) -> list[int]:
    chosen = sorted(i for i in ids if (only is None or i == only) and (after is None or i > after))
    return chosen[:limit]
