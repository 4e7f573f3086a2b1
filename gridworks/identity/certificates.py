"""Certificate kinds as the identity layer names them, derived from `contracts.certs`.

The facts (each kind's name, its ASA unit name, which registry slot holds it) live once, in
`gridworks.contracts.certs`, next to the contract that mints the NFTs; this module only gives
them identity's names (`CertificateKind`, `UNIT_NAMES`). A certificate is an NFT minted by the
GNodeFactory; its unit name (at most 8 bytes on Algorand) says which kind it is. The full GNode
alias goes into the ARC-3 metadata, since an asset name holds only 32 bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from gridworks.contracts import certs


class CertificateKind(StrEnum):
    """The kinds of GNode certificate NFT (values are `contracts.certs` kind names)."""

    ValidatorCert = certs.VALIDATOR_CERT.name
    TaDeed = certs.TA_DEED.name
    TaTradingRights = certs.TA_TRADING_RIGHTS.name
    ScadaCert = certs.SCADA_CERT.name

    @property
    def cert_kind(self) -> certs.CertKind:
        """The contracts layer's record of this kind."""
        return _BY_NAME[self.value]

    @property
    def unit_name(self) -> str:
        """The ASA unit name certificates of this kind carry."""
        return self.cert_kind.unit

    @classmethod
    def from_unit_name(cls, unit_name: str) -> CertificateKind:
        """The kind whose certificates carry ``unit_name``; ``ValueError`` if none."""
        for kind in certs.CERT_KINDS:
            if kind.unit == unit_name:
                return cls(kind.name)
        known = ", ".join(kind.unit for kind in certs.CERT_KINDS)
        raise ValueError(f"unknown certificate unit name {unit_name!r}; known: {known}")


_BY_NAME: Mapping[str, certs.CertKind] = MappingProxyType(
    {kind.name: kind for kind in certs.CERT_KINDS}
)

UNIT_NAMES: Mapping[CertificateKind, str] = MappingProxyType(
    {CertificateKind(kind.name): kind.unit for kind in certs.CERT_KINDS}
)
"""Each certificate kind's ASA unit name."""
