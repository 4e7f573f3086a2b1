"""Bytes that are not valid signed transactions, POSTed raw to /v2/transactions.

Each is refused with a 400 that names what is wrong, and leaves the ledger untouched. The
hypothesis tests throw random bytes, random msgpack maps and randomly filled-in, validly signed
transactions at the embedded sandbox: never a 5xx, and nothing refused ever changes the state
digest.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import msgpack
import pytest
from algosdk import encoding, transaction
from algosdk.atomic_transaction_composer import sign_transaction_with_signer
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from gridworks.sandbox import DevAccount, EmbeddedSandbox, Network
from gridworks.sandbox.encoding import canonicalize

FEE = 1_000

Factory = Callable[..., DevAccount]

TXN_KEYS = [
    "type", "snd", "fee", "fv", "lv", "note", "gen", "gh", "grp", "lx", "rekey", "rcv", "amt",
    "close", "votekey", "selkey", "sprfkey", "votefst", "votelst", "votekd", "nonpart", "caid",
    "apar", "xaid", "aamt", "asnd", "arcv", "aclose", "faid", "fadd", "afrz",
]  # fmt: skip
APAR_KEYS = ["t", "dc", "df", "un", "an", "au", "am", "m", "r", "f", "c"]
SIGNED_KEYS = ["sig", "msig", "lsig", "sgnr", "txn"]
TXN_TYPES = ["pay", "keyreg", "acfg", "axfer", "afrz", "appl", "stpf", "hb", "xyz", ""]


# helpers ------------------------------------------------------------------------------------


def seed_of(private_key: str) -> bytes:
    return base64.b64decode(private_key)[:32]


def payment(algod: AlgodClient, sender: str, receiver: str, amount: int) -> dict[str, Any]:
    """A payment as algod's msgpack map (short keys, zero values left out, keys sorted)."""
    params = algod.suggested_params()
    txn = {
        "type": "pay",
        "snd": encoding.decode_address(sender),
        "rcv": encoding.decode_address(receiver),
        "amt": amount,
        "fee": FEE,
        "fv": params.first,
        "lv": params.first + 100,
        "gh": base64.b64decode(params.gh),
        "gen": params.gen,
    }
    return dict(sorted(txn.items()))


def signed_bytes(txn: dict[str, Any], seed: bytes, **extra: Any) -> bytes:
    """Signs `txn` exactly as given (so malformed fields stay malformed) and packs it."""
    sig = SigningKey(seed).sign(b"TX" + msgpack.packb(txn, use_bin_type=True)).signature
    return msgpack.packb({"sig": sig, "txn": txn, **extra}, use_bin_type=True)


def post(algod: AlgodClient, data: bytes) -> tuple[int, str]:
    """POSTs raw bytes to /v2/transactions; (status, message)."""
    try:
        txid = algod.send_raw_transaction(base64.b64encode(data).decode())
    except AlgodHTTPError as exc:
        return exc.code, str(exc)
    return 200, txid


# one malformed thing at a time --------------------------------------------------------------


def test_the_hand_built_payment_is_accepted(algod: AlgodClient, account_factory: Factory) -> None:
    """The builder the other tests break: intact, it makes a valid payment."""
    alice, bob = account_factory(), account_factory()
    data = signed_bytes(
        payment(algod, alice.address, bob.address, 12_345), seed_of(alice.private_key)
    )
    status, _ = post(algod, data)
    assert status == 200
    assert algod.account_info(bob.address)["amount"] == 10_000_000 + 12_345


@pytest.mark.parametrize(
    "data",
    [b"\xc1", b"\xff\xff\xff", b"\x81\xa3txn", b"\x92\x01\x02", b"\x01", b"\xa3abc"],
    ids=["reserved-byte", "garbage", "map-cut-short", "array", "int", "string"],
)
def test_bytes_that_are_not_a_signed_transaction_are_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable, data: bytes
) -> None:
    alice = account_factory()
    with unchanged(alice.address):
        status, message = post(algod, data)
    assert status == 400
    assert "decode" in message.lower() or "expected" in message.lower()


