"""Beaker state through its client: global and local values, reserved (dynamic-key) state,
opt-in, close-out and clear state, read back over algod's REST API."""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
import pyteal as pt
import pytest
from algosdk import encoding
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient
from beaker import (
    Application,
    GlobalStateValue,
    LocalStateValue,
    ReservedGlobalStateValue,
    ReservedLocalStateValue,
)
from beaker.client import ApplicationClient
from clients_helpers import beaker_client


class ScoreState:
    total = GlobalStateValue(stack_type=pt.TealType.uint64, default=pt.Int(0))
    title = GlobalStateValue(stack_type=pt.TealType.bytes, default=pt.Bytes("scores"))
    labels = ReservedGlobalStateValue(stack_type=pt.TealType.bytes, max_keys=4)
    nick = LocalStateValue(stack_type=pt.TealType.bytes, default=pt.Bytes("anon"))
    plays = LocalStateValue(stack_type=pt.TealType.uint64)
    scores = ReservedLocalStateValue(stack_type=pt.TealType.uint64, max_keys=3)


scores = Application("Scores", state=ScoreState())


@scores.create(bare=True)
def create() -> pt.Expr:
    return scores.initialize_global_state()


@scores.opt_in(bare=True)
def opt_in() -> pt.Expr:
    return scores.initialize_local_state()


@scores.close_out(bare=True)
def close_out() -> pt.Expr:
    return scores.state.total.decrement(scores.state.plays[pt.Txn.sender()].get())


@scores.clear_state
def clear_state() -> pt.Expr:
    # clear state cannot be refused; it still runs and may write global state
    return scores.state.labels[pt.Bytes("cleared")].set(pt.Txn.sender())


@scores.external
def label(key: pt.abi.String, value: pt.abi.String) -> pt.Expr:
    return scores.state.labels[key.get()].set(value.get())


@scores.external
def unlabel(key: pt.abi.String) -> pt.Expr:
    return scores.state.labels[key.get()].delete()


@scores.external
def play(level: pt.abi.Uint8, points: pt.abi.Uint64, *, output: pt.abi.Uint64) -> pt.Expr:
    sender = pt.Txn.sender()
    return pt.Seq(
        scores.state.scores[pt.Itob(level.get())][sender].set(points.get()),
        scores.state.plays[sender].increment(),
        scores.state.total.increment(),
        output.set(scores.state.plays[sender]),
    )


@scores.external
def rename(nick: pt.abi.String) -> pt.Expr:
    return scores.state.nick[pt.Txn.sender()].set(nick.get())


@scores.external(read_only=True)
def score_of(account: pt.abi.Account, level: pt.abi.Uint8, *, output: pt.abi.Uint64) -> pt.Expr:
    return output.set(scores.state.scores[pt.Itob(level.get())][account.address()])


@pytest.fixture
def owner(algod: AlgodClient, account_factory) -> ApplicationClient:
    client = beaker_client(algod, scores, account_factory())
    client.create()
    return client


def test_the_app_is_created_with_its_schema_and_default_global_state(
    owner: ApplicationClient, algod: AlgodClient
) -> None:
    params = algod.application_info(owner.app_id)["params"]
    assert params["global-state-schema"] == {"num-uint": 1, "num-byte-slice": 5}
    assert params["local-state-schema"] == {"num-uint": 4, "num-byte-slice": 1}
    assert owner.get_global_state() == {"total": 0, "title": "scores"}


def test_reserved_global_state_is_set_and_deleted(owner: ApplicationClient) -> None:
    owner.call("label", key="gold", value="first")
    owner.call("label", key="silver", value="second")
    assert owner.get_global_state() == {
        "total": 0,
        "title": "scores",
        "labelsgold": "first",  # reserved keys carry the attribute name as their prefix
        "labelssilver": "second",
    }
    owner.call("unlabel", key="gold")
    assert "labelsgold" not in owner.get_global_state()


def test_opt_in_initialises_local_state_and_calls_update_it(
    owner: ApplicationClient, algod: AlgodClient, account_factory
) -> None:
    player = owner.prepare(signer=(acct := account_factory()).signer, sender=acct.address)
    player.opt_in()
    assert player.get_local_state() == {"nick": "anon", "plays": 0}
    assert player.call("play", level=1, points=700).return_value == 1
    assert player.call("play", level=2, points=90).return_value == 2
    player.call("rename", nick="ace")
    assert player.get_local_state() == {
        "nick": "ace",
        "plays": 2,
        "scores" + "\x00" * 7 + "\x01": 700,
        "scores" + "\x00" * 7 + "\x02": 90,
    }
    raw = player.get_local_state(raw=True)
    assert raw[b"scores" + (1).to_bytes(8, "big")] == 700
    assert owner.get_global_state()["total"] == 2
    assert owner.call("score_of", account=acct.address, level=2).return_value == 90
    local = algod.account_application_info(acct.address, owner.app_id)["app-local-state"]
    assert local["schema"] == {"num-uint": 4, "num-byte-slice": 1}


def test_close_out_runs_the_app_and_removes_local_state(
    owner: ApplicationClient, algod: AlgodClient, account_factory
) -> None:
    acct = account_factory()
    player = owner.prepare(signer=acct.signer, sender=acct.address)
    player.opt_in()
    player.call("play", level=1, points=5)
    player.call("play", level=1, points=6)
    assert owner.get_global_state()["total"] == 2
    player.close_out()
    assert owner.get_global_state()["total"] == 0
    with pytest.raises(AlgodHTTPError) as info:
        algod.account_application_info(acct.address, owner.app_id)
    assert info.value.code == 404
    assert algod.account_info(acct.address)["apps-local-state"] == []


def test_clear_state_removes_local_state_and_keeps_global_writes(
    owner: ApplicationClient, algod: AlgodClient, account_factory
) -> None:
    acct = account_factory()
    player = owner.prepare(signer=acct.signer, sender=acct.address)
    player.opt_in()
    player.call("play", level=3, points=1)
    player.clear_state()
    assert algod.account_info(acct.address)["apps-local-state"] == []
    state = owner.get_global_state(raw=True)
    assert state[b"labelscleared"] == encoding.decode_address(acct.address)
    assert state[b"total"] == 1


def test_a_call_before_opt_in_is_refused(owner: ApplicationClient, account_factory) -> None:
    acct = account_factory()
    stranger = owner.prepare(signer=acct.signer, sender=acct.address)
    with pytest.raises(Exception, match="not opted in|logic eval error"):
        stranger.call("play", level=1, points=1)
