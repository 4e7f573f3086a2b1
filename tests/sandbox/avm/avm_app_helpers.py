"""App calls for the evaluator's app-mode tests: a transaction object with the app-call fields
the AVM reads, and the context arguments (`app_kw`) to run a program as that call against a
`MemoryState`, for the helpers of `avm_eval_helpers` (`top`, `reason`, `stack`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gridworks.sandbox.avm.app_state import app_address
from gridworks.sandbox.avm.context import AppCallContext
from gridworks.sandbox.avm.memory_state import MemoryState
from gridworks.sandbox.avm.spec import Mode, field_groups
from gridworks.sandbox.avm.views import GlobalView, GroupView
from gridworks.sandbox.encoding import ZERO_ADDRESS, encode_address

ALICE = b"\x01" * 32
BOB = b"\x02" * 32
CAROL = b"\x03" * 32
APP = 1_234  # the called app
OTHER_APP = 5_678
ASSET = 9_001
APP_ADDRESS = app_address(APP)


@dataclass
class Txn:
    """A transaction of any type with the fields the AVM reads (zero values by default)."""

    type: str = "appl"
    sender: bytes = ALICE
    fee: int = 1_000
    first_valid: int = 100
    last_valid: int = 1_100
    rekey_to: bytes = ZERO_ADDRESS
    group: bytes = ZERO_ADDRESS
    note: bytes = b""
    lease: bytes = ZERO_ADDRESS
    receiver: bytes = ZERO_ADDRESS
    amount: int = 0
    close_remainder_to: bytes = ZERO_ADDRESS
    config_asset: int = 0
    asset_params: Any = None
    xfer_asset: int = 0
    asset_amount: int = 0
    asset_sender: bytes = ZERO_ADDRESS
    asset_receiver: bytes = ZERO_ADDRESS
    asset_close_to: bytes = ZERO_ADDRESS
    freeze_asset: int = 0
    freeze_account: bytes = ZERO_ADDRESS
    application_id: int = APP
    on_completion: int = 0
    app_args: list[bytes] = field(default_factory=list)
    accounts: list[bytes] = field(default_factory=list)
    foreign_assets: list[int] = field(default_factory=list)
    foreign_apps: list[int] = field(default_factory=list)
    boxes: list[tuple[int, bytes]] = field(default_factory=list)
    approval_program: bytes = b""
    clear_state_program: bytes = b""
    reject_version: int = 0
    txid_digest: bytes = b"\x0f" * 32


def app_kw(
    state: MemoryState,
    *txns: Txn,
    index: int = 0,
    app_id: int = APP,
    callers: tuple[int, ...] = (),
    **globals: Any,
) -> dict[str, Any]:
    """Context arguments running as group member `index` (an app call of `app_id`)."""
    group = GroupView(list(txns) or [Txn(application_id=app_id)])
    return {
        "mode": Mode.APP,
        "group": group,
        "group_index": index,
        "app_id": app_id,
        "app": AppCallContext(state, callers=callers),
        "globals": GlobalView(round=1_000, latest_timestamp=1_700_000_000, **globals),
    }


def addr(address: bytes) -> str:
    return encode_address(address)


def code_of(group: str, name: str) -> int:
    return field_groups()[group].by_name[name].code


def txn_field(name: str) -> int:
    return code_of("all txn Fields", name)
