"""Checks that need no state: field ranges, sizes and combinations (go-algorand's WellFormed)."""

from __future__ import annotations

from ..avm.errors import LogicError
from ..avm.spec import SYNC_PROGRAMS_VERSION
from ..avm.version_prefix import program_version
from ..encoding import ZERO_ADDRESS
from .errors import MalformedTransaction
from .params import ConsensusParams
from .transaction import Transaction

ON_COMPLETIONS = range(6)  # NoOp, OptIn, CloseOut, ClearState, UpdateApplication, Delete
UPDATE_APPLICATION = 4


def _version(program: bytes, label: str = "") -> int:
    """The program's version; a ValueError with go's reason, after `label` if one is given."""
    try:
        return program_version(program)[0]
    except LogicError as exc:
        raise ValueError(f"{label}{exc.reason}") from None


def check_contract_versions(
    approval: bytes,
    clear: bytes,
    params: ConsensusParams,
    previous: tuple[bytes, bytes] | None = None,
) -> None:
    """go's CheckContractVersions: readable versions, equal from v6 on, and (on update) no
    downgrade of a program that inner calls may reach. Raises ValueError with go's text."""
    av = _version(approval, "bad ApprovalProgram: ")
    cv = _version(clear, "bad ClearStateProgram: ")
    if (av >= SYNC_PROGRAMS_VERSION or cv >= SYNC_PROGRAMS_VERSION) and av != cv:
        raise ValueError(f"program version mismatch: {av} != {cv}")
    if previous is None:
        return
    pav, pcv = (_version(p) for p in previous)  # unlabelled, as go reports them
    if pav >= params.min_inner_appl_version and av < pav:
        raise ValueError(f"approval program version downgrade: {av} < {pav}")
    if pcv >= params.min_inner_appl_version and cv < pcv:
        raise ValueError(f"clearstate program version downgrade: {cv} < {pcv}")


def check_well_formed(txn: Transaction, params: ConsensusParams, *, inner: bool = False) -> None:
    """`inner`: an app's inner transaction, which carries no genesis hash."""
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
    if len(txn.note) > params.max_absolute_note_bytes:  # beyond max_note_bytes: a surcharge
        raise fail(f"transaction note too big: {len(txn.note)} > {params.max_absolute_note_bytes}")
    if txn.genesis_hash == ZERO_ADDRESS and not inner:
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
    if txn.type == "appl":
        reason = app_call_problem(txn, params)
        if reason is not None:
            raise fail(reason)
    if txn.type == "hb":
        reason = heartbeat_problem(txn, params)
        if reason is not None:
            raise fail(reason)
    if txn.type == "afrz":
        if txn.freeze_asset == 0:
            raise fail("asset ID cannot be zero")
        if txn.freeze_account == ZERO_ADDRESS:
            raise fail("freeze account cannot be empty")


def heartbeat_kind(txn: Transaction) -> str:
    """ "discounted" when a heartbeat claims the challenge discount (HbChallengeDiscount: one
    minimum fee less), else "". Since V42's size pricing the claim is explicit; before, an
    underpaid lone heartbeat claimed it ("free" or "cheap")."""
    hb = txn.heartbeat
    return "discounted" if hb is not None and hb.challenge_discount else ""


def heartbeat_problem(txn: Transaction, params: ConsensusParams) -> str | None:
    """go's WellFormed rules for a heartbeat (with transaction size pricing, V42)."""
    hb = txn.heartbeat
    if hb is None:
        return "tx.HbProof is empty"
    kind = heartbeat_kind(txn)
    if kind:
        if txn.note:
            return f"tx.Note is set in {kind} heartbeat"
        if txn.lease != ZERO_ADDRESS:
            return f"tx.Lease is set in {kind} heartbeat"
        if txn.rekey_to != ZERO_ADDRESS:
            return f"tx.RekeyTo is set in {kind} heartbeat"
    if hb.proof.is_empty():
        return "tx.HbProof is empty"
    if hb.seed == ZERO_ADDRESS:
        return "tx.HbSeed is empty"
    if hb.vote_id == ZERO_ADDRESS:
        return "tx.HbVoteID is empty"
    if hb.key_dilution == 0:
        return "tx.HbKeyDilution is zero"
    return None


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


