"""GNode identity: aliases, roles, statuses, certificates and the GNode model.

Signing, keys and on-chain certificate checks build on these records.
"""

from gridworks.identity.address import AlgorandAddress, check_algorand_address
from gridworks.identity.alias import MAX_ALIAS_LENGTH, GNodeAlias, Universe, check_alias
from gridworks.identity.certificates import UNIT_NAMES, CertificateKind
from gridworks.identity.errors import (
    AddressError,
    AliasError,
    AliasReusedError,
    DuplicateGNodeIdError,
    IdentityError,
    ParentDeactivatedError,
    ParentNotFoundError,
    ParentRoleError,
    RegistryError,
    RoleAliasError,
    StatusTransitionError,
    UnknownGNodeError,
)
from gridworks.identity.gnode import GNode
from gridworks.identity.registry import GNodeRegistry
from gridworks.identity.roles import (
    ALIAS_LAST_WORD,
    PARENT_ROLES,
    SERVICE_ROLES,
    GNodeRole,
    check_parent,
)
from gridworks.identity.status import TRANSITIONS, GNodeStatus, transition

__all__ = [
    "ALIAS_LAST_WORD",
    "MAX_ALIAS_LENGTH",
    "PARENT_ROLES",
    "SERVICE_ROLES",
    "TRANSITIONS",
    "UNIT_NAMES",
    "AddressError",
    "AlgorandAddress",
    "AliasError",
    "AliasReusedError",
    "CertificateKind",
    "DuplicateGNodeIdError",
    "GNode",
    "GNodeAlias",
    "GNodeRegistry",
    "GNodeRole",
    "GNodeStatus",
    "IdentityError",
    "ParentDeactivatedError",
    "ParentNotFoundError",
    "ParentRoleError",
    "RegistryError",
    "RoleAliasError",
    "StatusTransitionError",
    "Universe",
    "UnknownGNodeError",
    "check_algorand_address",
    "check_alias",
    "check_parent",
    "transition",
]
