"""The GNodeFactory's registry record: its one definition, its on-chain layout, its box reads.

Box b"g" + alias holds a GNode's record, the ABI encoding of `RECORD_FIELDS`; box b"v" +
validator address holds that validator's alias. The contract builds its PyTeal record type from
the same `RECORD_FIELDS`, and its in-place updates use `static_offset`, so the layout is written
down here only. Reading needs algod and nothing else (no PyTeal, no Beaker).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from algosdk import encoding
from algosdk.abi import ABIType
from algosdk.error import AlgodHTTPError
from algosdk.v2client.algod import AlgodClient

from gridworks.identity.certificates import Slot
from gridworks.identity.roles import GNodeRole
from gridworks.identity.status import GNodeStatus

RECORD_FIELDS: tuple[tuple[str, str], ...] = (
    ("role", "uint8"),  # GNodeRole.code
    ("status", "uint8"),  # GNodeStatus.code
    ("alias", "string"),
    ("parent", "string"),
    ("primary_cert", "uint64"),  # ValidatorCert or TaDeed
    ("trading_rights", "uint64"),
    ("scada_cert", "uint64"),
    ("owner", "address"),  # the validator, or the deed owner
    ("trader", "address"),
    ("scada", "address"),
)
"""The record's fields in order, with their ABI types."""

RECORD_ABI = "(" + ",".join(abi for _, abi in RECORD_FIELDS) + ")"
RECORD = ABIType.from_string(RECORD_ABI)

RECORD_PREFIX = b"g"
VALIDATOR_PREFIX = b"v"

RECORD_CREATED = b"gwr+"
"""The log prefix of a record-created event: the factory wrote a new record box."""
RECORD_UPDATED = b"gwr~"
"""The log prefix of a record-updated event: the factory changed an existing record box."""
RECORD_EVENTS = (RECORD_CREATED, RECORD_UPDATED)
"""Every GNodeFactory app call that writes a record box logs, after the write, one event per
box written: the 4-byte prefix, the box key's length (uint16, big-endian), the key (b"g" +
alias), then the whole record as it now is. Records are never deleted, so there is no
deletion event. `gridworks.identity.history` reads them back from blocks."""
ZERO_ADDRESS = encoding.encode_address(bytes(32))

_HEAD_BYTES = {"uint8": 1, "uint64": 8, "address": 32, "string": 2}  # a string's head: its offset


def static_offset(name: str) -> int:
    """Where field `name` (or, for a string, its 2-byte offset) starts in an encoded record."""
    offset = 0
    for field, abi in RECORD_FIELDS:
        if field == name:
            return offset
        offset += _HEAD_BYTES[abi]
    raise KeyError(name)


HEAD_SIZE = sum(_HEAD_BYTES[abi] for _, abi in RECORD_FIELDS)
"""The record's fixed-size head; the two strings' bytes follow it."""


class RecordError(ValueError):
    """Bytes that are not a registry record (undecodable, an unknown role or status byte)."""


@dataclass(frozen=True)
class Record:
    """One registry record as the factory stores it."""

    role: GNodeRole
    status: GNodeStatus
    alias: str
    parent: str
    primary_cert: int
    trading_rights: int
    scada_cert: int
    owner: str
    trader: str
    scada: str

    @classmethod
    def decode(cls, raw: bytes) -> Record:
        try:
            return cls.from_values(RECORD.decode(raw))
        except Exception as error:  # algosdk raises bare errors of several kinds
            raise RecordError(f"undecodable ({type(error).__name__}: {error})") from error

    @classmethod
    def from_values(cls, values: list[Any]) -> Record:
        """A record from its decoded ABI tuple (as a `get_gnode` call returns it); ValueError
        for an unknown role or status byte."""
        return cls(GNodeRole.from_code(values[0]), GNodeStatus.from_code(values[1]), *values[2:])

    def encode(self) -> bytes:
        values = [getattr(self, name) for name, _ in RECORD_FIELDS]
        values[0], values[1] = self.role.code, self.status.code
        return bytes(RECORD.encode(values))

    def cert(self, slot: Slot) -> int:
        """The asset id in `slot` (0: none, or revoked)."""
        return (self.primary_cert, self.trading_rights, self.scada_cert)[slot - 1]

    def holder(self, slot: Slot) -> str:
        """The address `slot`'s certificate is delivered to (the zero address: nobody)."""
        return (self.owner, self.trader, self.scada)[slot - 1]


def record_key(alias: str) -> bytes:
    return RECORD_PREFIX + alias.encode()


def validator_key(address: str) -> bytes:
    return VALIDATOR_PREFIX + encoding.decode_address(address)


def record_size(alias: str, parent: str) -> int:
    """The size of an encoded record, which depends only on its two strings."""
    zero = ZERO_ADDRESS
    return len(RECORD.encode([0, 0, alias, parent, 0, 0, 0, zero, zero, zero]))


# ---- reading the registry's boxes ------------------------------------------------------------


def read_box(algod: AlgodClient, app_id: int, key: bytes) -> bytes | None:
    """The value of the app's box `key`, or None if there is none. Other errors propagate."""
    try:
        box = algod.application_box_by_name(app_id, key)
    except AlgodHTTPError as error:
        if error.code == 404:
            return None
        raise
    assert isinstance(box, dict)
    return base64.b64decode(box["value"])


def record_keys(algod: AlgodClient, app_id: int) -> Iterator[bytes]:
    """The names of the app's registry-record boxes, in byte order."""
    listing = algod.application_boxes(app_id)
    assert isinstance(listing, dict)
    names = sorted(base64.b64decode(box["name"]) for box in listing.get("boxes", []))
    return (name for name in names if name.startswith(RECORD_PREFIX))
