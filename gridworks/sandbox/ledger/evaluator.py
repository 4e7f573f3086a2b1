"""Evaluating one atomic group against the state: all of it applies, or none of it does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..avm.fees import algos_text, fee_for_usage, group_usage, micros_text
from ..encoding import ZERO_ADDRESS, b64, encode_address, hash_obj
from .app_run import AppRun
from .apply.common import ApplyData
from .apply.dispatch import apply_transaction
from .block_context import BlockContext
from .errors import LedgerError, MalformedTransaction, SignatureError, TransactionRejected
from .logicsig import run_logic_sigs
from .params import ConsensusParams
from .signatures import check_signature
from .state import Delta, Overlay, StateReader
from .transaction import SignedTransaction, Transaction
from .wellformed import check_well_formed


@dataclass(slots=True)
class GroupResult:
    delta: Delta
    apply_data: list[ApplyData]


def group_id(txns: list[Transaction]) -> bytes:
    return hash_obj(b"TG", {"txlist": [txn.digest_without_group() for txn in txns]})


def evaluate_group(
    state: StateReader, group: list[SignedTransaction], ctx: BlockContext
) -> GroupResult:
    """Checks, then applies, every transaction of `group`: all of it, or raises `LedgerError`."""
    params = ctx.params
    if not group:
        raise MalformedTransaction("empty transaction group")
    if len(group) > params.max_group_size:
        raise MalformedTransaction(
            f"group size {len(group)} exceeds maximum {params.max_group_size}"
        )
    txns = [stxn.txn for stxn in group]
    for index, stxn in enumerate(group):
        with _at(ctx, index):
            check_well_formed(stxn.txn, params)
            if stxn.auth_addr == stxn.txn.sender:  # EnforceAuthAddrSenderDiff (V42)
                raise SignatureError(
                    f"transaction {stxn.txn.txid}: AuthAddr must be different from Sender"
                )
            if ctx.hooks is None or not ctx.hooks.skips_signature(stxn):
                check_signature(stxn, params)
    _check_logic_sig_args(group, params)
    run_logic_sigs(group, ctx)
    _check_group_id(txns, ctx)
    _check_fees(group, params)
    _check_context(txns, ctx)

    ov = Overlay(state)
    run = None
    if any(txn.type == "appl" for txn in txns):
        lsig_bytes = sum(len(stxn.lsig.program) for stxn in group if stxn.lsig is not None)
        run = AppRun.for_group(txns, ctx, ctx.latest_timestamp, lsig_bytes)
    results = []
    for index, stxn in enumerate(group):
        try:
            with _at(ctx, index):
                results.append(_apply(ov, stxn, ctx, run, index))
            if ctx.hooks is not None:
                ctx.hooks.txn_applied(index, results[-1])
        except TransactionRejected as exc:
            if exc.message.startswith(f"transaction {stxn.txn.txid}"):
                raise
            raise TransactionRejected(f"transaction {stxn.txn.txid}: {exc.message}") from None
    return GroupResult(ov.delta(), results)


@contextmanager
def _at(ctx: BlockContext, index: int) -> Iterator[None]:
    """Tells simulate's hooks which transaction an error arose at (its `failed-at`)."""
    try:
        yield
    except LedgerError:
        if ctx.hooks is not None:
            ctx.hooks.txn_failed(index)
        raise


def _check_group_id(txns: list[Transaction], ctx: BlockContext) -> None:
    """algod's checks, in its order: one group value for all, none zero in a group, complete
    (algod finds an incomplete group after its last transaction)."""
    first = txns[0].group
    for index, txn in enumerate(txns):
        with _at(ctx, index):
            if txn.group != first:
                raise MalformedTransaction(
                    f"transaction {txn.txid}: transactionGroup: inconsistent group values: "
                    f"{b64(txn.group)} != {b64(first)}"
                )
            if txn.group == ZERO_ADDRESS and len(txns) > 1:
                raise MalformedTransaction(
                    f"transaction {txn.txid}: transactionGroup: [{index}] had zero Group but "
                    f"was submitted in a group of {len(txns)}"
                )
    if first != ZERO_ADDRESS and group_id(txns) != first:
        with _at(ctx, len(txns) - 1):
            raise MalformedTransaction(
                f"transaction {txns[0].txid}: transactionGroup: incomplete group: the group id "
                "does not match the transactions sent with it"
            )


