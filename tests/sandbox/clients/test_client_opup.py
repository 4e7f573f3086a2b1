"""Opcode budget top-ups: PyTeal's OpUp (inner app calls that create and delete a tiny app) and
the client-side pattern of pooling budget with extra app calls in the group."""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
import pyteal as pt
import pytest
from algosdk.atomic_transaction_composer import AtomicTransactionComposer
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient
from beaker import Application
from beaker.client import ApplicationClient
from clients_helpers import beaker_client, covering

ROUNDS = 60  # ~60 keccak256 (130 each) cost ~8,000: far beyond one call's 700


def hash_chain(seed: pt.Expr, rounds: pt.Expr) -> pt.Expr:
    i = pt.ScratchVar(pt.TealType.uint64)
    acc = pt.ScratchVar(pt.TealType.bytes)
    return pt.Seq(
        acc.store(seed),
        pt.For(i.store(pt.Int(0)), i.load() < rounds, i.store(i.load() + pt.Int(1))).Do(
            acc.store(pt.Keccak256(acc.load()))
        ),
        acc.load(),
    )


hasher = Application("Hasher")


@hasher.external
def plain(
    seed: pt.abi.DynamicBytes, rounds: pt.abi.Uint64, *, output: pt.abi.DynamicBytes
) -> pt.Expr:
    return output.set(hash_chain(seed.get(), rounds.get()))


@hasher.external
def topped_up(
    seed: pt.abi.DynamicBytes, rounds: pt.abi.Uint64, *, output: pt.abi.DynamicBytes
) -> pt.Expr:
    return pt.Seq(
        pt.OpUp(pt.OpUpMode.OnCall).ensure_budget(
            rounds.get() * pt.Int(140) + pt.Int(200), pt.OpUpFeeSource.GroupCredit
        ),
        output.set(hash_chain(seed.get(), rounds.get())),
    )


@hasher.external(read_only=True)
def noop() -> pt.Expr:
    return pt.Approve()


def expected(seed: bytes, rounds: int) -> bytes:
    from Cryptodome.Hash import keccak

    value = seed
    for _ in range(rounds):
        value = keccak.new(data=value, digest_bits=256).digest()
    return value


@pytest.fixture(scope="module")
def client(algod: AlgodClient, network) -> ApplicationClient:
    account = network.new_account(10_000_000, funder=network.dev_accounts()[0])
    app_client = beaker_client(algod, hasher, account)
    app_client.create()
    return app_client


def test_without_a_top_up_the_method_runs_out_of_budget(client: ApplicationClient) -> None:
    assert bytes(client.call("plain", seed=b"x", rounds=2).return_value) == expected(b"x", 2)
    with pytest.raises(Exception, match="dynamic cost budget exceeded|budget"):
        client.call("plain", seed=b"x", rounds=ROUNDS)


def test_opup_inner_calls_buy_the_budget(client: ApplicationClient, algod: AlgodClient) -> None:
    inner_calls = (ROUNDS * 140 + 200) // 700 + 1
    result = client.call(
        "topped_up",
        seed=b"seed",
        rounds=ROUNDS,
        suggested_params=covering(algod, 1 + inner_calls),
    )
    assert bytes(result.return_value) == expected(b"seed", ROUNDS)
    inner = algod.pending_transaction_info(result.tx_id)["inner-txns"]
    assert len(inner) >= ROUNDS * 140 // 700
    # each op-up created a throwaway app and deleted it at once
    assert all(txn["txn"]["txn"]["apan"] == 5 for txn in inner)
    assert all(txn.get("application-index", 0) > 0 for txn in inner)
    for txn in inner:
        with pytest.raises(AlgodHTTPError) as info:
            algod.application_info(txn["application-index"])
        assert info.value.code == 404


def test_grouped_noop_calls_pool_their_budget(client: ApplicationClient) -> None:
    atc = AtomicTransactionComposer()
    rounds = 30  # ~4,000: needs six pooled 700s
    for i in range(6):
        client.add_method_call(atc, "noop", note=i.to_bytes(1, "big"))
    client.add_method_call(atc, "plain", seed=b"pool", rounds=rounds)
    result = client.execute_atc(atc)
    assert bytes(result.abi_results[-1].return_value) == expected(b"pool", rounds)
