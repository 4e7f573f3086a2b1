"""Checks that need no state: field ranges, sizes and combinations (go-algorand's WellFormed)."""

from __future__ import annotations

from ..encoding import ZERO_ADDRESS
from .errors import MalformedTransaction
from .params import ConsensusParams
from .transaction import Transaction


def check_well_formed(txn: Transaction, params: ConsensusParams) -> None:
    prefix = f"transaction {txn.txid}"

    def fail(reason: str) -> MalformedTransaction:
        return MalformedTransaction(f"{prefix}: {reason}")

    if txn.sender == ZERO_ADDRESS:
        raise fail("transaction cannot have zero sender")
    if txn.first_valid > txn.last_valid:
        raise fail(f"transaction invalid range ({txn.first_valid}--{txn.last_valid})")
    if txn.last_valid - txn.first_valid > params.max_txn_life:
        raise fail(
            f"transaction window size excessive: {txn.last_valid - txn.first_valid} > "
            f"{params.max_txn_life}"
        )
    if len(txn.note) > params.max_note_bytes:
        raise fail(f"transaction note too big: {len(txn.note)} > {params.max_note_bytes}")
    if txn.genesis_hash == ZERO_ADDRESS:
        raise fail("genesis hash required")
    if txn.type != "pay" and (txn.amount or txn.receiver != ZERO_ADDRESS):
        raise fail(f"transaction of type {txn.type} has payment fields (rcv, amt)")
    if txn.type == "pay" and txn.close_remainder_to != ZERO_ADDRESS:
        if txn.close_remainder_to == txn.sender:
            raise fail("transaction cannot close account to its sender")
    if txn.type == "keyreg":
        _check_keyreg(txn, fail)
    if txn.type == "acfg" and txn.asset_params is not None:
        _check_asset_params(txn, params, fail)
    if (
        txn.type == "axfer"
        and txn.asset_close_to != ZERO_ADDRESS
        and txn.asset_sender != ZERO_ADDRESS
    ):
        raise fail("cannot close asset by clawback")
    if txn.type == "axfer" and txn.xfer_asset == 0 and txn.asset_amount != 0:
        raise fail("asset ID cannot be zero")
    if txn.type == "afrz":
        if txn.freeze_asset == 0:
            raise fail("asset ID cannot be zero")
        if txn.freeze_account == ZERO_ADDRESS:
            raise fail("freeze account cannot be empty")


def _check_keyreg(txn: Transaction, fail) -> None:  # type: ignore[no-untyped-def]
    has_keys = txn.vote_pk != ZERO_ADDRESS or txn.selection_pk != ZERO_ADDRESS
    if txn.nonparticipation and (has_keys or txn.vote_first or txn.vote_last):
        raise fail(
            "transaction tries to mark an account as nonparticipating, but that transaction "
            "is not a valid key deregistration"
        )
    if has_keys:
        if txn.vote_pk == ZERO_ADDRESS or txn.selection_pk == ZERO_ADDRESS:
            raise fail("keyreg: votekey and selkey must be set together")
        if txn.vote_first > txn.vote_last:
            raise fail(
                f"keyreg: the first voting round {txn.vote_first} is after the last voting "
                f"round {txn.vote_last}"
            )
    elif txn.vote_first or txn.vote_last or txn.vote_key_dilution:
        raise fail("keyreg: voting rounds or key dilution given without participation keys")


def _check_asset_params(txn: Transaction, params: ConsensusParams, fail) -> None:  # type: ignore[no-untyped-def]
    fields = txn.asset_params
    assert fields is not None
    if fields.decimals > params.max_asset_decimals:
        raise fail(f"transaction asset decimals is too high (max is {params.max_asset_decimals})")
    for name, value, limit in (
        ("asset unit name", fields.unit_name, params.max_asset_unit_name_bytes),
        ("asset name", fields.asset_name, params.max_asset_name_bytes),
        ("asset url", fields.url, params.max_asset_url_bytes),
    ):
        size = len(value.encode())
        if size > limit:
            raise fail(f"transaction {name} too big: {size} > {limit}")
    if fields.metadata_hash and len(fields.metadata_hash) != params.asset_metadata_hash_bytes:
        raise fail(
            f"transaction asset metadata hash must be {params.asset_metadata_hash_bytes} bytes, "
            f"got {len(fields.metadata_hash)}"
        )