def test_truncated_bytes_are_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob = account_factory(), account_factory()
    data = signed_bytes(payment(algod, alice.address, bob.address, 1), seed_of(alice.private_key))
    for cut in (1, 7, len(data) // 2):
        with unchanged(alice.address, bob.address):
            status, message = post(algod, data[:-cut])
        assert status == 400, cut
        assert "decode" in message.lower()


def test_an_empty_body_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice = account_factory()
    with unchanged(alice.address):
        status, message = post(algod, b"")
    assert status == 400
    assert "empty" in message.lower()


def test_an_unknown_transaction_field_is_refused_by_name(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob = account_factory(), account_factory()
    txn = payment(algod, alice.address, bob.address, 1)
    txn["zzfield"] = 1
    with unchanged(alice.address, bob.address):
        status, message = post(algod, signed_bytes(txn, seed_of(alice.private_key)))
    assert status == 400
    assert "zzfield" in message


def test_an_unknown_signed_transaction_field_is_refused_by_name(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob = account_factory(), account_factory()
    txn = payment(algod, alice.address, bob.address, 1)
    data = signed_bytes(txn, seed_of(alice.private_key), zzextra=b"x")
    with unchanged(alice.address, bob.address):
        status, message = post(algod, data)
    assert status == 400
    assert "zzextra" in message


def test_an_unknown_transaction_type_is_refused_by_name(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob = account_factory(), account_factory()
    txn = payment(algod, alice.address, bob.address, 1)
    txn["type"] = "zzpay"
    with unchanged(alice.address, bob.address):
        status, message = post(algod, signed_bytes(txn, seed_of(alice.private_key)))
    assert status == 400
    assert "zzpay" in message


@pytest.mark.parametrize(
    ("field", "value", "names"),
    [
        ("fee", "1000", ("fee",)),
        ("fee", -1, ("fee",)),
        ("amt", -5, ("amt", "amount")),
        ("fv", 1.5, ("fv", "firstvalid")),
        ("snd", bytes(31), ("snd", "sender")),
        ("rcv", bytes(33), ("rcv", "receiver")),
        ("gh", "not-a-hash", ("gh", "genesishash")),
        ("note", 7, ("note",)),
    ],
    ids=[
        "string-fee",
        "negative-fee",
        "negative-amount",
        "float-first-valid",
        "31-byte-sender",
        "33-byte-receiver",
        "string-genesis-hash",
        "int-note",
    ],
)
def test_a_field_of_the_wrong_type_is_refused_by_name(
    algod: AlgodClient,
    account_factory: Factory,
    unchanged: Callable,
    field: str,
    value: Any,
    names: tuple[str, ...],
) -> None:
    alice, bob = account_factory(), account_factory()
    txn = payment(algod, alice.address, bob.address, 1)
    txn[field] = value
    with unchanged(alice.address, bob.address):
        status, message = post(algod, signed_bytes(txn, seed_of(alice.private_key)))
    assert status == 400
    assert any(name in message.lower() for name in names), message


@pytest.mark.parametrize(
    ("patch", "named"),
    [
        ({"type": ["pay"]}, "txn.type: expected a string"),
        ({"type": "acfg", "apar": {"t": 1, 0: b"x"}}, "txn.apar: unknown field 0"),
        ({"type": "acfg", "apar": {"t": 1, "zz": 2}}, "txn.apar: unknown field 'zz'"),
    ],
    ids=["list-type", "int-key-in-apar", "unknown-apar-field"],
)
def test_junk_inside_fields_is_named_exactly(
    algod: AlgodClient,
    sandbox: EmbeddedSandbox,
    account_factory: Factory,
    unchanged: Callable,
    patch: dict[str, Any],
    named: str,
) -> None:
    """The embedded sandbox's own wording (algod names Go fields instead)."""
    alice, bob = account_factory(), account_factory()
    txn = payment(algod, alice.address, bob.address, 1)
    txn.update(patch)
    data = msgpack.packb({"sig": bytes(64), "txn": txn}, use_bin_type=True)
    with unchanged(alice.address, bob.address):
        status, message = post(algod, data)
    assert status == 400
    assert named in message


def test_a_signature_of_the_wrong_size_is_refused(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob = account_factory(), account_factory()
    txn = payment(algod, alice.address, bob.address, 1)
    data = msgpack.packb({"sig": bytes(63), "txn": txn}, use_bin_type=True)
    with unchanged(alice.address, bob.address):
        status, message = post(algod, data)
    assert status == 400
    assert "sig" in message.lower()


def test_a_valid_transaction_followed_by_garbage_is_refused_whole(
    algod: AlgodClient, account_factory: Factory, unchanged: Callable
) -> None:
    alice, bob = account_factory(), account_factory()
    data = signed_bytes(payment(algod, alice.address, bob.address, 1), seed_of(alice.private_key))
    with unchanged(alice.address, bob.address):
        status, _ = post(algod, data + b"\xc1")
    assert status == 400


# never a 5xx, never a change ----------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.binary(max_size=70),
    st.sampled_from([bytes(32), bytes(64), b"\x01" * 32, 0, 2**64 - 1, "pay", "acfg"]),
)
keys = st.one_of(
    st.sampled_from(TXN_KEYS + APAR_KEYS + SIGNED_KEYS + ["v", "thr", "subsig", "pk", "s", "l"]),
    st.text(max_size=6),
    st.integers(min_value=-5, max_value=5),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=12,
)
txn_maps = st.dictionaries(
    st.sampled_from(TXN_KEYS) | st.text(max_size=5),
    values | st.sampled_from(TXN_TYPES),
    max_size=12,
)
signed_maps = st.fixed_dictionaries(
    {"txn": txn_maps | values},
    optional={
        "sig": st.binary(min_size=64, max_size=64) | values,
        "msig": values,
        "lsig": values,
        "sgnr": st.binary(min_size=32, max_size=32) | values,
        "zz": values,
    },
)

FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def snapshot(sandbox: EmbeddedSandbox) -> tuple[int, str]:
    return sandbox.ledger.round, sandbox.ledger.state_digest()


def assert_refused_cleanly(algod: AlgodClient, sandbox: EmbeddedSandbox, data: bytes) -> None:
    before = snapshot(sandbox)
    status, message = post(algod, data)
    assert status == 400, (status, message)
    assert snapshot(sandbox) == before


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_are_refused_cleanly(
    algod: AlgodClient, sandbox: EmbeddedSandbox, data: bytes
) -> None:
    assert_refused_cleanly(algod, sandbox, data)


@FUZZ
@given(objects=st.lists(signed_maps | values, min_size=1, max_size=3))
def test_random_msgpack_maps_are_refused_cleanly(
    algod: AlgodClient, sandbox: EmbeddedSandbox, objects: list[Any]
) -> None:
    data = b"".join(msgpack.packb(obj, use_bin_type=True) for obj in objects)
    assert_refused_cleanly(algod, sandbox, data)


@pytest.fixture(scope="module")
def fuzzer(network: Network, dev_accounts: list[DevAccount]) -> tuple[DevAccount, DevAccount, int]:
    """This module's own accounts: the sender of the fuzzed transactions, and the one other
    account they may name; and an asset the sender holds every role of, the other opted in."""
    algod = network.algod
    me = network.new_account(100_000_000, funder=dev_accounts[0])
    other = network.new_account(1_000_000, funder=dev_accounts[0])
    create = transaction.AssetCreateTxn(
        me.address, algod.suggested_params(), total=1_000_000, decimals=0,
        default_frozen=False, manager=me.address, reserve=me.address, freeze=me.address,
        clawback=me.address, unit_name="FUZ",
    )  # fmt: skip
    txid = algod.send_transaction(sign_transaction_with_signer(create, me.signer))
    asset_id = transaction.wait_for_confirmation(algod, txid, 4)["asset-index"]
    opt_in = transaction.AssetOptInTxn(other.address, algod.suggested_params(), asset_id)
    txid = algod.send_transaction(sign_transaction_with_signer(opt_in, other.signer))
    transaction.wait_for_confirmation(algod, txid, 4)
    return me, other, asset_id


def typed_fields(me: bytes, other: bytes, asset_id: int) -> dict[str, st.SearchStrategy[Any]]:
    """Values of the right wire type for each field (so transactions get past decoding),
    with some junk mixed in."""
    addresses = st.sampled_from([me, other, bytes(32)]) | st.binary(min_size=32, max_size=32)
    u64 = (
        st.sampled_from([0, 1, 999, 1_000, 100_000, 2**64 - 1])
        | st.integers(0, 3_000)
        | st.sampled_from([asset_id, asset_id + 1])
        | st.integers(0, 2**64 - 1)
    )
    b32 = st.binary(min_size=32, max_size=32)
    apar = st.fixed_dictionaries(
        {},
        optional={
            "t": u64, "dc": st.integers(0, 25), "df": st.booleans(), "un": st.text(max_size=10),
            "an": st.text(max_size=34), "au": st.text(max_size=4), "am": st.binary(max_size=33),
            "m": addresses, "r": addresses, "f": addresses, "c": addresses,
        },
    )  # fmt: skip
    fields: dict[str, st.SearchStrategy[Any]] = {
        "type": st.sampled_from(["pay", "keyreg", "acfg", "axfer", "afrz"]),
        "snd": addresses, "rcv": addresses, "asnd": addresses, "arcv": addresses,
        "aclose": addresses, "fadd": addresses,
        "close": st.sampled_from([other, bytes(32), me]),
        "rekey": st.just(me),  # (a rekey elsewhere would lock the fuzzer out)
        "fee": u64, "fv": u64, "lv": u64, "amt": u64, "votefst": u64, "votelst": u64,
        "votekd": u64, "caid": u64, "xaid": u64, "aamt": u64, "faid": u64,
        "gh": b32, "grp": b32, "lx": b32, "votekey": b32, "selkey": b32,
        "sprfkey": st.binary(min_size=64, max_size=64), "note": st.binary(max_size=1_100),
        "gen": st.text(max_size=4), "nonpart": st.booleans(), "afrz": st.booleans(),
        "apar": apar,
    }  # fmt: skip
    return {
        key: strategy | values if key != "rekey" else strategy for key, strategy in fields.items()
    }


TYPE_FIELDS = {
    "pay": ["rcv", "amt", "close"],
    "keyreg": ["votekey", "selkey", "sprfkey", "votefst", "votelst", "votekd", "nonpart"],
    "acfg": ["caid", "apar"],
    "axfer": ["xaid", "aamt", "asnd", "arcv", "aclose"],
    "afrz": ["faid", "fadd", "afrz"],
}
HEADER_FIELDS = ["fee", "fv", "lv", "note", "lx", "gen", "rekey", "type", "gh", "grp", "snd"]


@FUZZ
@given(data=st.data())
def test_fuzzed_transactions_never_fail_the_server(
    algod: AlgodClient,
    sandbox: EmbeddedSandbox,
    fuzzer: tuple[DevAccount, DevAccount, int],
    data: st.DataObject,
) -> None:
    """Well-typed random transactions, validly signed by a funded account, get as deep as the
    ledger's rules: each is accepted (200) or refused (400) leaving the state exactly as it was."""
    me, other, asset_id = fuzzer
    fields = typed_fields(
        encoding.decode_address(me.address), encoding.decode_address(other.address), asset_id
    )
    kind = data.draw(st.sampled_from(sorted(TYPE_FIELDS)), label="kind")
    txn = payment(algod, me.address, other.address, 1_000)
    txn["type"] = kind
    if kind != "pay":
        del txn["rcv"], txn["amt"]
    chosen = data.draw(st.sets(st.sampled_from(TYPE_FIELDS[kind] + HEADER_FIELDS), max_size=5))
    for key in sorted(chosen):
        txn[key] = data.draw(fields[key], label=key)
    try:
        wire = canonicalize(txn)  # sign the bytes the node will hash, so signatures verify
    except TypeError:  # junk map keys that cannot be sorted: send as drawn
        wire = txn
    before = snapshot(sandbox)
    status, message = post(algod, signed_bytes(wire, seed_of(me.private_key)))
    assert status in (200, 400), (status, message)
    if status == 400:
        assert snapshot(sandbox) == before, message


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"type": "axfer", "aamt": 5, "arcv": "self"}, "asset ID cannot be zero"),
        ({"type": "afrz", "fadd": "self", "afrz": True}, "asset ID cannot be zero"),
        ({"type": "afrz", "faid": 1001}, "freeze account cannot be empty"),
    ],
)
def test_asset_transactions_without_their_asset_or_account_are_refused(
    algod: AlgodClient,
    account_factory: Factory,
    unchanged: Callable,
    fields: dict[str, Any],
    reason: str,
) -> None:
    who = account_factory()
    txn = payment(algod, who.address, who.address, 0)
    del txn["rcv"]
    me = encoding.decode_address(who.address)
    txn.update({k: (me if v == "self" else v) for k, v in fields.items()})
    with unchanged(who.address):
        status, message = post(
            algod, signed_bytes(dict(sorted(txn.items())), seed_of(who.private_key))
        )
    assert status == 400
    assert reason in message
