"""Decoding signed transactions from the wire into typed, checked objects.

Every field is checked for its type as it is read, so a malformed transaction is refused with the
name of the offending field before any state is looked at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgpack

from ..encoding import ZERO_ADDRESS, canonicalize, encode_txid, hash_obj, sha512_256
from .errors import DecodeError
from .records import AssetParamsFields

U64_MAX = 2**64 - 1

Check = Callable[[str, Any], Any]


def _u64(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= U64_MAX:
        raise DecodeError(f"msgpack decode error: {name}: expected an unsigned 64-bit integer")
    return value


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise DecodeError(f"msgpack decode error: {name}: expected a boolean")
    return value


def _bytes(name: str, value: Any) -> bytes:
    if not isinstance(value, bytes):
        raise DecodeError(f"msgpack decode error: {name}: expected binary data")
    return value


def _fixed(size: int) -> Check:
    def check(name: str, value: Any) -> bytes:
        data = _bytes(name, value)
        if len(data) != size:
            raise DecodeError(
                f"msgpack decode error: {name}: expected {size} bytes, got {len(data)}"
            )
        return data

    return check


def _str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise DecodeError(f"msgpack decode error: {name}: expected a string")
    return value


_b32 = _fixed(32)
_b64 = _fixed(64)


def _list_of(check: Check) -> Check:
    def parse(name: str, value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise DecodeError(f"msgpack decode error: {name}: expected an array")
        return tuple(check(f"{name}[{i}]", item) for i, item in enumerate(value))

    return parse


def _schema(name: str, value: Any) -> tuple[int, int]:
    """A state schema {nui, nbs}: (uints, byte slices)."""
    if not isinstance(value, dict) or set(value) - {"nui", "nbs"}:
        raise DecodeError(f"msgpack decode error: {name}: expected a schema {{nui, nbs}}")
    return _u64(f"{name}.nui", value.get("nui", 0)), _u64(f"{name}.nbs", value.get("nbs", 0))


def _box_ref(name: str, value: Any) -> tuple[int, bytes]:
    """A box reference {i, n}: (index into foreign apps, 0 = the called app; box name)."""
    if not isinstance(value, dict) or set(value) - {"i", "n"}:
        raise DecodeError(f"msgpack decode error: {name}: expected a box reference {{i, n}}")
    return _u64(f"{name}.i", value.get("i", 0)), _bytes(f"{name}.n", value.get("n", b""))


@dataclass(frozen=True, slots=True)
class HeartbeatProof:
    """A one-time signature by the account's participation key (go: crypto.HeartbeatProof):
    `sig` by `pk` over the seed, `pk` signed by `pk2` (`pk1_sig`, for the batch and offset),
    `pk2` signed by the vote key (`pk2_sig`, for the batch)."""

    sig: bytes = bytes(64)
    pk: bytes = ZERO_ADDRESS
    pk2: bytes = ZERO_ADDRESS
    pk1_sig: bytes = bytes(64)
    pk2_sig: bytes = bytes(64)

    def is_empty(self) -> bool:
        return self == HeartbeatProof()


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """The `hb` fields of a heartbeat transaction (consensus v40+): an online account shows
    its participation key is alive (go: HeartbeatTxnFields)."""

    address: bytes = ZERO_ADDRESS
    proof: HeartbeatProof = HeartbeatProof()
    seed: bytes = ZERO_ADDRESS
    vote_id: bytes = ZERO_ADDRESS
    key_dilution: int = 0
    challenge_discount: bool = False


def _table(table: dict[str, tuple[str, Check]], name: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DecodeError(f"msgpack decode error: {name}: expected a map")
    out: dict[str, Any] = {}
    for key, item in value.items():
        spec = table.get(key) if isinstance(key, str) else None
        if spec is None:
            raise DecodeError(f"msgpack decode error: {name}: unknown field {key!r}")
        out[spec[0]] = spec[1](f"{name}.{key}", item)
    return out


_PROOF_FIELDS: dict[str, tuple[str, Check]] = {
    "s": ("sig", _b64),
    "p": ("pk", _b32),
    "p2": ("pk2", _b32),
    "p1s": ("pk1_sig", _b64),
    "p2s": ("pk2_sig", _b64),
}


def _proof(name: str, value: Any) -> HeartbeatProof:
    return HeartbeatProof(**_table(_PROOF_FIELDS, name, value))


_HEARTBEAT_FIELDS: dict[str, tuple[str, Check]] = {
    "a": ("address", _b32),
    "prf": ("proof", _proof),
    "sd": ("seed", _b32),
    "vid": ("vote_id", _b32),
    "kd": ("key_dilution", _u64),
    "c": ("challenge_discount", _bool),
}


def _heartbeat(name: str, value: Any) -> Heartbeat:
    return Heartbeat(**_table(_HEARTBEAT_FIELDS, name, value))


# wire key -> (attribute, check). One table per object; unknown keys are refused.
TXN_FIELDS: dict[str, tuple[str, Check]] = {
    "type": ("type", _str),
    "snd": ("sender", _b32),
    "fee": ("fee", _u64),
    "fv": ("first_valid", _u64),
    "lv": ("last_valid", _u64),
    "note": ("note", _bytes),
    "gen": ("genesis_id", _str),
    "gh": ("genesis_hash", _b32),
    "grp": ("group", _b32),
    "lx": ("lease", _b32),
    "rekey": ("rekey_to", _b32),
    "rcv": ("receiver", _b32),
    "amt": ("amount", _u64),
    "close": ("close_remainder_to", _b32),
    "votekey": ("vote_pk", _b32),
    "selkey": ("selection_pk", _b32),
    "sprfkey": ("state_proof_pk", _b64),
    "votefst": ("vote_first", _u64),
    "votelst": ("vote_last", _u64),
    "votekd": ("vote_key_dilution", _u64),
    "nonpart": ("nonparticipation", _bool),
    "caid": ("config_asset", _u64),
    "xaid": ("xfer_asset", _u64),
    "aamt": ("asset_amount", _u64),
    "asnd": ("asset_sender", _b32),
    "arcv": ("asset_receiver", _b32),
    "aclose": ("asset_close_to", _b32),
    "faid": ("freeze_asset", _u64),
    "fadd": ("freeze_account", _b32),
    "afrz": ("asset_frozen", _bool),
    "apid": ("application_id", _u64),
    "apan": ("on_completion", _u64),
    "apaa": ("app_args", _list_of(_bytes)),
    "apat": ("accounts", _list_of(_b32)),
    "apfa": ("foreign_apps", _list_of(_u64)),
    "apas": ("foreign_assets", _list_of(_u64)),
    "apbx": ("boxes", _list_of(_box_ref)),
    "apgs": ("global_schema", _schema),
    "apls": ("local_schema", _schema),
    "apep": ("extra_program_pages", _u64),
    "apap": ("approval_program", _bytes),
    "apsu": ("clear_state_program", _bytes),
    "aprv": ("reject_version", _u64),
    "hb": ("heartbeat", _heartbeat),
}

ASSET_PARAM_FIELDS: dict[str, tuple[str, Check]] = {
    "t": ("total", _u64),
    "dc": ("decimals", _u64),
    "df": ("default_frozen", _bool),
    "un": ("unit_name", _str),
    "an": ("asset_name", _str),
    "au": ("url", _str),
    "am": ("metadata_hash", _bytes),
    "m": ("manager", _b32),
    "r": ("reserve", _b32),
    "f": ("freeze", _b32),
    "c": ("clawback", _b32),
}

TXN_TYPES = ("pay", "keyreg", "acfg", "axfer", "afrz", "appl", "hb")
NOT_YET_SUPPORTED_TYPES = {"stpf": "state proofs"}

# Keys whose binary value is an address (rendered as base32 in algod's JSON).
ADDRESS_KEYS = frozenset(
    {
        "snd",
        "rcv",
        "close",
        "rekey",
        "asnd",
        "arcv",
        "aclose",
        "fadd",
        "m",
        "r",
        "f",
        "c",
        "sgnr",
        "apat",
    }
)


def _fields(obj: Any, table: dict[str, tuple[str, Check]], where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise DecodeError(f"msgpack decode error: {where}: expected a map")
    out: dict[str, Any] = {}
    for key, value in obj.items():
        spec = table.get(key) if isinstance(key, str) else None
        if spec is None:
            raise DecodeError(f"msgpack decode error: {where}: unknown field {key!r}")
        attr, check = spec
        out[attr] = check(f"{where}.{key}", value)
    return out


@dataclass(slots=True)
class Transaction:
    """One transaction's fields with their zero values as defaults."""

    raw: dict[str, Any]
    message: bytes  # b"TX" + canonical msgpack: what is signed and hashed into the txid
    txid_digest: bytes
    txid: str
    type: str = ""
    sender: bytes = ZERO_ADDRESS
    fee: int = 0
    first_valid: int = 0
    last_valid: int = 0
    note: bytes = b""
    genesis_id: str = ""
    genesis_hash: bytes = ZERO_ADDRESS
    group: bytes = ZERO_ADDRESS
    lease: bytes = ZERO_ADDRESS
    rekey_to: bytes = ZERO_ADDRESS
    receiver: bytes = ZERO_ADDRESS
    amount: int = 0
    close_remainder_to: bytes = ZERO_ADDRESS
    vote_pk: bytes = ZERO_ADDRESS
    selection_pk: bytes = ZERO_ADDRESS
    state_proof_pk: bytes = b""
    vote_first: int = 0
    vote_last: int = 0
    vote_key_dilution: int = 0
    nonparticipation: bool = False
    config_asset: int = 0
    asset_params: AssetParamsFields | None = None
    xfer_asset: int = 0
    asset_amount: int = 0
    asset_sender: bytes = ZERO_ADDRESS
    asset_receiver: bytes = ZERO_ADDRESS
    asset_close_to: bytes = ZERO_ADDRESS
    freeze_asset: int = 0
    freeze_account: bytes = ZERO_ADDRESS
    asset_frozen: bool = False
    application_id: int = 0
    on_completion: int = 0
    app_args: tuple[bytes, ...] = ()
    accounts: tuple[bytes, ...] = ()
    foreign_apps: tuple[int, ...] = ()
    foreign_assets: tuple[int, ...] = ()
    boxes: tuple[tuple[int, bytes], ...] = ()
    global_schema: tuple[int, int] = (0, 0)
    local_schema: tuple[int, int] = (0, 0)
    extra_program_pages: int = 0
    approval_program: bytes = b""
    clear_state_program: bytes = b""
    reject_version: int = 0  # v12+: fail if the app's version is at least this (0: never)
    heartbeat: Heartbeat | None = None  # hb

    # The AVM reads schemas field by field (txn GlobalNumUint ...).
    @property
    def global_num_uint(self) -> int:
        return self.global_schema[0]

    @property
    def global_num_byte_slice(self) -> int:
        return self.global_schema[1]

    @property
    def local_num_uint(self) -> int:
        return self.local_schema[0]

    @property
    def local_num_byte_slice(self) -> int:
        return self.local_schema[1]

    def digest_without_group(self) -> bytes:
        """The hash a group id is computed over: the transaction with its `grp` cleared."""
        if self.group == ZERO_ADDRESS:
            return self.txid_digest
        raw = dict(self.raw)
        raw.pop("grp", None)
        return hash_obj(b"TX", raw)


