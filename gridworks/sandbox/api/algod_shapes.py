"""The ledger's records in algod's JSON shapes (and the msgpack forms algod serves)."""

from __future__ import annotations

import base64
import codecs
from typing import Any

from ..encoding import ZERO_ADDRESS, b64, encode_address
from ..ledger.ledger import ConfirmedTransaction, Ledger
from ..ledger.records import (
    ONLINE,
    STATUS_NAMES,
    Account,
    AppParams,
    AssetParams,
    Holding,
    LocalState,
)
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
        "total-apps-opted-in": acct.total_apps_opted_in,
        "total-assets-opted-in": acct.total_assets,
        "total-created-apps": acct.total_created_apps,
        "total-created-assets": acct.total_created_assets,
        # as algod: the schema always, the box totals only when there are boxes
        "apps-total-schema": schema_json((acct.total_uints, acct.total_byte_slices)),
    }
    if acct.total_boxes:
        out["total-boxes"] = acct.total_boxes
        out["total-box-bytes"] = acct.total_box_bytes
    if acct.total_extra_app_pages:
        out["apps-total-extra-pages"] = acct.total_extra_app_pages
    if acct.auth_addr != ZERO_ADDRESS:
        out["auth-addr"] = encode_address(acct.auth_addr)
    # payouts (consensus v40+), left out when zero as algod does
    if acct.incentive_eligible:
        out["incentive-eligible"] = True
    if acct.last_heartbeat:
        out["last-heartbeat"] = acct.last_heartbeat
    if acct.last_proposed:
        out["last-proposed"] = acct.last_proposed
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
        out["apps-local-state"] = [
            local_state_json(app_id, local) for app_id, local in ledger.apps_opted_in(addr).items()
        ]
        out["created-apps"] = [
            app_json(app_id, params) for app_id, params in ledger.apps_created_by(addr).items()
        ]
    return out


def schema_json(schema: tuple[int, int]) -> dict[str, int]:
    return {"num-byte-slice": schema[1], "num-uint": schema[0]}


def teal_value_json(value: int | bytes) -> dict[str, Any]:
    if isinstance(value, bytes):
        return {"type": 1, "bytes": b64(value), "uint": 0}
    return {"type": 2, "bytes": "", "uint": value}


def key_values_json(state: dict[bytes, int | bytes]) -> list[dict[str, Any]]:
    return [{"key": b64(key), "value": teal_value_json(state[key])} for key in sorted(state)]


def app_json(app_id: int, params: AppParams) -> dict[str, Any]:
    body: dict[str, Any] = {
        "approval-program": b64(params.approval_program),
        "clear-state-program": b64(params.clear_state_program),
        "creator": encode_address(params.creator),
        "global-state-schema": schema_json(params.global_schema),
        "local-state-schema": schema_json(params.local_schema),
    }
    if params.global_state:
        body["global-state"] = key_values_json(params.global_state)
    if params.extra_program_pages:
        body["extra-program-pages"] = params.extra_program_pages
    if params.version:
        body["version"] = params.version
    return {"id": app_id, "params": body}


def local_state_json(app_id: int, local: LocalState) -> dict[str, Any]:
    out: dict[str, Any] = {"id": app_id, "schema": schema_json(local.schema)}
    if local.values:
        out["key-value"] = key_values_json(local.values)
    return out


def _value_delta_json(delta: dict[str, Any], as_msgpack: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"action": delta["at"]}
    if "bs" in delta:
        out["bytes"] = delta["bs"] if as_msgpack else b64(delta["bs"])
    if "ui" in delta:
        out["uint"] = delta["ui"]
    return out


def _state_delta_json(delta: dict[Any, Any], as_msgpack: bool) -> list[dict[str, Any]]:
    return [
        {
            "key": key if as_msgpack else b64(_as_bytes(key)),
            "value": _value_delta_json(value, as_msgpack),
        }
        for key, value in sorted(delta.items(), key=lambda item: _as_bytes(item[0]))
    ]


def _as_bytes(key: bytes | str) -> bytes:
    return key if isinstance(key, bytes) else key.encode()


def _local_delta_address(txn: dict[str, Any], shared: list[bytes], index: int) -> bytes:
    """go's EvalDelta names accounts by index: 0 the sender, then `apat`, then shared ones."""
    if index == 0:
        return bytes(txn["snd"])
    accounts = txn.get("apat", [])
    if index <= len(accounts):
        return bytes(accounts[index - 1])
    return shared[index - 1 - len(accounts)]


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
    _add_app_results(out, stxn["txn"], ad, as_msgpack)
    out["sender-rewards"] = out["receiver-rewards"] = out["close-rewards"] = 0
    return out


