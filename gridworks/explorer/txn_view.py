"""A transaction from the indexer's JSON, as data its templates show: fields by type, the note,
the signature, logs, the decoded ARC-4 call and the inner transactions (recursively).

Nothing here makes HTML: each field carries a `kind` that tells `_fields.html` which link or
format to use, and every string goes through autoescaping there.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from algosdk import encoding

from .abi_decode import DecodedCall, decode_call, raw_args
from .app_specs import AppSpecs
from .errors import bad_request
from .render import readable

TYPE_NAMES = {
    "pay": "Payment",
    "axfer": "Asset transfer",
    "acfg": "Asset configuration",
    "afrz": "Asset freeze",
    "appl": "Application call",
    "keyreg": "Key registration",
    "hb": "Heartbeat",
    "stpf": "State proof",
}
TYPE_KEYS = {
    "pay": "payment-transaction",
    "axfer": "asset-transfer-transaction",
    "acfg": "asset-config-transaction",
    "afrz": "asset-freeze-transaction",
    "appl": "application-transaction",
    "keyreg": "keyreg-transaction",
    "hb": "heartbeat-transaction",
    "stpf": "state-proof-transaction",
}
ADDRESS_KEYS = {
    "receiver",
    "close-remainder-to",
    "close-to",
    "sender",
    "address",
    "hb-address",
    "creator",
    "manager",
    "reserve",
    "freeze",
    "clawback",
    "rekey-to",
    "auth-addr",
}
ALGO_KEYS = {"fee", "close-rewards", "receiver-rewards", "sender-rewards", "closing-amount"}
PAY_ALGO_KEYS = {"amount", "close-amount"}
BYTES_KEYS = {"name-b64", "unit-name-b64", "url-b64"}  # shown through their readable twins
SKIP_KEYS = {"approval-program", "clear-state-program"} | BYTES_KEYS
LABELS = {
    "application-id": "Application",
    "asset-id": "Asset",
    "foreign-apps": "Foreign apps",
    "foreign-assets": "Foreign assets",
    "application-args": "App args",
    "box-references": "Box references",
    "on-completion": "On completion",
    "close-remainder-to": "Close remainder to",
    "hb-address": "Heartbeat address",
}
TXID_LENGTH = 52
GROUP_BYTES = 32


@dataclass(frozen=True)
class Field:
    """A labelled value; `kind` is one of text, mono, account, accounts, asset, assets, app,
    apps, block, algos, list, boxes, program, fields (a nested list of Fields)."""

    label: str
    kind: str
    value: Any


@dataclass
class TxnView:
    id: str | None
    type: str
    type_name: str
    path: str
    sender: str
    fields: list[Field]
    body: list[Field]
    note: str | None
    note_bytes: int
    group: str | None
    group_url: str | None
    round: int | None
    signature: str
    signers: list[str]
    logs: list[str]
    decoded: DecodedCall | None
    args: list[str]
    inner: list[TxnView] = field(default_factory=list)


def _label(key: str) -> str:
    return LABELS.get(key) or key.replace("-", " ").capitalize()


def _schema(value: dict[str, Any]) -> str:
    return f"{value.get('num-uint', 0)} uints, {value.get('num-byte-slice', 0)} byte slices"


def _field(key: str, value: Any, txn_type: str) -> Field | None:
    """`key` of a transaction's type-specific JSON as a Field (None: not worth a line)."""
    label = _label(key)
    if txn_type == "axfer" and key == "sender":
        label = "Clawback from"  # asnd: the account the units are revoked from
    if txn_type == "axfer" and key in ("amount", "close-amount"):
        label += " (base units)"
    if key in SKIP_KEYS or value is None:
        return None
    if key in ADDRESS_KEYS and isinstance(value, str):
        return Field(label, "account", value)
    if key == "accounts":
        return Field(label, "accounts", value) if value else None
    if key in ("asset-id",) and value:
        return Field(label, "asset", value)
    if key == "foreign-assets":
        return Field(label, "assets", value) if value else None
    if key == "application-id":
        return Field(label, "app", value) if value else Field(label, "text", "0 (creates an app)")
    if key == "foreign-apps":
        return Field(label, "apps", value) if value else None
    if key in ALGO_KEYS or (txn_type == "pay" and key in PAY_ALGO_KEYS):
        return Field(label, "algos", value)
    if key == "application-args":
        return None  # shown with the decoded call
    if key == "box-references":
        boxes = [{"app": b.get("app", 0), "name": readable(b.get("name"))} for b in value]
        return Field(label, "boxes", boxes) if boxes else None
    if key.endswith("state-schema") and isinstance(value, dict):
        return Field(label, "text", _schema(value))
    if key in ("name", "unit-name", "url"):
        return Field(label, "text", value)
    if isinstance(value, dict):
        nested = [f for k, v in sorted(value.items()) if (f := _field(k, v, txn_type))]
        return Field(label, "fields", nested)
    if isinstance(value, list):
        return Field(label, "list", [str(v) for v in value]) if value else None
    if isinstance(value, bool):
        return Field(label, "text", "yes" if value else "no")
    if isinstance(value, str) and (key.endswith(("key", "hash", "seed", "id")) or len(value) > 40):
        return Field(label, "mono", value)
    return Field(label, "text", value)