@dataclass(slots=True)
class MultisigSubsig:
    public_key: bytes
    signature: bytes = b""


@dataclass(slots=True)
class Multisig:
    version: int
    threshold: int
    subsigs: list[MultisigSubsig] = field(default_factory=list)


@dataclass(slots=True)
class LogicSig:
    """A logic signature: the program, its arguments, and for a delegated one the signature
    (or multisig) of the delegating account over `b"Program" + program`."""

    program: bytes
    args: tuple[bytes, ...] = ()
    sig: bytes = b""
    msig: Multisig | None = None
    lmsig: Multisig | None = None  # a multisig over b"MsigProgram" + its address + program


@dataclass(slots=True)
class SignedTransaction:
    txn: Transaction
    raw: dict[str, Any]
    sig: bytes = b""
    msig: Multisig | None = None
    lsig: LogicSig | None = None
    auth_addr: bytes = ZERO_ADDRESS

    @property
    def authorizer(self) -> bytes:
        """The account whose key must have signed: `sgnr` when given, else the sender."""
        return self.auth_addr if self.auth_addr != ZERO_ADDRESS else self.txn.sender


def parse_transaction(obj: Any) -> Transaction:
    if not isinstance(obj, dict):
        raise DecodeError("msgpack decode error: txn: expected a map")
    kind = obj.get("type")
    if kind is not None and not isinstance(kind, str):
        raise DecodeError("msgpack decode error: txn.type: expected a string")
    if kind in NOT_YET_SUPPORTED_TYPES:
        raise DecodeError(
            f"transaction type {kind!r} ({NOT_YET_SUPPORTED_TYPES[kind]}) is not supported by "
            "the embedded sandbox yet"
        )
    if kind not in TXN_TYPES:
        raise DecodeError(f"msgpack decode error: txn.type: unknown transaction type {kind!r}")
    apar = obj.get("apar")
    plain = {k: v for k, v in obj.items() if k != "apar"}
    values = _fields(plain, TXN_FIELDS, "txn")
    # apar is checked before the whole map is hashed (its keys must be known strings first)
    asset_params = (
        AssetParamsFields(**_fields(apar, ASSET_PARAM_FIELDS, "txn.apar"))
        if apar is not None
        else None
    )
    raw = canonicalize(obj)
    message = b"TX" + msgpack.packb(raw, use_bin_type=True)
    digest = sha512_256(message)
    txn = Transaction(
        raw=raw, message=message, txid_digest=digest, txid=encode_txid(digest), **values
    )
    txn.asset_params = asset_params
    return txn


