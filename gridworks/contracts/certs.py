"""The certificate facts as the contracts need them: PyTeal expressions and the constants the
programs embed, all derived from their one definition in the identity layer.

`gridworks.identity.certificates` defines the kinds, unit names, registry places and the ARC-3
metadata that binds a certificate to its alias; `identity.roles` and `identity.status` the
registry's role and status bytes; `identity.record` the record layout. Here they take PyTeal's
form: `arc3_json` builds on chain the document `certificates.arc3_metadata` describes (tested
byte-identical), and the role, status and transition constants are computed from those tables.
"""

from __future__ import annotations

import pyteal as pt

from gridworks.identity.alias import MAX_ALIAS_LENGTH as MAX_ALIAS
from gridworks.identity.certificates import MAX_ASSET_NAME, CertificateKind
from gridworks.identity.roles import PARENT_ROLES, REGISTRY_ROLE_CODES, SERVICE_ROLES, GNodeRole
from gridworks.identity.status import TRANSITIONS, GNodeStatus

TERMINAL_ASSET_PARENT_CODES: tuple[int, ...] = tuple(
    sorted(role.code for role in PARENT_ROLES[GNodeRole.TerminalAsset])
)
"""The role bytes a TerminalAsset's registered parent may have."""

SERVICE_PARENT_CODES: dict[int, tuple[int, ...]] = {
    role.code: tuple(sorted(p.code for p in PARENT_ROLES[role] if p in REGISTRY_ROLE_CODES))
    for role in sorted(SERVICE_ROLES, key=lambda r: r.code)
}
"""For each service role byte, the role bytes its registered parent may have (a World or a
ConductorTopologyNode parent is never registered; a MarketMaker's may be a MarketMaker)."""

WORLD_SERVICE_CODES: tuple[int, ...] = tuple(
    sorted(role.code for role in SERVICE_ROLES if PARENT_ROLES[role] == {GNodeRole.World})
)
"""The service role bytes whose GNode sits directly under the World (alias: root + one word)."""

TRANSITION_MASKS = bytes(
    sum(1 << new.code for new in TRANSITIONS[status])
    for status in sorted(GNodeStatus, key=lambda s: s.code)
)
"""Indexed by a status byte: the bit set of the status bytes `set_status` may move to."""

__all__ = [
    "MAX_ALIAS",
    "SERVICE_PARENT_CODES",
    "TERMINAL_ASSET_PARENT_CODES",
    "TRANSITION_MASKS",
    "WORLD_SERVICE_CODES",
    "arc3_json",
    "asset_name_expr",
]


def asset_name_expr(alias: pt.Expr) -> pt.Expr:
    """`certificates.asset_name` on chain."""
    return pt.If(
        pt.Len(alias) > pt.Int(MAX_ASSET_NAME),
        pt.Extract(alias, pt.Int(0), pt.Int(MAX_ASSET_NAME)),
        alias,
    )


def arc3_json(kind: CertificateKind, alias: pt.Expr) -> pt.Expr:
    """`certificates.arc3_metadata` on chain; `alias` must be a stored value (read twice)."""
    return pt.Concat(
        pt.Bytes('{"name":"'),
        asset_name_expr(alias),
        pt.Bytes('","properties":{"alias":"'),
        alias,
        pt.Bytes(f'","kind":"{kind.value}"}}}}'),
    )
