"""Signed envelopes: the wire layout, domain separation, and a strict parser that never lets a
bare exception escape."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field

import pytest
from algosdk import account, transaction, util
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridworks.identity.envelope import (
    DOMAIN_PREFIX,
    MAX_DEPTH,
    MAX_MESSAGE_BYTES,
    SignedEnvelope,
    parse,
    seal,
    wire_of,
)
from gridworks.identity.rejection import EnvelopeError, RejectReason
from gridworks.sandbox import ed25519

GENESIS = base64.b64encode(os.urandom(32)).decode()

# go-algorand's protocol.HashID values (protocol/hash.go, v3.27): every domain Algorand signs
ALGORAND_HASH_IDS = (
    "appID arc aB aD aO aP aS AS B256 BH BR CR GE KP MA MB MX NIC NIR NIV NPR OT1 OT2 PF PL "
    "Program ProgData PS PK SD SpecialAddr STIB spc spm spp sps spv TE TG TL TX VO"
).split()


@dataclass
class Key:
    """A throwaway account made at run time."""

    private_key: str = field(repr=False)
    address: str

    @classmethod
    def new(cls) -> Key:
        private, address = account.generate_account()
        return cls(private, address)

    @property
    def seed(self) -> bytes:
        return base64.b64decode(self.private_key)[:32]

    def sign(self, data: bytes) -> bytes:
        return ed25519.sign(self.seed, data)


def make(key: Key | None = None, **overrides: object) -> SignedEnvelope:
    args: dict = dict(
        message_type="gridworks.telemetry",
        payload={"watts": 1200, "about": "d1.isone.ver.keene.holly.ta"},
        source="d1.isone.ver.keene.holly.scada",
        destination="d1.isone.ver.keene.holly",
        genesis_hash=GENESIS,
    )
    args.update(overrides)
    return seal(key or Key.new(), **args)


def reason_of(wire: bytes, **kwargs: int) -> RejectReason:
    with pytest.raises(EnvelopeError) as info:
        parse(wire, **kwargs)
    assert info.value.detail
    return info.value.reason


def rewrap(envelope: SignedEnvelope, message_text: str) -> bytes:
    """The same signature around other message bytes."""
    return wire_of(envelope.signature, message_text.encode())


# ---- layout and signing ------------------------------------------------------------------


def test_wire_is_signature_then_exact_signed_message_bytes() -> None:
    key = Key.new()
    env = make(key)
    wire = env.wire
    doc = json.loads(wire)
    assert list(doc) == ["signature", "message"]
    assert base64.b64decode(doc["signature"]) == env.signature
    assert doc["message"]["header"]["signer"] == key.address
    assert doc["message"]["payload"] == {"watts": 1200, "about": "d1.isone.ver.keene.holly.ta"}
    # the signature covers our prefix + the exact bytes of the "message" value on the wire
    start = wire.index(b'"message":') + len(b'"message":')
    assert wire[start:-1] == env.message_bytes
    public = bytes(util.encoding.decode_address(key.address))
    assert ed25519.verify(public, DOMAIN_PREFIX + env.message_bytes, env.signature)
    assert not ed25519.verify(public, env.message_bytes, env.signature)


def test_parse_round_trips_what_seal_made() -> None:
    env = make(ttl_ms=5_000, version=3)
    back = parse(env.wire)
    assert back == env
    assert back.header.version == 3
    assert back.header.expires_ms - back.header.created_ms == 5_000
    assert back.header.algorithm == "Ed25519"


def test_each_message_gets_a_new_id() -> None:
    key = Key.new()
    assert make(key).header.message_id != make(key).header.message_id


def test_domain_prefix_is_no_algorand_signing_domain() -> None:
    for hash_id in ALGORAND_HASH_IDS:
        assert not DOMAIN_PREFIX.startswith(hash_id.encode()), hash_id
        assert not hash_id.encode().startswith(DOMAIN_PREFIX[:1]), hash_id


def test_an_algosdk_data_signature_is_not_an_envelope_signature() -> None:
    key = Key.new()
    env = make(key)
    mx_signature = base64.b64decode(util.sign_bytes(env.message_bytes, key.private_key))
    public = bytes(util.encoding.decode_address(key.address))
    assert not ed25519.verify(public, DOMAIN_PREFIX + env.message_bytes, mx_signature)
    # and the envelope's signature is no algosdk data signature of the same bytes
    envelope_sig = base64.b64encode(env.signature).decode()
    assert not util.verify_bytes(env.message_bytes, envelope_sig, key.address)


def test_a_transaction_signature_is_not_an_envelope_signature() -> None:
    key = Key.new()
    params = transaction.SuggestedParams(
        fee=1000, first=1, last=100, gh=GENESIS, gen="sandnet-v1", flat_fee=True
    )
    txn = transaction.PaymentTxn(key.address, params, key.address, 0)
    stxn = txn.sign(key.private_key)
    public = bytes(util.encoding.decode_address(key.address))
    txn_bytes = base64.b64decode(util.encoding.msgpack_encode(txn))
    assert ed25519.verify(public, b"TX" + txn_bytes, base64.b64decode(stxn.signature))
    assert not ed25519.verify(public, DOMAIN_PREFIX + txn_bytes, base64.b64decode(stxn.signature))


# ---- strict parsing ----------------------------------------------------------------------


def test_too_large_is_refused_before_anything_else() -> None:
    env = make(payload={"blob": "x" * 2000})
    assert reason_of(env.wire, max_bytes=1000) is RejectReason.TOO_LARGE
    assert reason_of(b"\xff" * (MAX_MESSAGE_BYTES + 1)) is RejectReason.TOO_LARGE


def test_non_utf8_is_refused() -> None:
    env = make(payload={"note": "é"})
    bad = env.wire.replace("é".encode(), b"\xe9")
    assert reason_of(bad) is RejectReason.NOT_UTF8


@pytest.mark.parametrize("cut", [1, 10, 60, 120, 200])
def test_truncated_is_refused(cut: int) -> None:
    wire = make().wire
    assert reason_of(wire[: len(wire) - cut]) in (RejectReason.MALFORMED, RejectReason.NOT_UTF8)


def test_other_layouts_are_refused() -> None:
    env = make()
    doc = json.loads(env.wire)
    pretty = json.dumps(doc, indent=1).encode()
    reordered = json.dumps({"message": doc["message"], "signature": doc["signature"]}).encode()
    assert reason_of(pretty) is RejectReason.MALFORMED
    assert reason_of(reordered) is RejectReason.MALFORMED
    assert reason_of(b"") is RejectReason.MALFORMED
    assert reason_of(b"null") is RejectReason.MALFORMED
    assert reason_of(env.wire + b" ") is RejectReason.MALFORMED


def test_a_signature_that_is_not_base64_of_64_bytes_is_refused() -> None:
    env = make()
    sig_start = len(b'{"signature":"')
    bad_chars = env.wire[:sig_start] + b"!" * 88 + env.wire[sig_start + 88 :]
    short = (
        env.wire[:sig_start] + base64.b64encode(b"x" * 63) + b"AAAA" + env.wire[sig_start + 88 :]
    )
    assert reason_of(bad_chars) is RejectReason.MALFORMED
    assert reason_of(short) is RejectReason.MALFORMED


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t.replace('{"header":{', '{"header":{"type":"x",', 1),
        lambda t: t.replace('"payload":{', '"payload":{"watts":1,', 1),
        lambda t: t[:-1] + ',"payload":{}}',
    ],
    ids=["header", "payload", "top"],
)
def test_duplicate_keys_are_refused(mutate) -> None:  # type: ignore[no-untyped-def]
    env = make()
    assert reason_of(rewrap(env, mutate(env.message_bytes.decode()))) is (
        RejectReason.DUPLICATE_KEY
    )


def test_nan_and_deep_nesting_are_refused() -> None:
    env = make()
    text = env.message_bytes.decode()
    nan = text.replace('"watts":1200', '"watts":NaN')
    deep = text.replace('"watts":1200', '"watts":' + "[" * 50_000 + "]" * 50_000)
    assert reason_of(rewrap(env, nan)) is RejectReason.MALFORMED
    assert reason_of(rewrap(env, deep), max_bytes=200_000) is RejectReason.MALFORMED


@pytest.mark.parametrize(
    ("field_name", "value", "needle"),
    [
        ("version", "1", "version"),
        ("version", 0, "version"),
        ("message_id", "not-a-uuid", "message_id"),
        ("source", "D1.Holly", "source"),
        ("destination", "d1..x", "destination"),
        ("signer", "NOTANADDRESS", "signer"),
        ("genesis_hash", base64.b64encode(b"short").decode(), "genesis_hash"),
        ("created_ms", 1.5, "created_ms"),
        ("type", "Telemetry!", "type"),
        ("algorithm", None, "algorithm"),
    ],
)
def test_header_schema_errors_name_the_field(field_name: str, value: object, needle: str) -> None:
    env = make()
    message = json.loads(env.message_bytes)
    message["header"][field_name] = value
    with pytest.raises(EnvelopeError) as info:
        parse(rewrap(env, json.dumps(message, separators=(",", ":"))))
    assert info.value.reason is RejectReason.SCHEMA
    assert needle in info.value.detail


def test_missing_and_extra_header_fields_are_refused() -> None:
    env = make()
    message = json.loads(env.message_bytes)
    missing = json.loads(env.message_bytes)
    del missing["header"]["expires_ms"]
    message["header"]["public_key"] = "attacker-supplied"
    for doc, needle in ((missing, "expires_ms"), (message, "public_key")):
        with pytest.raises(EnvelopeError) as info:
            parse(rewrap(env, json.dumps(doc, separators=(",", ":"))))
        assert info.value.reason is RejectReason.SCHEMA
        assert needle in info.value.detail


def test_payload_must_be_an_object_and_message_must_have_exactly_two_parts() -> None:
    env = make()
    message = json.loads(env.message_bytes)
    listed = dict(message, payload=[1, 2])
    extra = dict(message, signature_key="x")
    assert reason_of(rewrap(env, json.dumps(listed))) is RejectReason.SCHEMA
    assert reason_of(rewrap(env, json.dumps(extra))) is RejectReason.MALFORMED
    assert reason_of(rewrap(env, "[]")) is RejectReason.MALFORMED


# ---- fuzzing -------------------------------------------------------------------------------

VALID = make().wire


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_only_ever_give_envelope_errors(junk: bytes) -> None:
    for candidate in (junk, VALID[:88] + junk, VALID[: len(VALID) // 2] + junk + b"}"):
        try:
            parse(candidate)
        except EnvelopeError as error:
            assert isinstance(error.reason, RejectReason)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data())
def test_mutated_envelopes_parse_or_give_envelope_errors(data: st.DataObject) -> None:
    wire = bytearray(VALID)
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(wire) - 1))
        action = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        if action == "flip":
            wire[position] ^= data.draw(st.integers(1, 255))
        elif action == "delete":
            del wire[position]
        else:
            wire.insert(position, data.draw(st.integers(0, 255)))
    try:
        env = parse(bytes(wire))
    except EnvelopeError:
        return
    assert isinstance(env, SignedEnvelope)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_any_json_as_message_gives_an_envelope_or_a_reason(value: object) -> None:
    env = make()
    text = json.dumps(value)
    try:
        parse(rewrap(env, text))
    except EnvelopeError as error:
        assert error.reason in RejectReason


# ---- one spelling per value (issue 10, defect 2) -------------------------------------------

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def spellings(text: str) -> list[str]:
    """Every base64 text that a lax decoder reads as the same bytes as `text`: the last
    character before the padding with its unused low bits set every way."""
    body = text.rstrip("=")
    padding = text[len(body) :]
    unused = {"==": 4, "=": 2, "": 0}[padding]
    last = _B64.index(body[-1])
    return [
        body[:-1] + _B64[(last & ~((1 << unused) - 1)) | low] + padding
        for low in range(1 << unused)
    ]


def test_only_the_canonical_signature_spelling_parses() -> None:
    env = make()
    canonical = base64.b64encode(env.signature).decode()
    others = [s for s in spellings(canonical) if s != canonical]
    assert len(others) == 15  # 64 bytes: 2 characters before "==", 4 unused bits
    for spelling in others:
        assert base64.b64decode(spelling) == env.signature  # what a lax decoder would take
        wire = env.wire.replace(canonical.encode(), spelling.encode(), 1)
        with pytest.raises(EnvelopeError) as info:
            parse(wire)
        assert info.value.reason is RejectReason.MALFORMED
        assert "canonical" in info.value.detail
    assert parse(env.wire) == env


def resigned(key: Key, envelope: SignedEnvelope, old: str, new: str) -> bytes:
    """`envelope` with `old` replaced by `new` in its message, signed again by `key`."""
    message = envelope.message_bytes.replace(old.encode(), new.encode(), 1)
    assert message != envelope.message_bytes
    return wire_of(key.sign(DOMAIN_PREFIX + message), message)


def test_only_the_canonical_genesis_hash_spelling_parses() -> None:
    key = Key.new()
    env = make(key)
    others = [s for s in spellings(GENESIS) if s != GENESIS]
    assert len(others) == 3  # 32 bytes: 3 characters before "=", 2 unused bits
    for spelling in others:
        with pytest.raises(EnvelopeError) as info:
            parse(resigned(key, env, GENESIS, spelling))  # signed: only the spelling is wrong
        assert info.value.reason is RejectReason.SCHEMA
        assert "genesis_hash" in info.value.detail and "canonical" in info.value.detail
    assert parse(env.wire).header.genesis_hash == GENESIS


def test_only_the_canonical_signer_address_spelling_parses() -> None:
    """An address's 58th character has 2 unused bits: algosdk accepts all 4 spellings."""
    key = Key.new()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    last = alphabet.index(key.address[-1])
    others = [key.address[:-1] + alphabet[(last & ~3) | low] for low in range(4)]
    others.remove(key.address)
    for spelling in others:
        assert util.encoding.is_valid_address(spelling)  # what a lax check would take
        with pytest.raises(EnvelopeError) as info:
            parse(resigned(key, make(key), key.address, spelling))
        assert info.value.reason is RejectReason.SCHEMA
        assert "signer" in info.value.detail and "canonical" in info.value.detail


