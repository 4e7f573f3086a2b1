"""Certificate kinds: the one definition of each kind, its ASA unit name, where the GNodeFactory
registry records it, and the ARC-3 metadata that binds a certificate to its alias.

A certificate is an NFT minted by the GNodeFactory; its unit name (at most 8 bytes on Algorand)
says which kind it is. An ASA name holds at most 32 bytes, so a long alias cannot live in the
name: every certificate's metadata hash is sha256 of a small ARC-3 JSON document holding the
FULL alias. The factory writes that document on chain from the alias it has just validated
(aliases are lowercase alphanumerics and dots, so no JSON escaping is ever needed), and anyone
checks the binding by recomputing the hash with `metadata_hash(kind, alias)`. The contract's
PyTeal form (`contracts/certs.py`) is tested byte-identical.

The kinds: a validator's ValidatorCert (unit VLDTR); a TerminalAsset's TaDeed (TADEED, its
owner), TaTradingRights (TATRADE, its AtomicTNode) and ScadaCert (SCADA, its Scada); and a
service GNode's ServiceCert (unit SERVICE): one kind for every service role (`roles.SERVICE_ROLES`),
since the registry record it is bound to, by alias, says which role it proves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from enum import IntEnum, StrEnum
from types import MappingProxyType

from gridworks.identity.roles import SERVICE_ROLES, GNodeRole

MAX_ASSET_NAME = 32
"""Bytes an ASA name holds: a certificate's name is its alias cut to this."""


class Slot(IntEnum):
    """Which certificate of a registry record: selects its asset id and holder fields."""

    PRIMARY = 1  # ValidatorCert for a validator, ServiceCert for a service, TaDeed for a TA
    TRADING = 2  # TaTradingRights
    SCADA = 3  # ScadaCert


class CertificateKind(StrEnum):
    """The kinds of GNode certificate NFT (values are the ARC-3 `kind` names)."""

    ValidatorCert = "ValidatorCert"
    TaDeed = "TaDeed"
    TaTradingRights = "TaTradingRights"
    ScadaCert = "ScadaCert"
    ServiceCert = "ServiceCert"

    @property
    def unit_name(self) -> str:
        """The ASA unit name certificates of this kind carry."""
        return UNIT_NAMES[self]

    @property
    def roles(self) -> frozenset[GNodeRole]:
        """The roles of the registry records that hold this kind (one role, but every service
        role for a ServiceCert)."""
        return PLACES[self][0]

    @property
    def slot(self) -> Slot:
        """The slot of that record which holds it."""
        return PLACES[self][1]

    @classmethod
    def from_unit_name(cls, unit_name: str) -> CertificateKind:
        """The kind whose certificates carry ``unit_name``; ``ValueError`` if none."""
        for kind, unit in UNIT_NAMES.items():
            if unit == unit_name:
                return kind
        known = ", ".join(UNIT_NAMES.values())
        raise ValueError(f"unknown certificate unit name {unit_name!r}; known: {known}")

    @classmethod
    def at(cls, role: GNodeRole, slot: Slot) -> CertificateKind | None:
        """The kind a `role` record holds in `slot` (None: that slot is unused there)."""
        return _BY_PLACE.get((role, slot))


_K = CertificateKind

UNIT_NAMES: Mapping[CertificateKind, str] = MappingProxyType(
    {
        _K.ValidatorCert: "VLDTR",
        _K.TaDeed: "TADEED",
        _K.TaTradingRights: "TATRADE",
        _K.ScadaCert: "SCADA",
        _K.ServiceCert: "SERVICE",
    }
)
"""Each kind's ASA unit name."""

PLACES: Mapping[CertificateKind, tuple[frozenset[GNodeRole], Slot]] = MappingProxyType(
    {
        _K.ValidatorCert: (frozenset({GNodeRole.Validator}), Slot.PRIMARY),
        _K.TaDeed: (frozenset({GNodeRole.TerminalAsset}), Slot.PRIMARY),
        _K.TaTradingRights: (frozenset({GNodeRole.TerminalAsset}), Slot.TRADING),
        _K.ScadaCert: (frozenset({GNodeRole.TerminalAsset}), Slot.SCADA),
        _K.ServiceCert: (SERVICE_ROLES, Slot.PRIMARY),
    }
)
"""Which registry records (by role) and which of their slots hold each kind. A service's record
(any of `SERVICE_ROLES`) holds its ServiceCert where a validator's holds its ValidatorCert."""

_BY_PLACE = {(role, slot): kind for kind, (roles, slot) in PLACES.items() for role in roles}


def asset_name(alias: str) -> str:
    """A certificate's ASA name: its alias, cut to 32 bytes."""
    return alias.encode()[:MAX_ASSET_NAME].decode()


def arc3_metadata(kind: CertificateKind, alias: str) -> bytes:
    """The ARC-3 JSON whose sha256 is the certificate's metadata hash."""
    return (
        f'{{"name":"{asset_name(alias)}","properties":{{"alias":"{alias}","kind":"{kind.value}"}}}}'
    ).encode()


def metadata_hash(kind: CertificateKind, alias: str) -> bytes:
    """What binds a `kind` certificate to `alias`: sha256 of its ARC-3 metadata."""
    return hashlib.sha256(arc3_metadata(kind, alias)).digest()


def arc3_url(kind: CertificateKind) -> str:
    """Where a resolver finds the metadata; the hash, not the URL, is what binds the alias."""
    return f"gw://gnode-factory/{kind.unit_name}#arc3"
