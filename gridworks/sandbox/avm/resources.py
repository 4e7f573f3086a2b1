"""Which accounts, assets, apps, holdings and local states an app call may name, with go's
rules and error texts (go: resources.go and the reference helpers of eval.go; boxes are in
`ops/boxes.py`).

How a program names a resource changed with the AVM version (go's names):

- before v4 (directRefEnabledVersion) accounts are indexes into txn.Accounts (0 is the sender),
  `app_global_get_ex`/`asset_params_get` take slots of the foreign arrays and the other ops
  take any app or asset id;
- from v4 accounts are addresses and apps and assets ids, each of which must be available: in
  the transaction's own arrays, the sender, the current app and its address; an index is still
  accepted when the value names nothing available;
- from v6 (createdResourcesVersion) apps and assets created earlier in the group, and the
  addresses of those apps, are available; from v7 (appAddressAvailableVersion) the addresses
  of the foreign apps;
- from v9 (sharedResourcesVersion) anything a top-level transaction of the group makes
  available is available to every app call of the group, but a holding or local state only
  when one transaction made that pair available.

Consensus also forbids apps and assets with ids up to 255 (go: AppForbidLowResources). What
the group makes available, and what it created, is its `GroupResources`. When simulate allows
unnamed resources, its policy (`GroupResources.unnamed`, see `unnamed.py`) is asked last, as go
asks `UnnamedResources`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..encoding import ZERO_ADDRESS, encode_address
from .app_state import app_address
from .errors import LogicError
from .group_resources import app_field, current_txn, group_resources
from .spec import (
    APP_ADDRESS_AVAILABLE_VERSION,
    CREATED_RESOURCES_VERSION,
    DIRECT_REFS_VERSION,
    SHARED_RESOURCES_VERSION,
)

if TYPE_CHECKING:
    from .app_state import InnerTxn
    from .context import EvalContext, StackValue

LAST_FORBIDDEN_RESOURCE = 255  # lastForbiddenResource


def address_text(address: bytes) -> str:
    """An address as go's errors print it: base32 with its checksum."""
    return encode_address(address)


# Accounts ----------------------------------------------------------------------------------


def available_account(cx: EvalContext, address: bytes) -> bool:
    """go's availableAccount."""
    if address == app_address(cx.app_id):
        return True
    txn = current_txn(cx)
    if address == txn.sender or address in app_field(txn, "accounts", ()):
        return True
    version = cx.version
    if version >= APP_ADDRESS_AVAILABLE_VERSION and any(
        address == app_address(app) for app in app_field(txn, "foreign_apps", ())
    ):
        return True
    if version >= CREATED_RESOURCES_VERSION:
        resources = group_resources(cx)
        if version >= SHARED_RESOURCES_VERSION and address in resources.accounts:
            return True
        if resources.created_app_address(address):
            return True
    unnamed = group_resources(cx).unnamed
    return unnamed is not None and unnamed.available_account(cx, address)


def address_value(value: StackValue) -> bytes:
    """go's stackValue.address(): 32 bytes, or "not an address"."""
    if type(value) is not bytes or len(value) != 32:
        raise LogicError("not an address")
    return value


def resolve_account(cx: EvalContext, value: StackValue) -> tuple[bytes, int]:
    """(address, its index in txn.Accounts, 0 for the sender, -1 when it is not there)."""
    txn = current_txn(cx)
    accounts = app_field(txn, "accounts", ())
    if type(value) is int:
        if value == 0:
            return txn.sender, 0
        if value > len(accounts):
            raise LogicError(f"invalid Account reference {value}")
        return accounts[value - 1], value
    address = address_value(value)
    if address == txn.sender:
        return address, 0
    try:
        return address, accounts.index(address) + 1
    except ValueError:
        return address, -1


def account_reference(cx: EvalContext, value: StackValue) -> bytes:
    """The available account `value` names (go: accountReference)."""
    address, index = resolve_account(cx, value)
    if index < 0 and not available_account(cx, address):
        raise LogicError(f"unavailable Account {address_text(address)}")
    return address


def mutable_account_reference(cx: EvalContext, value: StackValue) -> bytes:
    """An account whose local state may change: before v9 it must be in txn.Accounts."""
    address, index = resolve_account(cx, value)
    if index < 0:
        if not available_account(cx, address):
            raise LogicError(f"unavailable Account {address_text(address)}")
        if cx.version < SHARED_RESOURCES_VERSION:
            raise LogicError(f"invalid Account reference for mutation {address_text(address)}")
    return address


def assign_account(cx: EvalContext, value: StackValue) -> bytes:
    """An address an inner transaction may name (go: assignAccount)."""
    address = address_value(value)
    if not available_account(cx, address):
        raise LogicError(f"unavailable Account {address_text(address)}")
    return address


# Apps and assets ---------------------------------------------------------------------------


