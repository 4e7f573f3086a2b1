"""ConsensusV42's limits through algod's REST API (go-algorand v5.0.0, config/consensus.go):
each accepted at the limit and refused one above it with algod's words.

V41 raised MaxAppTxnAccounts (4 to 8) and BytesPerBoxReference (1,024 to 2,048), and let an
app the group creates use one box no reference names per empty box reference of the group;
V42 refuses a signature labelled with the sender itself as its authorizer
(EnforceAuthAddrSenderDiff) and prices sizes: notes up to 4,096 bytes, app args up to 16,384,
7 extra program pages and (since V40) 16,000-byte logic-sig programs, each byte beyond the free
size (1,024, 2,048, 3 pages' programs, 1,000 per transaction) adding 100 millionths of the
minimum fee (PerByteTxnSurcharge) to what the group owes, rounded up to the microAlgo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from algosdk import transaction
from algosdk.logic import get_application_address
from algosdk.transaction import LogicSigAccount, LogicSigTransaction
from algosdk.v2client.algod import AlgodClient
from conftest import rejected, send
from test_apps_lifecycle import (  # type: ignore[import-not-found]
    _remember_sandbox,  # noqa: F401  (autouse fixture: create_app reads the sandbox)
    call,
    create_app,
    program,
    sign,
    sp,
)
from test_simulate_apps_http import _simulate, untouched  # type: ignore[import-not-found]

from gridworks.sandbox import DevAccount, EmbeddedSandbox

Factory = Callable[..., DevAccount]
OC = transaction.OnComplete

# Creates box "b" with the size the first argument gives (creation itself only approves).
BOX_CREATE = """#pragma version 10
txn ApplicationID
bz ok
byte "b"
txna ApplicationArgs 0
btoi
box_create
pop
ok:
int 1
"""

# Reads box "n" of the app while it is being created.
READ_BOX_AT_CREATION = '#pragma version 10\nbyte "n"\nbox_len\npop\npop\nint 1\n'
APPROVE = "#pragma version 10\nint 1\n"


def test_an_app_call_names_up_to_eight_accounts(
    algod: AlgodClient, account_factory: Factory
) -> None:
    alice = account_factory()
    app_id = create_app(algod, alice)
    others = [account_factory().address for _ in range(9)]
    send(algod, call(algod, alice, app_id, accounts=others[:8]))
    error = rejected(algod, call(algod, alice, app_id, accounts=others))
    assert "tx.Accounts too long, max number of accounts is 8" in error


def test_a_box_reference_brings_2048_bytes_of_io_budget(
    algod: AlgodClient, account_factory: Factory
) -> None:
    alice = account_factory()
    app_id = create_app(algod, alice, approval=BOX_CREATE)
    pay = transaction.PaymentTxn(
        alice.address, sp(algod), get_application_address(app_id), 2_000_000
    )
    send(algod, sign(pay, alice))
    over = call(algod, alice, app_id, 2_049, boxes=[(0, b"b")])
    assert "write budget (2048) exceeded 2049" in rejected(algod, over)
    send(algod, call(algod, alice, app_id, 2_048, boxes=[(0, b"b")]))


def _create(algod: AlgodClient, creator: DevAccount, **kwargs: Any) -> transaction.Transaction:
    return transaction.ApplicationCreateTxn(
        creator.address, sp(algod), OC.NoOpOC, program(algod, READ_BOX_AT_CREATION),
        program(algod, APPROVE), transaction.StateSchema(0, 0), transaction.StateSchema(0, 0),
        **kwargs,
    )  # fmt: skip


def test_an_empty_box_reference_lets_an_app_the_group_creates_use_an_unnamed_box(
    algod: AlgodClient, account_factory: Factory, sandbox: EmbeddedSandbox
) -> None:
    """One unnamed box per empty reference; simulate then reports nothing unnamed, as algod."""
    alice = account_factory()
    without = sign(_create(algod, alice), alice)
    assert "invalid Box reference 0x6e" in rejected(algod, without)
    with_ref = sign(_create(algod, alice, boxes=[(0, b"")]), alice)
    with untouched(sandbox):
        simulated = _simulate(algod, [with_ref], allow_unnamed_resources=True)
        plain = _simulate(algod, [without], allow_unnamed_resources=True)
    assert "failure-message" not in simulated, simulated["failure-message"]
    assert "unnamed-resources-accessed" not in simulated
    assert plain["unnamed-resources-accessed"] == {"extra-box-refs": 1}
    info = send(algod, with_ref)[0]
    assert info["confirmed-round"] > 0


def test_an_authorizer_equal_to_the_sender_is_refused(
    algod: AlgodClient, account_factory: Factory
) -> None:
    alice, bob = account_factory(), account_factory()
    pay = transaction.PaymentTxn(alice.address, sp(algod), bob.address, 1)
    signed = pay.sign(alice.private_key)
    signed.authorizing_address = alice.address  # `sgnr` naming the sender itself
    error = rejected(algod, signed)
    assert f"transaction {signed.get_txid()}: AuthAddr must be different from Sender" in error


def _pay(algod: AlgodClient, sender: str, receiver: str, fee: int, **kwargs: Any) -> Any:
    params = sp(algod)
    params.fee = fee
    return transaction.PaymentTxn(sender, params, receiver, 0, **kwargs)


def test_a_note_holds_4096_bytes_for_a_surcharge_on_those_beyond_1024(
    algod: AlgodClient, account_factory: Factory
) -> None:
    alice, bob = account_factory(), account_factory()
    # 3,072 bytes beyond 1,024: usage 1 + 3,072 * 0.0001 = 1.3072 min fees, 1,307.2 uA: 1,308
    full = b"n" * 4_096
    short = rejected(algod, sign(_pay(algod, alice.address, bob.address, 1_307, note=full), alice))
    assert "txgroup with 1.307mA fees is less than 1.308mA (usage=1.307200 * base=1mA)" in short
    send(algod, sign(_pay(algod, alice.address, bob.address, 1_308, note=full), alice))
    over = _pay(algod, alice.address, bob.address, 2_000, note=full + b"n")
    assert "transaction note too big: 4097 > 4096" in rejected(algod, sign(over, alice))
    # up to 1,024 bytes a note is free, as before
    send(algod, sign(_pay(algod, alice.address, bob.address, 1_000, note=b"n" * 1_024), alice))


def test_app_args_total_16384_bytes_for_a_surcharge_on_those_beyond_2048(
    algod: AlgodClient, account_factory: Factory
) -> None:
    alice = account_factory()
    app_id = create_app(algod, alice)
    args = [b"a" * 4_096] * 4  # 14,336 bytes beyond 2,048: 2.4336 min fees
    txn = transaction.ApplicationCallTxn(alice.address, sp(algod), app_id, OC.NoOpOC, app_args=args)
    txn.fee = 2_433
    assert "txgroup with 2.433mA fees is less than 2.434mA" in rejected(algod, sign(txn, alice))
    txn.fee = 2_434
    send(algod, sign(txn, alice))
    txn.app_args = [*args, b"a"]
    assert "tx.ApplicationArgs total length is too long. 16385 > 16384" in rejected(
        algod, sign(txn, alice)
    )
    txn.app_args = [b"a" * 4_097]
    assert "tx.ApplicationArgs[0] length is too long. 4097 > 4096" in rejected(
        algod, sign(txn, alice)
    )


def test_an_app_takes_up_to_seven_extra_program_pages(
    algod: AlgodClient, account_factory: Factory
) -> None:
    alice = account_factory()

    def create(pages: int) -> transaction.SignedTransaction:
        return sign(_create(algod, alice, extra_pages=pages, boxes=[(0, b"")]), alice)

    assert "tx.ExtraProgramPages exceeds MaxAbsoluteExtraProgramPages = 7" in rejected(
        algod, create(8)
    )
    app_id = send(algod, create(7))[0]["application-index"]
    assert algod.application_info(app_id)["params"]["extra-program-pages"] == 7
    # the creator keeps 0.1 Algo per page, extra ones included
    assert algod.account_info(alice.address)["min-balance"] == 100_000 + 8 * 100_000


def _program_of(size: int) -> bytes:
    """A v10 program of exactly `size` bytes (at least 3,000) that approves: pushbytes/pop
    pairs of up to 4,000 bytes, then `pushint 1`."""
    body = b""
    left = size - 1 - 2  # the version byte; pushint 1
    while left:
        chunk = min(4_000, left - 4)  # pushbytes, a 2-byte length, the bytes, pop
        if 0 < left - (chunk + 4) < 132:  # leave the last chunk room for its own 2-byte length
            chunk -= 200
        body += b"\x80" + bytes([chunk & 0x7F | 0x80, chunk >> 7]) + b"x" * chunk + b"\x48"
        left -= chunk + 4
    return b"\x0a" + body + b"\x81\x01"


def test_a_logic_sig_program_holds_16000_bytes_for_a_surcharge_beyond_1000(
    algod: AlgodClient, account_factory: Factory
) -> None:
    alice, bob = account_factory(), account_factory()
    program = _program_of(16_000)
    assert len(program) == 16_000
    account = LogicSigAccount(program)
    send(
        algod,
        sign(transaction.PaymentTxn(alice.address, sp(algod), account.address(), 1_000_000), alice),
    )
    # 15,000 program bytes beyond the group's 1,000: 2.5 min fees
    short = LogicSigTransaction(_pay(algod, account.address(), bob.address, 2_499), account)
    assert "txgroup with 2.499mA fees is less than 2.500mA (usage=2.500000" in rejected(
        algod, short
    )
    send(algod, LogicSigTransaction(_pay(algod, account.address(), bob.address, 2_500), account))
    longer = LogicSigAccount(_program_of(16_001))
    txn = LogicSigTransaction(_pay(algod, longer.address(), bob.address, 5_000), longer)
    assert "LogicSig.Logic too long. max size is 16000 bytes" in rejected(algod, txn)


def test_programs_beyond_four_pages_cost_a_surcharge_per_byte(
    algod: AlgodClient, account_factory: Factory
) -> None:
    """An approval program of 9,000 bytes needs a fourth extra page (refused before V42) and
    pays for the program bytes beyond 4 pages (8,192 bytes, approval and clear together)."""
    alice = account_factory()
    clear = program(algod, APPROVE)
    params = sp(algod)
    extra = 9_000 + len(clear) - 8_192
    params.fee = 1_000 + (extra * 100 * 1_000 + 999_999) // 1_000_000 - 1  # one short
    txn = transaction.ApplicationCreateTxn(
        alice.address, params, OC.NoOpOC, _program_of(9_000), clear,
        transaction.StateSchema(0, 0), transaction.StateSchema(0, 0), extra_pages=4,
    )  # fmt: skip
    assert "fees is less than" in rejected(algod, sign(txn, alice))
    txn.fee += 1
    app_id = send(algod, sign(txn, alice))[0]["application-index"]
    assert algod.application_info(app_id)["params"]["extra-program-pages"] == 4


# Pays the sender 0 in an inner transaction with a fee of 0: the group's fee credit pays it.
INNER_PAY = """#pragma version 10
txn ApplicationID
bz ok
itxn_begin
int pay
itxn_field TypeEnum
txn Sender
itxn_field Receiver
int 0
itxn_field Fee
itxn_submit
ok:
int 1
"""


def test_the_fee_credit_for_inner_transactions_is_what_the_priced_group_overpaid(
    algod: AlgodClient, account_factory: Factory
) -> None:
    """A 16,000-byte logic sig and an app call owe 2 + 14,000 * 0.0001 = 3.4 min fees; the
    inner payment's 1,000 must come on top of that."""
    alice = account_factory()
    app_id = create_app(algod, alice, approval=INNER_PAY)
    account = LogicSigAccount(_program_of(16_000))
    for receiver in (account.address(), get_application_address(app_id)):
        send(
            algod,
            sign(transaction.PaymentTxn(alice.address, sp(algod), receiver, 1_000_000), alice),
        )

    def group(lsig_fee: int) -> list[Any]:
        txns = [
            _pay(algod, account.address(), alice.address, lsig_fee),
            transaction.ApplicationCallTxn(alice.address, sp(algod), app_id, OC.NoOpOC),
        ]
        transaction.assign_group_id(txns)
        return [LogicSigTransaction(txns[0], account), sign(txns[1], alice)]

    assert "fee too small [0]" in rejected(algod, *group(2_400 + 999))
    send(algod, *group(2_400 + 1_000))
