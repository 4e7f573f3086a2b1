"""Certificate kinds and their ASA unit names: the one place these facts live.

A certificate is an NFT minted by the GNodeFactory; its unit name (at most 8 bytes on Algorand)
says which kind it is. The full GNode alias goes into the ARC-3 metadata, since an asset name
holds only 32 bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class CertificateKind(StrEnum):
    """The kinds of GNode certificate NFT."""

    ValidatorCert = "ValidatorCert"
    TaDeed = "TaDeed"
    TaTradingRights = "TaTradingRights"
    ScadaCert = "ScadaCert"

    @property
    def unit_name(self) -> str:
        """The ASA unit name certificates of this kind carry."""
        return UNIT_NAMES[self]

    @classmethod
    def from_unit_name(cls, unit_name: str) -> CertificateKind:
        """The kind whose certificates carry ``unit_name``; ``ValueError`` if none."""
        for kind, name in UNIT_NAMES.items():
            if name == unit_name:
                return kind
        known = ", ".join(UNIT_NAMES.values())
        raise ValueError(f"unknown certificate unit name {unit_name!r}; known: {known}")


UNIT_NAMES: Mapping[CertificateKind, str] = MappingProxyType(
    {
        CertificateKind.ValidatorCert: "VLDTR",
        CertificateKind.TaDeed: "TADEED",
        CertificateKind.TaTradingRights: "TATRADE",
        CertificateKind.ScadaCert: "SCADA",
    }
)
"""Each certificate kind's ASA unit name."""