def available_app(cx: EvalContext, app_id: int) -> bool:
    """go's availableApp."""
    if app_id == cx.app_id or app_id in app_field(current_txn(cx), "foreign_apps", ()):
        return True
    version = cx.version
    if version >= CREATED_RESOURCES_VERSION:
        resources = group_resources(cx)
        if version >= SHARED_RESOURCES_VERSION and app_id in resources.apps:
            return True
        if resources.created_app(app_id):
            return True
    unnamed = group_resources(cx).unnamed
    return (
        unnamed is not None
        and app_id > LAST_FORBIDDEN_RESOURCE
        and unnamed.available_app(cx, app_id)
    )


def available_asset(cx: EvalContext, asset_id: int) -> bool:
    """go's availableAsset."""
    if asset_id in app_field(current_txn(cx), "foreign_assets", ()):
        return True
    version = cx.version
    if version >= CREATED_RESOURCES_VERSION:
        resources = group_resources(cx)
        if version >= SHARED_RESOURCES_VERSION and asset_id in resources.assets:
            return True
        if resources.created_asset(asset_id):
            return True
    unnamed = group_resources(cx).unnamed
    return (
        unnamed is not None
        and asset_id > LAST_FORBIDDEN_RESOURCE
        and unnamed.available_asset(cx, asset_id)
    )


def _low_app(app_id: int) -> int:
    if app_id <= LAST_FORBIDDEN_RESOURCE:
        raise LogicError(f"low App lookup {app_id}")
    return app_id


def _low_asset(asset_id: int) -> int:
    if asset_id <= LAST_FORBIDDEN_RESOURCE:
        raise LogicError(f"low Asset lookup {asset_id}")
    return asset_id


def resolve_app(cx: EvalContext, ref: int) -> int:
    """v4+: 0 or an available app id, else a slot of txn.ForeignApps (go: resolveApp)."""
    if ref == 0 or ref == cx.app_id:
        return _low_app(cx.app_id)
    if available_app(cx, ref):
        return _low_app(ref)
    foreign = app_field(current_txn(cx), "foreign_apps", ())
    if ref <= len(foreign):
        return _low_app(foreign[ref - 1])
    raise LogicError(f"unavailable App {ref}")


def app_reference(cx: EvalContext, ref: int, foreign: bool) -> int:
    """The app `ref` names: `foreign` ops took slots before v4, the others ids."""
    if cx.version >= DIRECT_REFS_VERSION:
        return resolve_app(cx, ref)
    if ref == 0:
        return _low_app(cx.app_id)
    if not foreign:
        return _low_app(ref)
    apps = app_field(current_txn(cx), "foreign_apps", ())
    if ref <= len(apps):
        return _low_app(apps[ref - 1])
    raise LogicError(f"{ref} is not a valid foreign app slot")


def resolve_asset(cx: EvalContext, ref: int) -> int:
    """v4+: an available asset id, else a slot of txn.ForeignAssets (go: resolveAsset)."""
    if available_asset(cx, ref):
        return _low_asset(ref)
    assets = app_field(current_txn(cx), "foreign_assets", ())
    if ref < len(assets):
        return _low_asset(assets[ref])
    raise LogicError(f"unavailable Asset {ref}")


def asset_reference(cx: EvalContext, ref: int, foreign: bool) -> int:
    """The asset `ref` names: `foreign` ops took slots before v4, the others ids."""
    if cx.version >= DIRECT_REFS_VERSION:
        return resolve_asset(cx, ref)
    if not foreign:
        return _low_asset(ref)
    assets = app_field(current_txn(cx), "foreign_assets", ())
    if ref < len(assets):
        return _low_asset(assets[ref])
    raise LogicError(f"{ref} is not a valid foreign asset slot")


def assign_app(cx: EvalContext, value: StackValue) -> int:
    app_id = uint_value(value)
    if not available_app(cx, app_id):
        raise LogicError(f"unavailable App {app_id}")
    return app_id


def assign_asset(cx: EvalContext, value: StackValue) -> int:
    asset_id = uint_value(value)
    if not available_asset(cx, asset_id):
        raise LogicError(f"unavailable Asset {asset_id}")
    return asset_id


def uint_value(value: StackValue) -> int:
    """go's stackValue.uint(): its error prints the bytes as Go's %#v does."""
    if type(value) is not int:
        assert type(value) is bytes
        shown = ", ".join(f"0x{b:x}" for b in value)
        raise LogicError(f"[]byte{{{shown}}} is not a uint64")
    return value


# Holdings and local states -----------------------------------------------------------------


def allows_holding(cx: EvalContext, address: bytes, asset_id: int) -> bool:
    """v9 sharing of a holding: one transaction made the pair available (go: allowsHolding)."""
    resources = group_resources(cx)
    if (address, asset_id) in resources.holdings:
        return True
    if resources.created_asset(asset_id):
        return available_account(cx, address)
    if resources.created_app_address(address):
        return available_asset(cx, asset_id)
    unnamed = resources.unnamed
    return (
        unnamed is not None
        and available_account(cx, address)
        and available_asset(cx, asset_id)
        and unnamed.allows_holding(cx, address, asset_id)
    )


