"""GNode roles, and which role may sit under which.

``PARENT_ROLES`` is the single table of the tree's shape; ``check_parent`` reads it.

- World is the root (its alias is the root word, e.g. ``d1``) and has no parent.
- ConductorTopologyNode and MarketMaker sit under the World or under each other: the grid's
  topology (regions, feeders, markets) nests freely.
- AtomicTNode and AtomicMeteringNode sit under a ConductorTopologyNode or MarketMaker: they are
  the leaves of the topology that trade or meter for one device.
- TerminalAsset sits under an AtomicTNode or AtomicMeteringNode, its alias being the parent's plus
  ``.ta`` (``d1.isone.ver.keene.holly.ta``).
- Scada sits under an AtomicTNode, beside its TerminalAsset: in GridWorks the SCADA's alias is the
  AtomicTNode's alias plus ``.scada`` (``d1.isone.ver.keene.holly.scada``), so the TerminalAsset
  alias stays a leaf ending in ``.ta`` and the SCADA reports to the AtomicTNode that trades for it.
- InterconnectionComponent sits under a ConductorTopologyNode: it is a piece of the topology
  (a transformer, a breaker) rather than a trading actor.
- TimeCoordinator, PriceService, WeatherService and Supervisor serve a whole world, so they sit
  directly under the World.
- The service GNodes (``SERVICE_ROLES``: TimeCoordinator, Supervisor, MarketMaker, PriceService,
  WeatherService) are what the GNodeFactory certifies with a ServiceCert.
- Validator is an account the GNodeFactory has certified (it holds a ValidatorCert) to vouch for
  TerminalAssets; it sits under the World or a topology node, like any other certified party.

``ALIAS_LAST_WORD`` ties roles to reserved last words: a TerminalAsset's alias ends in ``.ta``
and a Scada's in ``.scada``, and no other role's alias may end in those words.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from gridworks.identity.errors import ParentRoleError


class GNodeRole(StrEnum):
    """What a GNode is in the grid; the values are GridWorks' role names."""

    TerminalAsset = "TerminalAsset"
    AtomicTNode = "AtomicTNode"
    AtomicMeteringNode = "AtomicMeteringNode"
    MarketMaker = "MarketMaker"
    ConductorTopologyNode = "ConductorTopologyNode"
    InterconnectionComponent = "InterconnectionComponent"
    Scada = "Scada"
    TimeCoordinator = "TimeCoordinator"
    PriceService = "PriceService"
    WeatherService = "WeatherService"
    Supervisor = "Supervisor"
    World = "World"
    Validator = "Validator"

    @property
    def code(self) -> int:
        """The role byte of a GNodeFactory registry record; `ValueError` for a role the
        factory does not record."""
        try:
            return REGISTRY_ROLE_CODES[self]
        except KeyError:
            raise ValueError(f"the GNodeFactory records no {self.value}") from None

    @classmethod
    def from_code(cls, code: int) -> GNodeRole:
        """The role of a registry record's role byte; `ValueError` if none has it."""
        for role, known in REGISTRY_ROLE_CODES.items():
            if known == code:
                return role
        raise ValueError(f"unknown registry role byte {code}")


_R = GNodeRole

PARENT_ROLES: Mapping[GNodeRole, frozenset[GNodeRole]] = MappingProxyType(
    {
        _R.World: frozenset(),
        _R.ConductorTopologyNode: frozenset({_R.World, _R.ConductorTopologyNode, _R.MarketMaker}),
        _R.MarketMaker: frozenset({_R.World, _R.ConductorTopologyNode, _R.MarketMaker}),
        _R.AtomicTNode: frozenset({_R.ConductorTopologyNode, _R.MarketMaker}),
        _R.AtomicMeteringNode: frozenset({_R.ConductorTopologyNode, _R.MarketMaker}),
        _R.TerminalAsset: frozenset({_R.AtomicTNode, _R.AtomicMeteringNode}),
        _R.Scada: frozenset({_R.AtomicTNode}),
        _R.InterconnectionComponent: frozenset({_R.ConductorTopologyNode}),
        _R.TimeCoordinator: frozenset({_R.World}),
        _R.PriceService: frozenset({_R.World}),
        _R.WeatherService: frozenset({_R.World}),
        _R.Supervisor: frozenset({_R.World}),
        _R.Validator: frozenset({_R.World, _R.ConductorTopologyNode, _R.MarketMaker}),
    }
)
"""For each role, the roles its parent may have; empty means it is the root (World)."""

REGISTRY_ROLE_CODES: Mapping[GNodeRole, int] = MappingProxyType(
    {
        _R.Validator: 1,
        _R.TerminalAsset: 2,
        _R.AtomicTNode: 3,
        _R.AtomicMeteringNode: 4,
        _R.TimeCoordinator: 5,
        _R.Supervisor: 6,
        _R.MarketMaker: 7,
        _R.PriceService: 8,
        _R.WeatherService: 9,
    }
)
"""The role byte of a GNodeFactory registry record. The factory registers Validators,
TerminalAssets and the service GNodes (`SERVICE_ROLES`); a TerminalAsset's registered parent
must be an AtomicTNode or an AtomicMeteringNode (`PARENT_ROLES`), so those two have bytes too."""

SERVICE_ROLES: frozenset[GNodeRole] = frozenset(
    {_R.TimeCoordinator, _R.Supervisor, _R.MarketMaker, _R.PriceService, _R.WeatherService}
)
"""The service GNodes: the GNodeFactory certifies each (`certify_service`) with a ServiceCert,
and a message from one is proven by it."""

ALIAS_LAST_WORD: Mapping[GNodeRole, str] = MappingProxyType(
    {_R.TerminalAsset: "ta", _R.Scada: "scada"}
)
"""Roles whose alias must end in a reserved word; no other role's alias may end in one."""

TA_WORD = ALIAS_LAST_WORD[_R.TerminalAsset]
SCADA_WORD = ALIAS_LAST_WORD[_R.Scada]


def _names(roles: frozenset[GNodeRole]) -> str:
    return ", ".join(sorted(role.value for role in roles))


def check_parent(role: GNodeRole, parent_role: GNodeRole | None) -> None:
    """Raise ``ParentRoleError`` unless a ``role`` GNode may sit under ``parent_role``.

    ``parent_role`` is ``None`` for a root GNode (only a World may be one).
    """
    allowed = PARENT_ROLES[role]
    if parent_role is None:
        if allowed:
            raise ParentRoleError(
                f"a {role.value} cannot be a root GNode; its parent must be one of: "
                f"{_names(allowed)}"
            )
        return
    if not allowed:
        raise ParentRoleError(
            f"a {role.value} is a root GNode and cannot sit under a {parent_role.value}"
        )
    if parent_role not in allowed:
        raise ParentRoleError(
            f"a {role.value} cannot sit under a {parent_role.value}; "
            f"its parent must be one of: {_names(allowed)}"
        )
