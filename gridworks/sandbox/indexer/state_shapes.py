"""Accounts, assets and apps in indexer's JSON shapes: algod's, plus the rounds indexer adds.

Call these holding the ledger's lock and the store's (in that order): they read both.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ..api.algod_shapes import account_json, app_json, asset_params_json, local_state_json
from ..ledger.ledger import Ledger
from ..ledger.records import AppParams, AssetParams
from .tables import unpack

ACCOUNT_LISTS = ("assets", "created-assets", "apps-local-state", "created-apps")


def account_created_round(db: sqlite3.Connection, addr: bytes) -> int | None:
    row = db.execute("SELECT created FROM ix_accounts WHERE addr = ?", (addr,)).fetchone()
    return None if row is None else int(row[0])


def indexer_account_json(
    ledger: Ledger, db: sqlite3.Connection, addr: bytes, exclude: frozenset[str]
) -> dict[str, Any]:
    """An account as indexer's `Account`, its lists left out as `exclude` says."""
    out = account_json(ledger, addr, exclude_all=True)
    out.setdefault("total-boxes", 0)
    out.setdefault("total-box-bytes", 0)
    out["deleted"] = False
    created = account_created_round(db, addr)
    if created is not None:
        out["created-at-round"] = created
    if "assets" not in exclude:
        holdings = ledger.holdings(addr)
        if holdings:
            out["assets"] = [holding_json(aid, h.amount, h.frozen) for aid, h in holdings.items()]
    if "created-assets" not in exclude:
        assets = ledger.created_assets(addr)
        if assets:
            out["created-assets"] = [asset_json(db, aid, p) for aid, p in assets.items()]
    if "apps-local-state" not in exclude:
        locals_ = ledger.apps_opted_in(addr)
        if locals_:
            out["apps-local-state"] = [
                {**local_state_json(app_id, local), "deleted": False}
                for app_id, local in locals_.items()
            ]
    if "created-apps" not in exclude:
        apps = ledger.apps_created_by(addr)
        if apps:
            out["created-apps"] = [application_json(db, app_id, p) for app_id, p in apps.items()]
    return dict(sorted(out.items()))


def closed_account_json(db: sqlite3.Connection, addr: bytes, round_: int) -> dict[str, Any]:
    """An account that was once seen and is now closed (include-all)."""
    from ..encoding import encode_address

    out: dict[str, Any] = {
        "address": encode_address(addr),
        "amount": 0,
        "amount-without-pending-rewards": 0,
        "deleted": True,
        "min-balance": 0,
        "pending-rewards": 0,
        "reward-base": 0,
        "rewards": 0,
        "round": round_,
        "status": "Offline",
        "total-apps-opted-in": 0,
        "total-assets-opted-in": 0,
        "total-box-bytes": 0,
        "total-boxes": 0,
        "total-created-apps": 0,
        "total-created-assets": 0,
    }
    created = account_created_round(db, addr)
    if created is not None:
        out["created-at-round"] = created
    return out


def holding_json(asset_id: int, amount: int, frozen: bool) -> dict[str, Any]:
    return {"amount": amount, "asset-id": asset_id, "deleted": False, "is-frozen": frozen}


def _rounds(db: sqlite3.Connection, table: str, key: str, ident: int) -> tuple[Any, ...] | None:
    return db.execute(
        f"SELECT created, deleted, last FROM {table} WHERE {key} = ?", (ident,)
    ).fetchone()


def asset_json(db: sqlite3.Connection, asset_id: int, params: AssetParams) -> dict[str, Any]:
    out: dict[str, Any] = {
        "deleted": False,
        "index": asset_id,
        "params": asset_params_json(params),
    }
    rounds = _rounds(db, "ix_assets", "asset", asset_id)
    if rounds is not None:
        out["created-at-round"] = rounds[0]
    return out


def application_json(db: sqlite3.Connection, app_id: int, params: AppParams) -> dict[str, Any]:
    out = app_json(app_id, params)
    out["deleted"] = False
    rounds = _rounds(db, "ix_apps", "app", app_id)
    if rounds is not None:
        out["created-at-round"] = rounds[0]
    return dict(sorted(out.items()))


def deleted_asset_json(db: sqlite3.Connection, asset_id: int) -> dict[str, Any] | None:
    """A destroyed asset with its last parameters, or None if there is no such asset."""
    rounds = _rounds(db, "ix_assets", "asset", asset_id)
    if rounds is None or rounds[1] is None or rounds[2] is None:
        return None
    params = AssetParams.from_record(unpack(rounds[2]))
    return {
        "created-at-round": rounds[0],
        "deleted": True,
        "destroyed-at-round": rounds[1],
        "index": asset_id,
        "params": asset_params_json(params),
    }


def deleted_application_json(db: sqlite3.Connection, app_id: int) -> dict[str, Any] | None:
    """A deleted app with its last parameters, or None if there is no such app."""
    rounds = _rounds(db, "ix_apps", "app", app_id)
    if rounds is None or rounds[1] is None or rounds[2] is None:
        return None
    out = app_json(app_id, AppParams.from_record(unpack(rounds[2])))
    out.update({"created-at-round": rounds[0], "deleted": True, "deleted-at-round": rounds[1]})
    return dict(sorted(out.items()))


def deleted_creator(db: sqlite3.Connection, table: str, key: str, ident: int) -> bytes | None:
    rounds = _rounds(db, table, key, ident)
    if rounds is None or rounds[2] is None:
        return None
    return bytes(unpack(rounds[2])["cr"])