def allows_locals(cx: EvalContext, address: bytes, app_id: int) -> bool:
    """v9 sharing of a local state (go: allowsLocals)."""
    resources = group_resources(cx)
    if (address, app_id) in resources.locals:
        return True
    if resources.created_app(app_id):
        return available_account(cx, address)
    if resources.created_app_address(address):
        return available_app(cx, app_id)
    unnamed = resources.unnamed
    return (
        unnamed is not None
        and available_app(cx, app_id)
        and available_account(cx, address)
        and unnamed.allows_locals(cx, address, app_id)
    )


def _try(resolve: Any, cx: EvalContext, ref: int) -> tuple[int, str | None]:
    try:
        return resolve(cx, ref), None
    except LogicError as err:
        return 0, err.reason


def locals_reference(cx: EvalContext, account: StackValue, ref: int) -> tuple[bytes, int]:
    """(address, app) of a local state the program may read (go: localsReference)."""
    if cx.version < SHARED_RESOURCES_VERSION:
        return account_reference(cx, account), app_reference(cx, ref, foreign=False)
    address, _ = resolve_account(cx, account)
    app_id, app_error = _try(resolve_app, cx, ref)
    if app_error is None and allows_locals(cx, address, app_id):
        return address, app_id
    account_ok = available_account(cx, address)
    text = address_text(address)
    locals_error = f"unavailable Local State {app_id}+{text}"
    if account_ok:
        raise LogicError(app_error or locals_error)
    if app_error is not None:
        raise LogicError(f"unavailable Account {text}, {app_error}, {locals_error}")
    raise LogicError(f"unavailable Account {text}, {locals_error}")


def holding_reference(cx: EvalContext, account: StackValue, ref: int) -> tuple[bytes, int]:
    """(address, asset) of a holding the program may read (go: holdingReference)."""
    if cx.version < SHARED_RESOURCES_VERSION:
        return account_reference(cx, account), asset_reference(cx, ref, foreign=False)
    address, _ = resolve_account(cx, account)
    asset_id, asset_error = _try(resolve_asset, cx, ref)
    if asset_error is None and allows_holding(cx, address, asset_id):
        return address, asset_id
    account_ok = available_account(cx, address)
    text = address_text(address)
    if account_ok:
        raise LogicError(asset_error or f"unavailable Holding {asset_id}+{text}")
    if asset_error is not None:
        raise LogicError(f"unavailable Account {text}, {asset_error}")
    raise LogicError(f"unavailable Account {text}")


def check_local_write(cx: EvalContext, address: bytes) -> None:
    """v9+: the current app's local state of `address` must itself be available."""
    if cx.version >= SHARED_RESOURCES_VERSION and not allows_locals(cx, address, cx.app_id):
        raise LogicError(f"unavailable Local State {cx.app_id}+{address_text(address)}")


# Inner transactions ------------------------------------------------------------------------


def _require_holding(cx: EvalContext, address: bytes, asset_id: int, what: str) -> None:
    if asset_id == 0 or address == ZERO_ADDRESS:
        return
    if not allows_holding(cx, address, asset_id):
        raise LogicError(
            f"{what}: unavailable Holding {asset_id}+{address_text(address)} would be accessible"
        )


def _require_locals(cx: EvalContext, address: bytes, app_id: int, what: str) -> None:
    if not allows_locals(cx, address, app_id):
        raise LogicError(
            f"{what}: unavailable Local State {app_id}+{address_text(address)} would be accessible"
        )


def check_inner_resources(cx: EvalContext, txn: InnerTxn, callee_version: int) -> None:
    """v9+: an inner transaction may not reach a holding or local state its caller could not
    (go: allows). Callees at v9+ check their own access as they run."""
    if cx.version < SHARED_RESOURCES_VERSION:
        return
    if txn.type == "axfer":
        asset = txn.xfer_asset
        if txn.asset_sender == ZERO_ADDRESS:
            _require_holding(cx, txn.sender, asset, "axfer Sender")
        _require_holding(cx, txn.asset_receiver, asset, "axfer AssetReceiver")
        _require_holding(cx, txn.asset_sender, asset, "axfer AssetSender")
        _require_holding(cx, txn.asset_close_to, asset, "axfer AssetCloseTo")
    elif txn.type == "afrz":
        _require_holding(cx, txn.freeze_account, txn.freeze_asset, "afrz FreezeAccount")
    elif txn.type == "appl" and callee_version < SHARED_RESOURCES_VERSION:
        addresses: Sequence[bytes] = [
            txn.sender,
            *txn.accounts,
            *([app_address(txn.application_id)] if txn.application_id else []),
            *(app_address(app) for app in txn.foreign_apps),
        ]
        for address in addresses:
            for asset in txn.foreign_assets:
                _require_holding(cx, address, asset, "appl ForeignAssets")
            if txn.application_id:
                _require_locals(cx, address, txn.application_id, "appl ApplicationID")
            for app in txn.foreign_apps:
                _require_locals(cx, address, app, "appl ForeignApps")