def test_the_depth_limit_does_not_lean_on_the_recursion_limit() -> None:
    """A library may raise the interpreter's recursion limit (py_ecc does on import): the
    envelope still refuses a deep message, by its own bound."""
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    try:
        env = make()
        text = env.message_bytes.decode()
        over = text.replace(
            '"watts":1200', '"watts":' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
        )
        assert reason_of(rewrap(env, over)) is RejectReason.MALFORMED
    finally:
        sys.setrecursionlimit(saved)


def test_brackets_inside_strings_do_not_count_towards_the_depth() -> None:
    env = make()
    text = env.message_bytes.decode()
    deep_looking = "[" * (MAX_DEPTH * 2) + '\\"{' * MAX_DEPTH
    nested = '{"a":' * (MAX_DEPTH - 4) + '"' + deep_looking + '"' + "}" * (MAX_DEPTH - 4)
    at_limit = text.replace('"watts":1200', '"watts":1200,"note":' + nested)
    try:
        parse(rewrap(env, at_limit))
    except EnvelopeError as error:  # the signature no longer matches, say; never the depth
        assert "nests too deeply" not in str(error)


def test_importing_the_pairing_library_keeps_the_recursion_limit() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; before = sys.getrecursionlimit();"
            "import gridworks.sandbox.avm.pairing;"
            "assert sys.getrecursionlimit() == before, sys.getrecursionlimit()",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