def _add_app_results(
    out: dict[str, Any], txn: dict[str, Any], ad: dict[str, Any], as_msgpack: bool
) -> None:
    """What an app call produced, in algod's pending-transaction fields."""
    if "apid" in ad:
        out["application-index"] = ad["apid"]
    delta = ad.get("dt") or {}
    if delta.get("gd"):
        out["global-state-delta"] = _state_delta_json(delta["gd"], as_msgpack)
    if delta.get("ld"):
        shared = [bytes(a) for a in delta.get("sa", [])]
        out["local-state-delta"] = [
            {
                "address": (
                    _local_delta_address(txn, shared, int(index))
                    if as_msgpack
                    else encode_address(_local_delta_address(txn, shared, int(index)))
                ),
                "delta": _state_delta_json(values, as_msgpack),
            }
            for index, values in sorted(delta["ld"].items(), key=lambda item: int(item[0]))
        ]
    if delta.get("lg"):
        out["logs"] = [log if as_msgpack else b64(log) for log in delta["lg"]]
    if delta.get("itx"):
        out["inner-txns"] = [_inner_json(inner, as_msgpack) for inner in delta["itx"]]


def _inner_json(inner: dict[str, Any], as_msgpack: bool) -> dict[str, Any]:
    """An inner transaction as algod lists it: a pending-transaction shape of its own."""
    signed = {"txn": inner["txn"]}
    ad = {k: v for k, v in inner.items() if k != "txn"}
    out: dict[str, Any] = {
        "pool-error": "",
        "txn": signed if as_msgpack else wire_to_json(signed),
    }
    if "caid" in ad:
        out["asset-index"] = ad["caid"]
    if "ca" in ad:
        out["closing-amount"] = ad["ca"]
    if "aca" in ad:
        out["asset-closing-amount"] = ad["aca"]
    _add_app_results(out, inner["txn"], ad, as_msgpack)
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


def go_string(raw: bytes | str) -> str:
    """A Go `string` field as Go's JSON encoders write it: UTF-8 text, each byte that is not
    part of a valid UTF-8 sequence replaced by U+FFFD (so binary keys and logs are lossy in
    JSON, as on algod; msgpack keeps their bytes)."""
    if isinstance(raw, str):
        return raw
    return raw.decode("utf-8", errors=_GO_REPLACE)


def _replace_one_byte(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return "\ufffd", error.start + 1  # Go replaces byte by byte; Python's "replace" does not


_GO_REPLACE = "gridworks-go-replace"
codecs.register_error(_GO_REPLACE, _replace_one_byte)


def _eval_delta_block_json(delta: dict[str, Any]) -> dict[str, Any]:
    """An apply data's `dt` (go's EvalDelta) in block JSON: state keys, byte values and logs
    are Go strings; local deltas are keyed by account index; shared accounts are addresses."""
    out: dict[str, Any] = {}
    for key, value in delta.items():
        if key == "gd":
            out[key] = _state_delta_block_json(value)
        elif key == "ld":
            out[key] = {str(index): _state_delta_block_json(d) for index, d in value.items()}
        elif key == "lg":
            out[key] = [go_string(log) for log in value]
        elif key == "sa":
            out[key] = [encode_address(bytes(a)) for a in value]
        elif key == "itx":
            out[key] = [_txn_with_ad_block_json(inner) for inner in value]
        else:
            out[key] = wire_to_json(value, key, BLOCK_ADDRESS_KEYS)
    return out


def _state_delta_block_json(delta: dict[Any, Any]) -> dict[str, Any]:
    return {
        go_string(key): {k: go_string(v) if k == "bs" else v for k, v in value.items()}
        for key, value in delta.items()
    }


def _txn_with_ad_block_json(entry: dict[str, Any]) -> dict[str, Any]:
    """A signed transaction with its apply data (a block's entry or an inner transaction)."""
    out = {k: wire_to_json(v, k, BLOCK_ADDRESS_KEYS) for k, v in entry.items() if k != "dt"}
    if "dt" in entry:
        out["dt"] = _eval_delta_block_json(entry["dt"])
    return out


def block_json(block: dict[str, Any]) -> dict[str, Any]:
    """A stored block as algod's `GET /v2/blocks/{round}` JSON renders it."""
    wire = block_wire(block)
    prev = wire.pop("prev", None)
    txns = wire.pop("txns", None)
    out = wire_to_json(wire, address_keys=BLOCK_ADDRESS_KEYS)
    if prev is not None:
        out["prev"] = "blk-" + base64.b32encode(prev).decode().rstrip("=")
    if txns is not None:
        out["txns"] = [_txn_with_ad_block_json(entry) for entry in txns]
    return out