def _asset_params(params: dict[str, Any]) -> list[Field]:
    """An acfg's params, with names taken from their bytes (the text twin may be absent)."""
    shown = dict(params)
    for key in ("name", "unit-name", "url"):
        if f"{key}-b64" in params:
            shown[key] = readable(params[f"{key}-b64"])
    return [f for k, v in sorted(shown.items()) if (f := _field(k, v, "acfg"))]


def _programs(call: dict[str, Any]) -> list[Field]:
    fields = []
    for key in ("approval-program", "clear-state-program"):
        program = call.get(key)
        if program:
            size = len(base64.b64decode(program))
            fields.append(Field(_label(key), "program", {"bytes": size, "b64": program}))
    return fields


def body_fields(txn: dict[str, Any]) -> list[Field]:
    """The fields of `txn`'s type (pay, axfer, acfg, appl, keyreg, afrz, hb, stpf)."""
    txn_type = str(txn.get("tx-type", ""))
    body = txn.get(TYPE_KEYS.get(txn_type, ""), {}) or {}
    fields: list[Field] = []
    for key, value in body.items():
        if txn_type == "acfg" and key == "params" and isinstance(value, dict):
            fields.append(Field("Params", "fields", _asset_params(value)))
            continue
        made = _field(key, value, txn_type)
        if made is not None:
            fields.append(made)
    if txn_type == "appl":
        fields.extend(_programs(body))
    return fields


def common_fields(txn: dict[str, Any]) -> list[Field]:
    fields = [
        Field(
            "Type", "text", f"{TYPE_NAMES.get(txn.get('tx-type', ''), '?')} ({txn.get('tx-type')})"
        ),
        Field("Sender", "account", txn.get("sender")),
    ]
    if txn.get("confirmed-round") is not None:
        fields.append(Field("Round", "block", txn["confirmed-round"]))
    if txn.get("round-time") is not None:
        fields.append(Field("Time", "time", txn["round-time"]))
    fields.append(Field("Fee", "algos", txn.get("fee", 0)))
    if txn.get("created-asset-index"):
        fields.append(Field("Created asset", "asset", txn["created-asset-index"]))
    if txn.get("created-application-index"):
        fields.append(Field("Created app", "app", txn["created-application-index"]))
    for key in ("rekey-to", "auth-addr"):
        if txn.get(key):
            fields.append(Field(_label(key), "account", txn[key]))
    if txn.get("closing-amount"):
        fields.append(Field("Closing amount", "algos", txn["closing-amount"]))
    for key in ("sender-rewards", "receiver-rewards", "close-rewards"):
        if txn.get(key):
            fields.append(Field(_label(key), "algos", txn[key]))
    if "first-valid" in txn:
        fields.append(
            Field("Valid rounds", "text", f"{txn.get('first-valid')}–{txn.get('last-valid')}")
        )
    if txn.get("intra-round-offset") is not None:
        fields.append(Field("Offset in block", "text", txn["intra-round-offset"]))
    if txn.get("lease"):
        fields.append(Field("Lease", "mono", txn["lease"]))
    if txn.get("genesis-id"):
        fields.append(Field("Genesis id", "text", txn["genesis-id"]))
    if txn.get("genesis-hash"):
        fields.append(Field("Genesis hash", "mono", txn["genesis-hash"]))
    return fields