def _parse_msig(obj: Any, where: str) -> Multisig:
    if not isinstance(obj, dict):
        raise DecodeError(f"msgpack decode error: {where}: expected a map")
    unknown = set(obj) - {"v", "thr", "subsig"}
    if unknown:
        raise DecodeError(f"msgpack decode error: {where}: unknown field {sorted(unknown)[0]!r}")
    subsigs_raw = obj.get("subsig", [])
    if not isinstance(subsigs_raw, list):
        raise DecodeError(f"msgpack decode error: {where}.subsig: expected an array")
    subsigs = []
    for index, item in enumerate(subsigs_raw):
        if not isinstance(item, dict) or set(item) - {"pk", "s"}:
            raise DecodeError(f"msgpack decode error: {where}.subsig[{index}]: expected {{pk, s}}")
        subsigs.append(
            MultisigSubsig(
                _b32(f"{where}.subsig[{index}].pk", item.get("pk", b"")),
                _b64(f"{where}.subsig[{index}].s", item["s"]) if "s" in item else b"",
            )
        )
    return Multisig(
        version=_u64(f"{where}.v", obj.get("v", 0)),
        threshold=_u64(f"{where}.thr", obj.get("thr", 0)),
        subsigs=subsigs,
    )


def _parse_lsig(obj: Any) -> LogicSig:
    if not isinstance(obj, dict):
        raise DecodeError("msgpack decode error: lsig: expected a map")
    unknown = set(obj) - {"l", "arg", "sig", "msig", "lmsig"}
    if unknown:
        raise DecodeError(
            f"msgpack decode error: lsig: unknown field {sorted(map(str, unknown))[0]!r}"
        )
    args = obj.get("arg", [])
    if not isinstance(args, list):
        raise DecodeError("msgpack decode error: lsig.arg: expected an array")
    return LogicSig(
        program=_bytes("lsig.l", obj.get("l", b"")),
        args=tuple(_bytes(f"lsig.arg[{i}]", arg) for i, arg in enumerate(args)),
        sig=_b64("lsig.sig", obj["sig"]) if "sig" in obj else b"",
        msig=_parse_msig(obj["msig"], "lsig.msig") if "msig" in obj else None,
        lmsig=_parse_msig(obj["lmsig"], "lsig.lmsig") if "lmsig" in obj else None,
    )


