"""Stored transactions and blocks in indexer's JSON shapes (its `Transaction` and `Block`)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from ..api.algod_shapes import _local_delta_address, _state_delta_json
from ..encoding import ZERO_ADDRESS, b64, encode_address, encode_txid

ON_COMPLETION = ("noop", "optin", "closeout", "clear", "update", "delete")
ZERO_HASH = b64(bytes(32))


class RoundInfo:
    """What every transaction of a round shares: its round and its time."""

    __slots__ = ("round", "time")

    def __init__(self, round_: int, time: int) -> None:
        self.round = round_
        self.time = time


@lru_cache(maxsize=1 << 16)
def _addr(value: bytes) -> str:
    """An address in base32 (memoized: Python's base32 costs more than the rest of a row)."""
    return encode_address(bytes(value))


def transaction_json(
    entry: dict[str, Any], txid: bytes | None, info: RoundInfo, intra: int
) -> dict[str, Any]:
    """A block's entry ({"stxn", "ad"}) as indexer renders it, inner transactions nested.

    `intra` is the top-level transaction's offset in the round, inner ones counted."""
    stxn = entry["stxn"]
    out, _ = _txn_json(stxn["txn"], entry["ad"], info, intra)
    if txid is not None:
        out["id"] = encode_txid(txid)
    out["signature"] = signature_json(stxn)
    if "sgnr" in stxn:
        out["auth-addr"] = _addr(stxn["sgnr"])
    return dict(sorted(out.items()))


def rendered(entry: dict[str, Any], txid: bytes, round_: int, time: int, intra: int) -> str | None:
    """A top-level transaction's JSON text, as `transaction_json` gives it, rendered once as its
    block is written (pages are then joined, not built). None if it cannot be rendered: the
    block is written all the same, and reads render it."""
    try:
        body = transaction_json(entry, txid, RoundInfo(round_, time), intra)
        return json.dumps(body, separators=(",", ":"))
    except Exception:  # a shape this module does not know must never refuse a block
        return None


def _txn_json(
    txn: dict[str, Any], ad: dict[str, Any], info: RoundInfo, intra: int
) -> tuple[dict[str, Any], int]:
    """One transaction and its inner ones; returns it and the next free intra offset."""
    typ = txn.get("type", "")
    out: dict[str, Any] = {
        "close-rewards": ad.get("rc", 0),
        "closing-amount": ad.get("ca", 0),
        "confirmed-round": info.round,
        "fee": txn.get("fee", 0),
        "first-valid": txn.get("fv", 0),
        "intra-round-offset": intra,
        "last-valid": txn.get("lv", 0),
        "receiver-rewards": ad.get("rr", 0),
        "round-time": info.time,
        "sender": _addr(txn.get("snd", ZERO_ADDRESS)),
        "sender-rewards": ad.get("rs", 0),
        "tx-type": typ,
    }
    if "gen" in txn:
        out["genesis-id"] = txn["gen"]
    if "gh" in txn:
        out["genesis-hash"] = b64(txn["gh"])
    for key, name in (("note", "note"), ("grp", "group"), ("lx", "lease")):
        if txn.get(key):
            out[name] = b64(txn[key])
    if txn.get("rekey"):
        out["rekey-to"] = _addr(txn["rekey"])
    shaper = _TYPE_SHAPERS.get(typ)
    if shaper is not None:
        name, body = shaper(txn, ad)
        out[name] = body
    if "caid" in ad:
        out["created-asset-index"] = ad["caid"]
    if typ == "appl" and "apid" in ad and not txn.get("apid"):
        out["created-application-index"] = ad["apid"]
    delta = ad.get("dt") or {}
    if delta.get("gd"):
        out["global-state-delta"] = _state_delta_json(delta["gd"], False)
    if delta.get("ld"):
        shared = [bytes(a) for a in delta.get("sa", [])]
        out["local-state-delta"] = [
            {
                "address": _addr(_local_delta_address(txn, shared, int(index))),
                "delta": _state_delta_json(values, False),
            }
            for index, values in sorted(delta["ld"].items(), key=lambda item: int(item[0]))
        ]
    if delta.get("lg"):
        out["logs"] = [b64(log) for log in delta["lg"]]
    next_intra = intra + 1
    if delta.get("itx"):
        inners = []
        for inner in delta["itx"]:
            inner_ad = {k: v for k, v in inner.items() if k != "txn"}
            shaped, next_intra = _txn_json(inner["txn"], inner_ad, info, next_intra)
            inners.append(dict(sorted(shaped.items())))
        out["inner-txns"] = inners
    return out, next_intra


def _payment(txn: dict[str, Any], ad: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    body: dict[str, Any] = {
        "amount": txn.get("amt", 0),
        "close-amount": ad.get("ca", 0),
        "receiver": _addr(txn.get("rcv", ZERO_ADDRESS)),
    }
    if txn.get("close"):
        body["close-remainder-to"] = _addr(txn["close"])
    return "payment-transaction", body


def _asset_transfer(txn: dict[str, Any], ad: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    body: dict[str, Any] = {
        "amount": txn.get("aamt", 0),
        "asset-id": txn.get("xaid", 0),
        "close-amount": ad.get("aca", 0),
        "receiver": _addr(txn.get("arcv", ZERO_ADDRESS)),
    }
    if txn.get("aclose"):
        body["close-to"] = _addr(txn["aclose"])
    if txn.get("asnd"):
        body["sender"] = _addr(txn["asnd"])
    return "asset-transfer-transaction", body


def _asset_config(txn: dict[str, Any], ad: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    body: dict[str, Any] = {"asset-id": txn.get("caid", 0)}
    if "apar" in txn:
        # a creation's creator is its sender; a reconfiguration does not name one
        creator = "" if txn.get("caid") else _addr(txn.get("snd", ZERO_ADDRESS))
        body["params"] = asset_params_wire_json(txn["apar"], creator)
    return "asset-config-transaction", body


def asset_params_wire_json(apar: dict[str, Any], creator: str) -> dict[str, Any]:
    """A transaction's `apar` as indexer's AssetParams."""
    out: dict[str, Any] = {
        "creator": creator,
        "decimals": apar.get("dc", 0),
        "default-frozen": bool(apar.get("df", False)),
        "total": apar.get("t", 0),
    }
    for key, name in (("m", "manager"), ("r", "reserve"), ("f", "freeze"), ("c", "clawback")):
        if apar.get(key):
            out[name] = _addr(apar[key])
    for key, name in (("un", "unit-name"), ("an", "name"), ("au", "url")):
        text = apar.get(key)
        if text:
            raw = text.encode() if isinstance(text, str) else bytes(text)
            out[f"{name}-b64"] = b64(raw)
            try:
                out[name] = raw.decode()
            except UnicodeDecodeError:
                pass  # indexer leaves out a name that is not printable text
    if apar.get("am"):
        out["metadata-hash"] = b64(apar["am"])
    return out


def _asset_freeze(txn: dict[str, Any], ad: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "asset-freeze-transaction", {
        "address": _addr(txn.get("fadd", ZERO_ADDRESS)),
        "asset-id": txn.get("faid", 0),
        "new-freeze-status": bool(txn.get("afrz", False)),
    }


def _keyreg(txn: dict[str, Any], ad: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    body: dict[str, Any] = {"non-participation": bool(txn.get("nonpart", False))}
    for key, name in (
        ("selkey", "selection-participation-key"),
        ("votekey", "vote-participation-key"),
        ("sprfkey", "state-proof-key"),
    ):
        if txn.get(key):
            body[name] = b64(txn[key])
    for key, name in (
        ("votefst", "vote-first-valid"),
        ("votelst", "vote-last-valid"),
        ("votekd", "vote-key-dilution"),
    ):
        if txn.get(key):
            body[name] = txn[key]
    return "keyreg-transaction", body


def _schema(raw: dict[str, Any] | None) -> dict[str, int]:
    raw = raw or {}
    return {"num-byte-slice": raw.get("nbs", 0), "num-uint": raw.get("nui", 0)}


def _application(txn: dict[str, Any], ad: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    foreign_apps = list(txn.get("apfa", []))
    body: dict[str, Any] = {
        "accounts": [_addr(a) for a in txn.get("apat", [])],
        "application-args": [b64(arg) for arg in txn.get("apaa", [])],
        "application-id": txn.get("apid", 0),
        "approval-program": b64(txn.get("apap", b"")),
        "clear-state-program": b64(txn.get("apsu", b"")),
        "foreign-apps": foreign_apps,
        "foreign-assets": list(txn.get("apas", [])),
        "global-state-schema": _schema(txn.get("apgs")),
        "local-state-schema": _schema(txn.get("apls")),
        "on-completion": ON_COMPLETION[txn.get("apan", 0)],
    }
    if txn.get("apbx"):
        body["box-references"] = [
            {
                # indexer names the box's app by id; 0 is the called app
                "app": foreign_apps[ref["i"] - 1] if ref.get("i") else 0,
                "name": b64(ref.get("n", b"")),
            }
            for ref in txn["apbx"]
        ]
    if txn.get("apep"):
        body["extra-program-pages"] = txn["apep"]
    if txn.get("aprv"):
        body["reject-version"] = txn["aprv"]
    return "application-transaction", body


def _heartbeat(txn: dict[str, Any], ad: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    hb = txn.get("hb") or {}
    proof = hb.get("prf") or {}
    return "heartbeat-transaction", {
        "hb-address": _addr(hb.get("a", ZERO_ADDRESS)),
        "hb-key-dilution": hb.get("kd", 0),
        "hb-proof": {
            name: b64(proof.get(key, b""))
            for key, name in (
                ("s", "hb-sig"),
                ("p", "hb-pk"),
                ("p2", "hb-pk2"),
                ("p1s", "hb-pk1sig"),
                ("p2s", "hb-pk2sig"),
            )
        },
        "hb-seed": b64(hb.get("sd", b"")),
        "hb-vote-id": b64(hb.get("vid", b"")),
    }


_TYPE_SHAPERS = {
    "pay": _payment,
    "axfer": _asset_transfer,
    "acfg": _asset_config,
    "afrz": _asset_freeze,
    "keyreg": _keyreg,
    "appl": _application,
    "hb": _heartbeat,
}


def _multisig_json(msig: dict[str, Any]) -> dict[str, Any]:
    subsigs = []
    for sub in msig.get("subsig", []):
        item = {"public-key": b64(sub.get("pk", b""))}
        if sub.get("s"):
            item["signature"] = b64(sub["s"])
        subsigs.append(item)
    return {
        "subsignature": subsigs,
        "threshold": msig.get("thr", 0),
        "version": msig.get("v", 0),
    }


def signature_json(stxn: dict[str, Any]) -> dict[str, Any]:
    """A top-level transaction's signature: `sig`, `multisig` or `logicsig`."""
    if "lsig" in stxn:
        lsig = stxn["lsig"]
        body: dict[str, Any] = {"logic": b64(lsig.get("l", b""))}
        if lsig.get("arg"):
            body["args"] = [b64(arg) for arg in lsig["arg"]]
        if lsig.get("sig"):
            body["signature"] = b64(lsig["sig"])
        if lsig.get("msig"):
            body["multisig-signature"] = _multisig_json(lsig["msig"])
        if lsig.get("lmsig"):
            body["logic-multisig-signature"] = _multisig_json(lsig["lmsig"])
        return {"logicsig": body}
    if "msig" in stxn:
        return {"multisig": _multisig_json(stxn["msig"])}
    if "sig" in stxn:
        return {"sig": b64(stxn["sig"])}
    return {}


def block_json(block: dict[str, Any], transactions: list[dict[str, Any]] | None) -> dict[str, Any]:
    """A stored block as indexer's `Block`; `transactions=None` for the header only."""
    out: dict[str, Any] = {
        "genesis-hash": b64(block["gh"]),
        "genesis-id": block["gen"],
        "previous-block-hash": b64(block["prev"]) if "prev" in block else ZERO_HASH,
        "rewards": {
            "fee-sink": _addr(block.get("fees", ZERO_ADDRESS)),
            "rewards-calculation-round": block.get("rwcalr", 0),
            "rewards-level": block.get("earn", 0),
            "rewards-pool": _addr(block.get("rwd", ZERO_ADDRESS)),
            "rewards-rate": block.get("rate", 0),
            "rewards-residue": block.get("frac", 0),
        },
        "round": block["rnd"],
        "seed": b64(block["seed"]),
        "state-proof-tracking": [],
        "timestamp": block["ts"],
        "transactions-root": b64(block["txn"]) if "txn" in block else ZERO_HASH,
        "transactions-root-sha256": b64(block["txn256"]) if "txn256" in block else ZERO_HASH,
        "txn-counter": block.get("tc", 0),
        "upgrade-state": {
            "current-protocol": block.get("proto", ""),
            "next-protocol-approvals": block.get("nextyes", 0),
            "next-protocol-switch-on": block.get("nextswitch", 0),
            "next-protocol-vote-before": block.get("nextbefore", 0),
        },
        "upgrade-vote": {
            "upgrade-approve": bool(block.get("upgradeyes", False)),
            "upgrade-delay": block.get("upgradedelay", 0),
        },
    }
    if block.get("txn512"):
        out["transactions-root-sha512"] = b64(block["txn512"])
    for key, name in (("prp", "proposer"), ("fc", "fees-collected"), ("bi", "bonus")):
        if block.get(key):
            out[name] = _addr(block[key]) if key == "prp" else block[key]
    if transactions is not None:
        out["transactions"] = transactions
    return out