def signature(txn: dict[str, Any], inner: bool) -> tuple[str, list[str]]:
    """How `txn` was signed, and the addresses of a multisig's signers."""
    sig = txn.get("signature") or {}
    if "sig" in sig:
        return "single signature (Ed25519)", []
    if "multisig" in sig:
        msig = sig["multisig"]
        subs = msig.get("subsignature", [])
        signers = [encoding.encode_address(base64.b64decode(s["public-key"])) for s in subs]
        signed = sum(1 for s in subs if s.get("signature"))
        threshold = msig.get("threshold")
        text = f"multisig v{msig.get('version')}: {threshold} of {len(subs)} ({signed} signed)"
        return text, signers
    if "logicsig" in sig:
        lsig = sig["logicsig"]
        size = len(base64.b64decode(lsig.get("logic", "")))
        delegated = (
            " delegated by a signature"
            if lsig.get("signature") or lsig.get("multisig-signature")
            else ""
        )
        return f"logic signature ({size}-byte program){delegated}", []
    if inner:
        return "none: an inner transaction, sent by its app", []
    return "–", []


def group_url(group_b64: str) -> str:
    """A group id (base64, with / + =) as a URL path segment: base64url without padding."""
    return base64.urlsafe_b64encode(base64.b64decode(group_b64)).decode().rstrip("=")


def parse_group(segment: str) -> bytes:
    """The 32-byte group id in a URL segment (base64url, padding optional; standard base64
    is accepted too), or a 400."""
    text = segment.strip().replace("+", "-").replace("/", "_").rstrip("=")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise bad_request(f"{segment!r} is not a group id (base64url of 32 bytes)") from None
    if len(raw) != GROUP_BYTES:
        raise bad_request(f"{segment!r} is not a group id: it holds {len(raw)} bytes, not 32")
    return raw


def check_txid(txid: str) -> str:
    """`txid` if it is a transaction id (52 characters of base32), else a 400."""
    if len(txid) != TXID_LENGTH or not all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in txid):
        raise bad_request(
            f"{txid!r} is not a transaction id: one is 52 characters of base32 (A–Z, 2–7)"
        )
    return txid


def txn_view(
    txn: dict[str, Any], specs: AppSpecs, path: str = "", round_: int | None = None
) -> TxnView:
    """`txn` (indexer JSON), its inner transactions included, as a TxnView."""
    inner = bool(path)
    round_ = txn.get("confirmed-round", round_)
    note_b64 = txn.get("note")
    note_raw = base64.b64decode(note_b64) if note_b64 else b""
    group = txn.get("group")
    sig, signers = signature(txn, inner)
    call = txn.get("application-transaction") or {}
    view = TxnView(
        id=txn.get("id"),
        type=str(txn.get("tx-type", "")),
        type_name=TYPE_NAMES.get(str(txn.get("tx-type", "")), "Transaction"),
        path=path,
        sender=str(txn.get("sender", "")),
        fields=common_fields(txn),
        body=body_fields(txn),
        note=readable(note_raw) if note_raw else None,
        note_bytes=len(note_raw),
        group=group,
        group_url=group_url(group) if group else None,
        round=round_,
        signature=sig,
        signers=signers,
        logs=[readable(base64.b64decode(log)) for log in txn.get("logs") or []],
        decoded=decode_call(txn, specs),
        args=raw_args(call.get("application-args") or []),
    )
    for number, child in enumerate(txn.get("inner-txns") or [], start=1):
        child_path = f"{path}.{number}" if path else str(number)
        view.inner.append(txn_view(child, specs, child_path, round_))
    return view


def selectors(transactions: list[dict[str, Any]]) -> list[bytes]:
    """The 4-byte first app args of app calls (inner ones too), for guessing an app's spec."""
    found: list[bytes] = []
    for txn in transactions:
        args = (txn.get("application-transaction") or {}).get("application-args") or []
        if args:
            first = base64.b64decode(args[0])
            if len(first) == 4:
                found.append(first)
        found.extend(selectors(txn.get("inner-txns") or []))
    return found