def app_call_problem(txn: Transaction, params: ConsensusParams) -> str | None:
    """go's WellFormed rules for an app call, in its order; None when it is well formed."""
    p = params
    if txn.on_completion not in ON_COMPLETIONS:
        return "invalid application OnCompletion"
    if txn.reject_version > 0 and txn.application_id == 0:
        return "tx.RejectVersion cannot be set during creation"
    if txn.application_id != 0 and txn.on_completion != UPDATE_APPLICATION:
        if txn.approval_program or txn.clear_state_program:
            return "programs may only be specified during application creation or update"
    else:
        try:
            check_contract_versions(txn.approval_program, txn.clear_state_program, params)
        except ValueError as exc:
            return str(exc)
    if txn.extra_program_pages > p.max_absolute_extra_program_pages:
        return (
            "tx.ExtraProgramPages exceeds MaxAbsoluteExtraProgramPages = "
            f"{p.max_absolute_extra_program_pages}"
        )
    pages = 1 + txn.extra_program_pages
    if txn.application_id != 0:
        if txn.global_schema != (0, 0) or txn.local_schema != (0, 0):
            return "local and global state schemas are immutable"
        if txn.extra_program_pages:
            return "tx.ExtraProgramPages is immutable"
        pages = 1 + p.max_absolute_extra_program_pages  # the app's own pages are checked later
    approval, clear = len(txn.approval_program), len(txn.clear_state_program)
    if approval > pages * p.max_app_program_len:
        return f"approval program too long. ({approval} > {pages * p.max_app_program_len})"
    if clear > pages * p.max_app_program_len:
        return f"clear state program too long. ({clear} > {pages * p.max_app_program_len})"
    if approval + clear > pages * p.max_app_total_program_len:
        return (
            f"app programs too long. ({approval} + {clear} > {pages * p.max_app_total_program_len})"
        )
    if len(txn.app_args) > p.max_app_args:
        return f"tx.ApplicationArgs has too many arguments. {len(txn.app_args)} > {p.max_app_args}"
    for i, arg in enumerate(txn.app_args):
        if len(arg) > p.max_avm_bytes:
            return f"tx.ApplicationArgs[{i}] length is too long. {len(arg)} > {p.max_avm_bytes}"
    total_args = sum(len(arg) for arg in txn.app_args)
    if total_args > p.max_absolute_total_arg_len:
        return (
            "tx.ApplicationArgs total length is too long. "
            f"{total_args} > {p.max_absolute_total_arg_len}"
        )
    for field, refs, limit in (
        ("Accounts", txn.accounts, p.max_app_txn_accounts),
        ("ForeignApps", txn.foreign_apps, p.max_app_txn_foreign_apps),
        ("ForeignAssets", txn.foreign_assets, p.max_app_txn_foreign_assets),
    ):
        if len(refs) > limit:
            noun = {"Accounts": "accounts", "ForeignApps": "foreign apps"}.get(
                field, "foreign assets"
            )
            return f"tx.{field} too long, max number of {noun} is {limit}"
    if len(txn.boxes) > p.max_app_box_references:
        return f"tx.Boxes too long, max number of box references is {p.max_app_box_references}"
    total = len(txn.accounts) + len(txn.foreign_apps) + len(txn.foreign_assets) + len(txn.boxes)
    if total > p.max_app_total_txn_references:
        return f"tx references exceed MaxAppTotalTxnReferences = {p.max_app_total_txn_references}"
    for i, (index, box_name) in enumerate(txn.boxes):
        if index > len(txn.foreign_apps):
            return f"tx.Boxes[{i}].Index is {index}. Exceeds len(tx.ForeignApps)"
        if len(box_name) > p.max_app_key_len:
            return f"tx.Boxes[{i}].Name too long, max len {p.max_app_key_len} bytes"
    if sum(txn.local_schema) > p.max_local_schema_entries:
        return f"tx.LocalStateSchema too large, max number of keys is {p.max_local_schema_entries}"
    if sum(txn.global_schema) > p.max_global_schema_entries:
        return (
            f"tx.GlobalStateSchema too large, max number of keys is {p.max_global_schema_entries}"
        )
    return None
