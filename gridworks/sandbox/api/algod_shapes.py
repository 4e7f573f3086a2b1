"""The ledger's records in algod's JSON shapes (and the msgpack forms algod serves)."""

from __future__ import annotations

import base64
from typing import Any

from ..encoding import ZERO_ADDRESS, b64, encode_address
from ..ledger.ledger import ConfirmedTransaction, Ledger
from ..ledger.records import ONLINE, STATUS_NAMES, Account, AssetParams, Holding
from ..ledger.transaction import ADDRESS_KEYS

BLOCK_ADDRESS_KEYS = ADDRESS_KEYS | {"fees", "rwd"}


def wire_to_json(value: Any, key: str = "", address_keys: frozenset[str] = ADDRESS_KEYS) -> Any:
    """msgpack-decoded wire data as algod renders it in JSON: bytes in base64, addresses base32."""
    if isinstance(value, dict):
        return {k: wire_to_json(v, k, address_keys) for k, v in value.items()}
    if isinstance(value, list):
        return [wire_to_json(item, key, address_keys) for item in value]
    if isinstance(value, bytes):
        if key in address_keys and len(value) == 32:
            return encode_address(value)
        return b64(value)
    return value


def asset_params_json(params: AssetParams) -> dict[str, Any]:
    out: dict[str, Any] = {
        "creator": encode_address(params.creator),
        "decimals": params.decimals,
        "default-frozen": params.default_frozen,
        "total": params.total,
    }
    for name, value in (
        ("manager", params.manager),
        ("reserve", params.reserve),
        ("freeze", params.freeze),
        ("clawback", params.clawback),
    ):
        if value != ZERO_ADDRESS:
            out[name] = encode_address(value)
    for name, text in (
        ("unit-name", params.unit_name),
        ("name", params.asset_name),
        ("url", params.url),
    ):
        if text:
            out[name] = text
            out[f"{name}-b64"] = b64(text.encode())
    if params.metadata_hash:
        out["metadata-hash"] = b64(params.metadata_hash)
    return out


def holding_json(asset_id: int, holding: Holding) -> dict[str, Any]:
    return {"amount": holding.amount, "asset-id": asset_id, "is-frozen": holding.frozen}


def account_json(ledger: Ledger, addr: bytes, exclude_all: bool) -> dict[str, Any]:
    acct: Account = ledger.account(addr)
    out: dict[str, Any] = {
        "address": encode_address(addr),
        "amount": acct.micro_algos,
        "amount-without-pending-rewards": acct.micro_algos,
        # algod reports the base minimum even for an account it has never seen
        "min-balance": ledger.minimum_balance(acct),
        "pending-rewards": 0,
        "rewards": 0,
        "reward-base": 0,
        "round": ledger.round,
        "status": STATUS_NAMES[acct.status],
        "total-apps-opted-in": 0,
        "total-assets-opted-in": acct.total_assets,
        "total-created-apps": 0,
        "total-created-assets": acct.total_created_assets,
        "total-box-bytes": 0,
        "total-boxes": 0,
    }
    if acct.auth_addr != ZERO_ADDRESS:
        out["auth-addr"] = encode_address(acct.auth_addr)
    if acct.status == ONLINE:
        participation = {
            "selection-participation-key": b64(acct.selection_pk),
            "vote-first-valid": acct.vote_first,
            "vote-key-dilution": acct.vote_key_dilution,
            "vote-last-valid": acct.vote_last,
            "vote-participation-key": b64(acct.vote_pk),
        }
        if acct.state_proof_pk:
            participation["state-proof-key"] = b64(acct.state_proof_pk)
        out["participation"] = participation
    if not exclude_all:
        out["assets"] = [holding_json(aid, h) for aid, h in ledger.holdings(addr).items()]
        out["created-assets"] = [
            {"index": aid, "params": asset_params_json(p)}
            for aid, p in ledger.created_assets(addr).items()
        ]
        out["apps-local-state"] = []
        out["created-apps"] = []
    return out


def pending_json(confirmed: ConfirmedTransaction, as_msgpack: bool) -> dict[str, Any]:
    ad = confirmed.apply_data
    stxn = confirmed.signed
    out: dict[str, Any] = {
        "confirmed-round": confirmed.round,
        "pool-error": "",
        "txn": stxn if as_msgpack else wire_to_json(stxn),
    }
    if "close" in stxn["txn"]:
        out["closing-amount"] = ad.get("ca", 0)
    if "aclose" in stxn["txn"]:
        out["asset-closing-amount"] = ad.get("aca", 0)
    if "caid" in ad:
        out["asset-index"] = ad["caid"]
    out["sender-rewards"] = out["receiver-rewards"] = out["close-rewards"] = 0
    return out


def block_wire(block: dict[str, Any]) -> dict[str, Any]:
    """A stored block in algod's block encoding: transactions carry `hgi` instead of gen/gh."""
    out = {k: v for k, v in block.items() if k != "txns"}
    txns = []
    for entry in block["txns"]:
        stxn = dict(entry["stxn"])
        txn = {k: v for k, v in stxn["txn"].items() if k not in ("gen", "gh")}
        stxn["txn"] = txn
        stxn["hgi"] = True
        stxn.update(entry["ad"])
        txns.append(stxn)
    if txns:
        out["txns"] = txns
    return out


def block_json(block: dict[str, Any]) -> dict[str, Any]:
    wire = block_wire(block)
    prev = wire.pop("prev", None)
    out = wire_to_json(wire, address_keys=BLOCK_ADDRESS_KEYS)
    if prev is not None:
        out["prev"] = "blk-" + base64.b32encode(prev).decode().rstrip("=")
    return out
