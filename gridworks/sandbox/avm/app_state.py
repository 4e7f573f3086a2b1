"""The chain state an app call reads and writes, as the AVM sees it: the `AppState` protocol.

The ledger implements `AppState`; the AVM's state, box and inner-transaction ops call it and
nothing else, so they run the same against the real ledger and against `MemoryState` (the
dict-backed reference in `memory_state.py`). Values are plain Python: uint64 `int`s, `bytes`
for byte-arrays and 32-byte addresses.

The split of work follows go-algorand's: the AVM checks what go's evaluator checks (resource
availability, key and value lengths, box quotas, inner transaction fields and fees); the ledger
checks the rest (global and local schemas, minimum balances, well-formedness and authorization
of inner transactions, applying them). A ledger fails an operation by raising `LogicError` with
go's reason (e.g. "app 7 does not exist"); the run loop adds the pc.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from ..encoding import ZERO_ADDRESS, sha512_256
from .errors import AvmError

if TYPE_CHECKING:
    from .context import EvalContext

StateValue = int | bytes  # a global or local state value

# Consensus limits the AVM enforces itself in app calls (go's names).
MAX_APP_KEY_LEN = 64  # MaxAppKeyLen: state keys and box names
MAX_APP_BYTES_VALUE_LEN = 128  # MaxAppBytesValueLen
MAX_APP_SUM_KEY_VALUE_LENS = 128  # MaxAppSumKeyValueLens


@lru_cache(maxsize=4096)
def app_address(app_id: int) -> bytes:
    """The account an app controls: sha512/256("appID" || app id as 8 big-endian bytes)."""
    return sha512_256(b"appID" + app_id.to_bytes(8, "big"))


# Records the ledger hands back -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountParams:
    """An account as `balance`, `min_balance` and `acct_params_get` read it. An account the
    ledger has never seen reads as all zeros (its minimum balance is the ledger's to say)."""

    balance: int = 0
    min_balance: int = 0
    auth_addr: bytes = ZERO_ADDRESS
    total_num_uint: int = 0
    total_num_byte_slice: int = 0
    total_extra_app_pages: int = 0
    total_apps_created: int = 0
    total_apps_opted_in: int = 0
    total_assets_created: int = 0
    total_assets: int = 0
    total_boxes: int = 0
    total_box_bytes: int = 0
    incentive_eligible: bool = False  # v11+: paid the payouts' go-online fee
    last_proposed: int = 0  # v11+: the sandbox has no proposers, so always 0
    last_heartbeat: int = 0  # v11+: set by a heartbeat, or by going online (round + 320)


@dataclass(frozen=True, slots=True)
class VoterParams:
    """An account as `voter_params_get` reads it: its online stake (0 when it is not online)
    and whether it is eligible for payouts."""

    balance: int = 0
    incentive_eligible: bool = False


@dataclass(frozen=True, slots=True)
class AssetHolding:
    amount: int = 0
    frozen: bool = False


@dataclass(frozen=True, slots=True)
class AssetParams:
    """An asset's parameters as `asset_params_get` reads them (names are byte strings)."""

    creator: bytes
    total: int = 0
    decimals: int = 0
    default_frozen: bool = False
    unit_name: bytes = b""
    name: bytes = b""
    url: bytes = b""
    metadata_hash: bytes = bytes(32)
    manager: bytes = ZERO_ADDRESS
    reserve: bytes = ZERO_ADDRESS
    freeze: bytes = ZERO_ADDRESS
    clawback: bytes = ZERO_ADDRESS


@dataclass(frozen=True, slots=True)
class AppParams:
    """An app's parameters as `app_params_get` reads them (its address is derived)."""

    creator: bytes
    approval_program: bytes = b""
    clear_state_program: bytes = b""
    global_num_uint: int = 0
    global_num_byte_slice: int = 0
    local_num_uint: int = 0
    local_num_byte_slice: int = 0
    extra_program_pages: int = 0
    version: int = 0  # v12+ AppVersion: how many times its programs were updated
    # v13+: who pays for its extra pages and global schema (zero: the creator; the sandbox
    # has no size-changing updates, so it stays zero), and who may reach its boxes.
    size_sponsor: bytes = ZERO_ADDRESS
    foreign_box_reads: bool = False  # any app may read its boxes
    family_box_access: bool = False  # apps of the same creator may read and write them


# Inner transactions ------------------------------------------------------------------------


def _avm(name: str, default: Any) -> Any:
    """A field of an inner transaction, with the AVM field name `itxn_field`/`itxn` use."""
    if isinstance(default, list):
        return field(default_factory=list, metadata={"avm": name})
    return field(default=default, metadata={"avm": name})


@dataclass(slots=True)
class InnerAssetParams:
    """The `ConfigAsset*` fields of an inner asset config (names as the ledger's `apar`)."""

    total: int = _avm("ConfigAssetTotal", 0)
    decimals: int = _avm("ConfigAssetDecimals", 0)
    default_frozen: bool = _avm("ConfigAssetDefaultFrozen", False)
    unit_name: bytes = _avm("ConfigAssetUnitName", b"")
    asset_name: bytes = _avm("ConfigAssetName", b"")
    url: bytes = _avm("ConfigAssetURL", b"")
    metadata_hash: bytes = _avm("ConfigAssetMetadataHash", bytes(32))
    manager: bytes = _avm("ConfigAssetManager", ZERO_ADDRESS)
    reserve: bytes = _avm("ConfigAssetReserve", ZERO_ADDRESS)
    freeze: bytes = _avm("ConfigAssetFreeze", ZERO_ADDRESS)
    clawback: bytes = _avm("ConfigAssetClawback", ZERO_ADDRESS)


@dataclass(slots=True)
class InnerTxn:
    """One inner transaction as `itxn_begin`/`itxn_field` build it.

    Each attribute carries its AVM field name (`fields_by_avm_name()`); attribute names are
    those of the ledger's `Transaction`, so the `txn` field readers read both. `itxn_begin` sets
    the sender (the app's address), the fee (what the group still owes, less the fee credit)
    and the validity rounds (the calling transaction's); the program sets the rest. Fields it
    never set keep their zero values, as in go.
    """

    type: str = _avm("Type", "")
    sender: bytes = _avm("Sender", ZERO_ADDRESS)
    fee: int = _avm("Fee", 0)
    first_valid: int = _avm("FirstValid", 0)
    last_valid: int = _avm("LastValid", 0)
    note: bytes = _avm("Note", b"")
    lease: bytes = _avm("Lease", ZERO_ADDRESS)
    rekey_to: bytes = _avm("RekeyTo", ZERO_ADDRESS)
    group: bytes = ZERO_ADDRESS  # set by the ledger for groups of inner transactions
    # pay
    receiver: bytes = _avm("Receiver", ZERO_ADDRESS)
    amount: int = _avm("Amount", 0)
    close_remainder_to: bytes = _avm("CloseRemainderTo", ZERO_ADDRESS)
    # keyreg
    vote_pk: bytes = _avm("VotePK", ZERO_ADDRESS)
    selection_pk: bytes = _avm("SelectionPK", ZERO_ADDRESS)
    state_proof_pk: bytes = _avm("StateProofPK", bytes(64))
    vote_first: int = _avm("VoteFirst", 0)
    vote_last: int = _avm("VoteLast", 0)
    vote_key_dilution: int = _avm("VoteKeyDilution", 0)
    nonparticipation: bool = _avm("Nonparticipation", False)
    # axfer
    xfer_asset: int = _avm("XferAsset", 0)
    asset_amount: int = _avm("AssetAmount", 0)
    asset_sender: bytes = _avm("AssetSender", ZERO_ADDRESS)
    asset_receiver: bytes = _avm("AssetReceiver", ZERO_ADDRESS)
    asset_close_to: bytes = _avm("AssetCloseTo", ZERO_ADDRESS)
    # acfg
    config_asset: int = _avm("ConfigAsset", 0)
    asset_params: InnerAssetParams = field(default_factory=InnerAssetParams)
    # afrz
    freeze_asset: int = _avm("FreezeAsset", 0)
    freeze_account: bytes = _avm("FreezeAssetAccount", ZERO_ADDRESS)
    asset_frozen: bool = _avm("FreezeAssetFrozen", False)
    # appl
    application_id: int = _avm("ApplicationID", 0)
    on_completion: int = _avm("OnCompletion", 0)
    app_args: list[bytes] = _avm("ApplicationArgs", [])
    accounts: list[bytes] = _avm("Accounts", [])
    foreign_assets: list[int] = _avm("Assets", [])
    foreign_apps: list[int] = _avm("Applications", [])
    approval_program: bytes = _avm("ApprovalProgram", b"")
    clear_state_program: bytes = _avm("ClearStateProgram", b"")
    global_num_uint: int = _avm("GlobalNumUint", 0)
    global_num_byte_slice: int = _avm("GlobalNumByteSlice", 0)
    local_num_uint: int = _avm("LocalNumUint", 0)
    local_num_byte_slice: int = _avm("LocalNumByteSlice", 0)
    extra_program_pages: int = _avm("ExtraProgramPages", 0)
    reject_version: int = _avm("RejectVersion", 0)


# AVM fields that set an attribute another field names too.
_ALIASES = {
    "TypeEnum": "type",
    "ApprovalProgramPages": "approval_program",
    "ClearStateProgramPages": "clear_state_program",
}


def fields_by_avm_name() -> dict[str, str]:
    """AVM field name -> attribute of `InnerTxn` (ConfigAsset* -> "asset_params.<name>")."""
    names = {f.metadata["avm"]: f.name for f in fields(InnerTxn) if "avm" in f.metadata}
    for f in fields(InnerAssetParams):
        names[f.metadata["avm"]] = f"asset_params.{f.name}"
    return {**names, **_ALIASES}


@dataclass(frozen=True, slots=True)
class InnerResult:
    """An applied inner transaction: the fields it took effect with, its id and what it did.

    `txn` is what `itxn`/`gitxn` read field by field (the ledger may hand back its own
    `Transaction`: it is read by the same attribute names); `txid` is the 32-byte digest.
    """

    txn: InnerTxn
    txid: bytes
    created_asset_id: int = 0
    created_app_id: int = 0
    logs: tuple[bytes, ...] = ()


class InnerTxnFailed(AvmError):
    """Raised by `AppState.submit_inner` when inner transaction `index` fails; the op reports
    it as go does ("inner tx 0 failed: <reason>")."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(f"inner tx {index} failed: {reason}")
        self.index = index
        self.reason = reason


# The protocol ------------------------------------------------------------------------------


class AppState(Protocol):
    """The chain state one app call sees, and the one way it changes the chain beyond its own
    storage: inner transactions.

    Reads return None for what does not exist. Writes are not checked against schemas or
    minimum balances here (the ledger checks those when the app call ends, as go's ledger
    does); key and value lengths and box sizes are checked by the ops before they call.
    """

    # Global and local state; `global_*` on an app that does not exist and `local_*` of an
    # account that has not opted in raise LogicError (go: "app 7 does not exist").
    def global_get(self, app_id: int, key: bytes) -> StateValue | None: ...
    def global_put(self, app_id: int, key: bytes, value: StateValue) -> None: ...
    def global_del(self, app_id: int, key: bytes) -> None: ...
    def local_get(self, address: bytes, app_id: int, key: bytes) -> StateValue | None: ...
    def local_put(self, address: bytes, app_id: int, key: bytes, value: StateValue) -> None: ...
    def local_del(self, address: bytes, app_id: int, key: bytes) -> None: ...
    def opted_in(self, address: bytes, app_id: int) -> bool: ...

    # Accounts, assets, apps.
    def account(self, address: bytes) -> AccountParams: ...
    def asset_holding(self, address: bytes, asset_id: int) -> AssetHolding | None: ...
    def asset_params(self, asset_id: int) -> AssetParams | None: ...
    def app_params(self, app_id: int) -> AppParams | None: ...

    # v13+ app_params_set: the current app's `foreign_box_reads` or `family_box_access`.
    def app_params_set(self, app_id: int, name: str, value: bool) -> None: ...

    # Consensus (v11+): the online stake of one account, and of all online accounts.
    def voter(self, address: bytes) -> VoterParams: ...
    def online_stake(self) -> int: ...

    # Boxes of `app_id`. `box_create` makes a new box holding `value` (the ops never create a
    # box that exists), `box_put` overwrites an existing box with a value of its size,
    # `box_resize` keeps the prefix and pads with zeros.
    def box_get(self, app_id: int, name: bytes) -> bytes | None: ...
    def box_create(self, app_id: int, name: bytes, value: bytes) -> None: ...
    def box_put(self, app_id: int, name: bytes, value: bytes) -> None: ...
    def box_del(self, app_id: int, name: bytes) -> bool: ...
    def box_resize(self, app_id: int, name: bytes, size: int) -> None: ...

    def submit_inner(self, txns: Sequence[InnerTxn], caller: EvalContext) -> list[InnerResult]:
        """Applies an inner group built by the app `caller` runs, in order, all or nothing.

        The AVM has checked the fields, the fees (against the group's fee credit), the inner
        transaction quota, app call depth and re-entry, and resource availability. The ledger
        checks each transaction is well formed and that its sender is authorized by the
        caller's app address ("app 5 (addr ...) unauthorized ..."), applies it, and runs inner
        app calls with `caller.budget`, `caller.group.resources` and `callers` extended by
        `caller.app_id`. It raises `InnerTxnFailed(index, reason)` when one fails.
        """
        ...