def parse_signed_transaction(obj: Any) -> SignedTransaction:
    if not isinstance(obj, dict):
        raise DecodeError("msgpack decode error: expected a signed transaction map")
    unknown = set(obj) - {"sig", "msig", "lsig", "sgnr", "txn"}
    if unknown:
        raise DecodeError(f"msgpack decode error: unknown field {sorted(map(str, unknown))[0]!r}")
    if "txn" not in obj:
        raise DecodeError("msgpack decode error: signed transaction has no txn field")
    txn = parse_transaction(obj["txn"])
    lsig = _parse_lsig(obj["lsig"]) if "lsig" in obj else None
    raw = canonicalize({key: value for key, value in obj.items() if key != "txn"})
    raw["txn"] = txn.raw
    stxn = SignedTransaction(
        txn=txn,
        raw=dict(sorted(raw.items())),
        sig=_b64("sig", obj["sig"]) if "sig" in obj else b"",
        msig=_parse_msig(obj["msig"], "msig") if "msig" in obj else None,
        lsig=lsig,
        auth_addr=_b32("sgnr", obj["sgnr"]) if "sgnr" in obj else ZERO_ADDRESS,
    )
    return stxn


def decode_signed_transactions(data: bytes) -> list[SignedTransaction]:
    """Concatenated msgpack signed transactions, as POSTed to /v2/transactions."""
    if not data:
        raise DecodeError("msgpack decode error: empty request body")
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False, max_buffer_size=len(data) + 1)
    unpacker.feed(data)
    out: list[SignedTransaction] = []
    try:
        for obj in unpacker:
            out.append(parse_signed_transaction(obj))
    except DecodeError:
        raise
    except Exception as exc:  # msgpack's own errors: truncated, bad type byte, bad UTF-8 ...
        raise DecodeError(f"msgpack decode error: {exc}") from None
    if unpacker.tell() != len(data):
        raise DecodeError(
            f"msgpack decode error: truncated or trailing bytes at offset {unpacker.tell()}"
        )
    if not out:
        raise DecodeError("msgpack decode error: no transactions in request body")
    return out
