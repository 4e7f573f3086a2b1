"""Checking that a signed transaction carries a valid signature by the account it names.

This is stateless: it proves the transaction was signed by `stxn.authorizer`. Whether that
account is the one allowed to sign for the sender (its auth-addr) is checked during evaluation.
"""

from __future__ import annotations

import msgpack

from ..avm.errors import LogicError
from ..avm.version_prefix import program_version
from ..ed25519 import verify
from ..encoding import encode_address, multisig_digest, program_digest
from .errors import SignatureError
from .params import ConsensusParams
from .transaction import LogicSig, Multisig, SignedTransaction, Transaction

PROGRAM_PREFIX = b"Program"
MSIG_PROGRAM_PREFIX = b"MsigProgram"


BLANK_SIGNATURE = bytes(64)


def _present(signature: bytes) -> bool:
    """algod reads an all-zero signature as no signature at all (Go's zero value)."""
    return bool(signature) and signature != BLANK_SIGNATURE


def check_heartbeat_proof(txn: Transaction) -> bool:
    """Whether a heartbeat's one-time signature holds (go: HeartbeatProof.BatchPrep): for the
    round LastValid, batch = round / key dilution and offset = round % key dilution, the vote
    key signs ("OT1") the second-level key and the batch, that key signs ("OT2") the
    one-time key, the batch and the offset, and the one-time key signs ("SD") the seed."""
    hb = txn.heartbeat
    if hb is None or hb.key_dilution == 0:
        return False
    batch, offset = divmod(txn.last_valid, hb.key_dilution)
    proof = hb.proof
    batch_id = msgpack.packb({"batch": batch, "pk": proof.pk2}, use_bin_type=True)
    offset_id = msgpack.packb({"batch": batch, "off": offset, "pk": proof.pk}, use_bin_type=True)
    return (
        verify(hb.vote_id, b"OT1" + batch_id, proof.pk2_sig)
        and verify(proof.pk2, b"OT2" + offset_id, proof.pk1_sig)
        and verify(proof.pk, b"SD" + hb.seed, proof.sig)
    )


def check_signature(stxn: SignedTransaction, params: ConsensusParams) -> None:
    txid = stxn.txn.txid
    if stxn.txn.type == "hb" and not check_heartbeat_proof(stxn.txn):
        raise SignatureError(f"transaction {txid}: At least one signature didn't pass verification")
    has_sig = _present(stxn.sig)
    kinds = sum(1 for present in (has_sig, stxn.msig, stxn.lsig) if present)
    if kinds == 0:
        raise SignatureError(f"transaction {txid}: signedtxn has no sig")
    if kinds > 1:
        raise SignatureError(
            f"transaction {txid}: signedtxn should only have one of sig or msig or lsig"
        )
    if stxn.lsig is not None:
        _check_logic_sig(stxn.lsig, stxn.authorizer, txid, params)
        return
    message = stxn.txn.message
    if has_sig:
        if not verify(stxn.authorizer, message, stxn.sig):
            raise SignatureError(
                f"transaction {txid}: At least one signature didn't pass verification"
            )
        return
    assert stxn.msig is not None
    _check_multisig(stxn.msig, stxn.authorizer, message, txid, params)


def _check_logic_sig(lsig: LogicSig, authorizer: bytes, txid: str, params: ConsensusParams) -> None:
    """The logic sig is well formed and its delegation (if any) valid; running it comes later.

    No signature: a contract account, whose address must be the program's hash. A signature or
    multisig over `b"Program" + program`: an account that delegated its authority to it.
    """
    prefix = f"transaction {txid}"
    if not lsig.program:
        raise SignatureError(f"{prefix}: LogicSig.Logic empty")
    if len(lsig.program) > params.max_absolute_logic_sig_program_size:
        raise SignatureError(
            f"{prefix}: LogicSig.Logic too long. max size is "
            f"{params.max_absolute_logic_sig_program_size} bytes"
        )
    if len(lsig.args) > params.max_logic_sig_args:
        raise SignatureError(f"{prefix}: LogicSig has too many arguments")
    try:
        version, _ = program_version(lsig.program)
    except LogicError:
        raise SignatureError(f"{prefix}: LogicSig.Logic bad version") from None
    if version > params.logic_sig_version:
        raise SignatureError(f"{prefix}: LogicSig.Logic version too new")
    has_sig = _present(lsig.sig)
    if has_sig + (lsig.msig is not None) + (lsig.lmsig is not None) > 1:
        raise SignatureError(
            f"{prefix}: LogicSig should have only one type of delegation signature"
        )
    message = PROGRAM_PREFIX + lsig.program
    if has_sig:
        if not verify(authorizer, message, lsig.sig):
            raise SignatureError(f"{prefix}: At least one signature didn't pass verification")
    elif lsig.msig is not None:
        _check_multisig(lsig.msig, authorizer, message, txid, params)
    elif lsig.lmsig is not None:
        # Binding the multisig's address into what is signed keeps one member's signature
        # from being replayed for another multisig that shares that member.
        bound = MSIG_PROGRAM_PREFIX + authorizer + lsig.program
        _check_multisig(lsig.lmsig, authorizer, bound, txid, params)
    elif program_digest(lsig.program) != authorizer:
        raise SignatureError(f"{prefix}: LogicNot signed and not a Logic-only account")


def _check_multisig(
    msig: Multisig, address: bytes, message: bytes, txid: str, params: ConsensusParams
) -> None:
    prefix = f"transaction {txid}: multisig validation failed"
    if msig.version != 1:
        raise SignatureError(f"{prefix}: unknown version {msig.version}")
    keys = [sub.public_key for sub in msig.subsigs]
    if not 1 <= msig.threshold <= len(keys) or len(keys) > params.max_multisig_subsigs:
        raise SignatureError(f"{prefix}: invalid threshold {msig.threshold} of {len(keys)} keys")
    if multisig_digest(msig.version, msig.threshold, keys) != address:
        raise SignatureError(
            f"{prefix}: the version, threshold and keys (in this order) do not make the address "
            f"{encode_address(address)}"
        )
    signed = [sub for sub in msig.subsigs if _present(sub.signature)]
    if len(signed) < msig.threshold:
        raise SignatureError(
            f"{prefix}: insufficient signatures: {len(signed)} of threshold {msig.threshold}"
        )
    for sub in signed:
        if not verify(sub.public_key, message, sub.signature):
            raise SignatureError(f"{prefix}: At least one signature didn't pass verification")


def is_unsigned(stxn: SignedTransaction) -> bool:
    """No sig, msig or lsig at all: what simulate's allow-empty-signatures lets through."""
    return not _present(stxn.sig) and stxn.msig is None and stxn.lsig is None