def _check_fees(group: list[SignedTransaction], params: ConsensusParams) -> None:
    """go's CheckGroupFees: the group pays its usage (V42's size pricing, `avm/fees.py`)."""
    usage = group_usage(
        (stxn.txn for stxn in group),
        (len(stxn.lsig.program) for stxn in group if stxn.lsig is not None),
        params.size_pricing(),
    )
    needed, _ = fee_for_usage(params.min_fee, usage)
    paid = sum(stxn.txn.fee for stxn in group)
    if paid < needed:
        raise TransactionRejected(
            f"txgroup with {algos_text(paid)} fees is less than {algos_text(needed)} "
            f"(usage={micros_text(usage)} * base={algos_text(params.min_fee)})"
        )


def _check_logic_sig_args(group: list[SignedTransaction], params: ConsensusParams) -> None:
    """Each logic sig's args may use its own allowance (LogicSigMaxSize); larger ones only
    when the group's pool (that much per transaction) holds all of its args (V42)."""
    sizes = [sum(len(arg) for arg in stxn.lsig.args) for stxn in group if stxn.lsig is not None]
    allowance = params.max_logic_sig_size
    pool = len(group) * allowance
    if any(size > allowance for size in sizes) and sum(sizes) > pool:
        raise MalformedTransaction(
            f"txgroup had {sum(sizes)} bytes of LogicSig args, more than the available size "
            f"pool of {pool} bytes (per-LogicSig allowance is {allowance})"
        )


def _check_context(txns: list[Transaction], ctx: BlockContext) -> None:
    seen: set[bytes] = set()
    leases: set[tuple[bytes, bytes]] = set()
    for index, txn in enumerate(txns):
        with _at(ctx, index):
            _check_alive(txn, ctx, seen, leases)


def _check_alive(
    txn: Transaction, ctx: BlockContext, seen: set[bytes], leases: set[tuple[bytes, bytes]]
) -> None:
    """One transaction's checks against the block: network, validity window, duplicates
    (a repeated transaction fails at its second copy, as in algod), leases."""
    prefix = f"transaction {txn.txid}"
    if txn.genesis_hash != ctx.genesis_hash:
        raise MalformedTransaction(
            f"{prefix}: genesis hash mismatch: transaction is for genesis hash "
            f"{b64(txn.genesis_hash)}, this network's is {b64(ctx.genesis_hash)}"
        )
    if txn.genesis_id and txn.genesis_id != ctx.genesis_id:
        raise MalformedTransaction(
            f"{prefix}: genesis id mismatch: transaction is for {txn.genesis_id!r}, "
            f"this network is {ctx.genesis_id!r}"
        )
    if not txn.first_valid <= ctx.round <= txn.last_valid:
        raise TransactionRejected(
            f"{prefix}: txn dead: round {ctx.round} outside of {txn.first_valid}--{txn.last_valid}"
        )
    if txn.txid_digest in seen or ctx.is_known_txid(txn.txid_digest):
        raise TransactionRejected(f"transaction already in ledger: {txn.txid}")
    seen.add(txn.txid_digest)
    if txn.lease != ZERO_ADDRESS:
        key = (txn.sender, txn.lease)
        if key in leases or ctx.lease_in_use(*key):
            raise TransactionRejected(
                f"{prefix}: using an overlapping lease (sender {encode_address(txn.sender)}, "
                f"lease {b64(txn.lease)})"
            )
        leases.add(key)


def _apply(
    ov: Overlay, stxn: SignedTransaction, ctx: BlockContext, run: AppRun | None, index: int
) -> ApplyData:
    txn = stxn.txn
    ov.touched.clear()
    new_index = ov.next_index()
    sender = ov.account(txn.sender)
    expected = sender.auth_addr if sender and sender.auth_addr != ZERO_ADDRESS else txn.sender
    if stxn.authorizer != expected:
        raise SignatureError(
            f"transaction {txn.txid}: should have been authorized by "
            f"{encode_address(expected)} but was actually authorized by "
            f"{encode_address(stxn.authorizer)}"
        )
    ad = ApplyData()
    apply_transaction(ov, txn, ad, ctx, new_index, run, index)
    if run is not None:
        run.record_effects(index, ad)
    _check_min_balances(ov, ctx)
    return ad


def _check_min_balances(ov: Overlay, ctx: BlockContext) -> None:
    params = ctx.params
    for addr in sorted(ov.touched):
        if addr == ctx.fee_sink:
            continue
        acct = ov.account(addr)
        if acct is None or acct.is_empty():
            continue
        minimum = params.minimum_balance(acct)
        if acct.micro_algos < minimum:
            raise TransactionRejected(
                f"account {encode_address(addr)} balance {acct.micro_algos} below min "
                f"{minimum} ({acct.total_assets} assets)"
            )
