"""Inner transactions as ledger transactions: an `InnerTxn` the AVM built becomes the wire map
algod would record (`itx`) and a parsed `Transaction`, so it applies through the same code as a
top-level one. Its id and, for an inner group of more than one, the group id are what go
computes with UnifyInnerTxIDs: `InnerID(parent txid, index among the parent's inner txns)`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..avm.app_state import InnerTxn
from ..encoding import canonicalize, encode_txid, hash_obj, sha512_256
from .transaction import Transaction, parse_transaction


def _text(value: bytes) -> str:
    """Asset names are text on the ledger; an app may set any bytes (go keeps them as-is)."""
    return value.decode("utf-8", errors="replace")


def inner_wire(txn: InnerTxn) -> dict[str, Any]:
    """The msgpack map of `txn` (zero values are dropped when it is parsed and hashed)."""
    wire: dict[str, Any] = {
        "type": txn.type, "snd": txn.sender, "fee": txn.fee, "fv": txn.first_valid,
        "lv": txn.last_valid, "note": txn.note, "lx": txn.lease, "rekey": txn.rekey_to,
        "grp": txn.group,
    }  # fmt: skip
    kind = txn.type
    if kind == "pay":
        wire.update(rcv=txn.receiver, amt=txn.amount, close=txn.close_remainder_to)
    elif kind == "keyreg":
        wire.update(
            votekey=txn.vote_pk, selkey=txn.selection_pk, votefst=txn.vote_first,
            votelst=txn.vote_last, votekd=txn.vote_key_dilution, nonpart=txn.nonparticipation,
        )  # fmt: skip
        if any(txn.state_proof_pk):
            wire["sprfkey"] = txn.state_proof_pk
    elif kind == "axfer":
        wire.update(
            xaid=txn.xfer_asset, aamt=txn.asset_amount, asnd=txn.asset_sender,
            arcv=txn.asset_receiver, aclose=txn.asset_close_to,
        )  # fmt: skip
    elif kind == "acfg":
        p = txn.asset_params
        wire["caid"] = txn.config_asset
        wire["apar"] = {
            "t": p.total, "dc": p.decimals, "df": p.default_frozen, "un": _text(p.unit_name),
            "an": _text(p.asset_name), "au": _text(p.url),
            "am": p.metadata_hash if any(p.metadata_hash) else b"", "m": p.manager,
            "r": p.reserve, "f": p.freeze, "c": p.clawback,
        }  # fmt: skip
    elif kind == "afrz":
        wire.update(faid=txn.freeze_asset, fadd=txn.freeze_account, afrz=txn.asset_frozen)
    elif kind == "appl":
        wire.update(
            apid=txn.application_id, apan=txn.on_completion, apaa=list(txn.app_args),
            apat=list(txn.accounts), apas=list(txn.foreign_assets),
            apfa=list(txn.foreign_apps), apap=txn.approval_program,
            apsu=txn.clear_state_program, apep=txn.extra_program_pages,
            aprv=txn.reject_version,
            apgs={"nui": txn.global_num_uint, "nbs": txn.global_num_byte_slice},
            apls={"nui": txn.local_num_uint, "nbs": txn.local_num_byte_slice},
        )  # fmt: skip
    return wire


def _parse(wire: dict[str, Any]) -> Transaction:
    return parse_transaction(canonicalize(wire))


def inner_id(txn: Transaction, parent: bytes, index: int) -> bytes:
    """go's Transaction.InnerID: the hash of the parent's txid, the inner's index among the
    parent's inner transactions (8 bytes, big-endian) and the transaction's msgpack (no "TX")."""
    return sha512_256(parent + index.to_bytes(8, "big") + txn.message[2:])


def inner_transactions(
    txns: Sequence[InnerTxn], parent: bytes, offset: int = 0
) -> list[Transaction]:
    """The inner group as parsed ledger transactions, with its group id when it has several.

    `parent` is the txid of the app call submitting it (itself an inner id when that call is an
    inner one) and `offset` the number of inner transactions that call has already submitted.
    Each transaction's `txid_digest`/`txid` is its inner id, as `txn`/`itxn`/`gtxn TxID` read.
    """
    wires = [inner_wire(txn) for txn in txns]
    parsed = [_parse(wire) for wire in wires]
    if len(parsed) > 1:
        ids = [inner_id(txn, parent, offset + i) for i, txn in enumerate(parsed)]
        gid = hash_obj(b"TG", {"txlist": ids})
        for wire in wires:
            wire["grp"] = gid
        parsed = [_parse(wire) for wire in wires]
    for i, txn in enumerate(parsed):
        txn.txid_digest = inner_id(txn, parent, offset + i)
        txn.txid = encode_txid(txn.txid_digest)
    return parsed
