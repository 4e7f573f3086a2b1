"""The certificate NFTs' shared facts: kinds, unit names, the ARC-3 metadata binding an alias.

An ASA name holds at most 32 bytes, so a long alias cannot live in the name. Instead every
certificate's metadata hash is sha256 of a small ARC-3 JSON document that contains the FULL alias.
The factory computes that JSON on chain from the alias it has just validated (aliases are
lowercase alphanumerics and dots, so no JSON escaping is ever needed), and any contract or client
can check the binding by recomputing the hash: `arc3_metadata(kind, alias)` here and `arc3_json`
in PyTeal produce byte-identical documents.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import IntEnum

import pyteal as pt

MAX_ASSET_NAME = 32
MAX_ALIAS = 63  # a registry box key is b"g" + alias, and box keys hold at most 64 bytes
# the reserved last words of a TerminalAsset's and a Scada's alias (identity/roles.py
# ALIAS_LAST_WORD holds the same, tested equal): no validator alias may end in either
TA_WORD = "ta"
SCADA_WORD = "scada"


@dataclass(frozen=True)
class CertKind:
    name: str  # the ARC-3 "kind", also the certificate's name in the design
    unit: str  # the ASA unit name


VALIDATOR_CERT = CertKind("ValidatorCert", "VLDTR")
TA_DEED = CertKind("TaDeed", "TADEED")
TA_TRADING_RIGHTS = CertKind("TaTradingRights", "TATRADE")
SCADA_CERT = CertKind("ScadaCert", "SCADA")
CERT_KINDS: tuple[CertKind, ...] = (VALIDATOR_CERT, TA_DEED, TA_TRADING_RIGHTS, SCADA_CERT)


class Slot(IntEnum):
    """Which certificate of a registry record: selects the asset id and holder fields."""

    PRIMARY = 1  # ValidatorCert for a validator, TaDeed for a TerminalAsset
    TRADING = 2  # TaTradingRights
    SCADA = 3  # ScadaCert


class Role(IntEnum):
    """A registry record's role byte: the one place for the on-chain role values."""

    VALIDATOR = 1
    TERMINAL_ASSET = 2
    # not registered by the factory yet; a TerminalAsset may only sit under one of these
    ATOMIC_TNODE = 3
    ATOMIC_METERING_NODE = 4


# the roles a registered parent of a TerminalAsset may have (identity/roles.py PARENT_ROLES)
TERMINAL_ASSET_PARENT_ROLES: tuple[Role, ...] = (Role.ATOMIC_TNODE, Role.ATOMIC_METERING_NODE)


# which registry record (role) and which of its certificate slots holds each kind
CERT_PLACE: dict[CertKind, tuple[Role, Slot]] = {
    VALIDATOR_CERT: (Role.VALIDATOR, Slot.PRIMARY),
    TA_DEED: (Role.TERMINAL_ASSET, Slot.PRIMARY),
    TA_TRADING_RIGHTS: (Role.TERMINAL_ASSET, Slot.TRADING),
    SCADA_CERT: (Role.TERMINAL_ASSET, Slot.SCADA),
}


class Status(IntEnum):
    PENDING = 0
    ACTIVE = 1
    SUSPENDED = 2
    PERMANENTLY_DEACTIVATED = 3


# allowed[current] is a bit set of the statuses `set_status` may move to
ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PENDING: frozenset({Status.ACTIVE}),
    Status.ACTIVE: frozenset({Status.SUSPENDED, Status.PERMANENTLY_DEACTIVATED}),
    Status.SUSPENDED: frozenset({Status.ACTIVE, Status.PERMANENTLY_DEACTIVATED}),
    Status.PERMANENTLY_DEACTIVATED: frozenset(),
}
TRANSITION_MASKS = bytes(
    sum(1 << int(s) for s in ALLOWED_TRANSITIONS[Status(cur)]) for cur in range(4)
)


def asset_name(alias: str) -> str:
    return alias.encode()[:MAX_ASSET_NAME].decode()


def arc3_metadata(kind: CertKind, alias: str) -> bytes:
    """The ARC-3 JSON whose sha256 is the certificate's metadata hash."""
    return (
        f'{{"name":"{asset_name(alias)}","properties":{{"alias":"{alias}","kind":"{kind.name}"}}}}'
    ).encode()


def metadata_hash(kind: CertKind, alias: str) -> bytes:
    return hashlib.sha256(arc3_metadata(kind, alias)).digest()


def arc3_url(kind: CertKind) -> str:
    """Where a resolver finds the metadata; the hash, not the URL, is what binds the alias."""
    return f"gw://gnode-factory/{kind.unit}#arc3"


# ---- the same facts in PyTeal --------------------------------------------------------------


def asset_name_expr(alias: pt.Expr) -> pt.Expr:
    return pt.If(
        pt.Len(alias) > pt.Int(MAX_ASSET_NAME),
        pt.Extract(alias, pt.Int(0), pt.Int(MAX_ASSET_NAME)),
        alias,
    )


def arc3_json(kind: CertKind, alias: pt.Expr) -> pt.Expr:
    """`arc3_metadata` on chain; `alias` must be a stored value (it is read twice)."""
    return pt.Concat(
        pt.Bytes('{"name":"'),
        asset_name_expr(alias),
        pt.Bytes('","properties":{"alias":"'),
        alias,
        pt.Bytes(f'","kind":"{kind.name}"}}}}'),
    )
