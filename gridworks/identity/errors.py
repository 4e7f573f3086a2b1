"""The identity layer's exceptions: one hierarchy, each naming what is wrong.

Errors raised while validating a value also subclass ``ValueError`` so that pydantic turns
them into a ``ValidationError`` naming the field.
"""

from __future__ import annotations


class IdentityError(Exception):
    """Base of every error raised by ``gridworks.identity``."""


class AliasError(IdentityError, ValueError):
    """A GNode alias breaks the alias rules (see ``gridworks.identity.alias``)."""


class AddressError(IdentityError, ValueError):
    """A string is not a valid Algorand address."""


class ParentRoleError(IdentityError, ValueError):
    """A GNode role may not sit under its parent's role (see ``gridworks.identity.roles``)."""


class RoleAliasError(IdentityError, ValueError):
    """A GNode's role and alias disagree (e.g. a TerminalAsset alias not ending in ``.ta``)."""


class StatusTransitionError(IdentityError, ValueError):
    """A GNode status change is not in the transition table (see ``gridworks.identity.status``)."""


class RegistryError(IdentityError):
    """An operation on a ``GNodeRegistry`` was refused."""


class AliasReusedError(RegistryError):
    """The alias was already given to a GNode; aliases are never reused."""


class DuplicateGNodeIdError(RegistryError):
    """A GNode with the same id is already registered."""


class ParentNotFoundError(RegistryError):
    """The GNode's parent alias is not in the registry."""


class ParentDeactivatedError(RegistryError):
    """The GNode's parent is PermanentlyDeactivated and takes no new children."""


class UnknownGNodeError(RegistryError, LookupError):
    """No GNode with that alias (or id) is registered."""
