"""The ledger's state records: accounts, asset holdings and parameters, apps and local states."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..encoding import ZERO_ADDRESS

OFFLINE, ONLINE, NOT_PARTICIPATING = 0, 1, 2
STATUS_NAMES = {OFFLINE: "Offline", ONLINE: "Online", NOT_PARTICIPATING: "NotParticipating"}


@dataclass(slots=True)
class Account:
    micro_algos: int = 0
    status: int = OFFLINE
    auth_addr: bytes = ZERO_ADDRESS
    vote_pk: bytes = ZERO_ADDRESS
    selection_pk: bytes = ZERO_ADDRESS
    state_proof_pk: bytes = b""
    vote_first: int = 0
    vote_last: int = 0
    vote_key_dilution: int = 0
    total_assets: int = 0  # holdings, the creator's own included
    total_created_assets: int = 0
    total_apps_opted_in: int = 0
    total_created_apps: int = 0
    total_extra_app_pages: int = 0
    total_uints: int = 0  # schema entries reserved: created apps' global, opted-in apps' local
    total_byte_slices: int = 0
    total_boxes: int = 0  # boxes of the app whose account this is
    total_box_bytes: int = 0  # their names and values
    incentive_eligible: bool = False  # payouts: went online paying the go-online fee
    last_proposed: int = 0  # payouts: a dev sandbox has no proposers, so it stays 0
    last_heartbeat: int = 0  # set by a heartbeat, or by going online (round + 320)

    def copy(self) -> Account:
        # Spelled out: this runs for every account a transaction touches.
        return Account(
            self.micro_algos, self.status, self.auth_addr, self.vote_pk, self.selection_pk,
            self.state_proof_pk, self.vote_first, self.vote_last, self.vote_key_dilution,
            self.total_assets, self.total_created_assets, self.total_apps_opted_in,
            self.total_created_apps, self.total_extra_app_pages, self.total_uints,
            self.total_byte_slices, self.total_boxes, self.total_box_bytes,
            self.incentive_eligible, self.last_proposed, self.last_heartbeat,
        )  # fmt: skip

    def is_empty(self) -> bool:
        return (
            self.micro_algos == 0
            and self.total_assets == 0
            and self.total_created_assets == 0
            and self.total_apps_opted_in == 0
            and self.total_created_apps == 0
            and self.total_boxes == 0
            and self.auth_addr == ZERO_ADDRESS
            and self.status != ONLINE
        )

    def to_record(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _ACCOUNT_FIELDS}

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> Account:
        # Keys are field names; a record written before a field existed takes its default.
        if "a" in r:  # the first format (gridworks 0.1.0 before apps) used short keys
            r = {long: r[short] for short, long in _FIRST_FORMAT_KEYS.items() if short in r}
        return cls(**{name: r[name] for name in _ACCOUNT_FIELDS if name in r})


_ACCOUNT_FIELDS = Account.__slots__
_FIRST_FORMAT_KEYS = {
    "a": "micro_algos",
    "s": "status",
    "au": "auth_addr",
    "vk": "vote_pk",
    "sk": "selection_pk",
    "pk": "state_proof_pk",
    "vf": "vote_first",
    "vl": "vote_last",
    "kd": "vote_key_dilution",
    "ta": "total_assets",
    "tc": "total_created_assets",
}


@dataclass(slots=True)
class Holding:
    amount: int = 0
    frozen: bool = False

    def copy(self) -> Holding:
        return Holding(self.amount, self.frozen)


@dataclass(slots=True)
class AssetParamsFields:
    """An asset's parameters as a transaction's `apar` gives them."""

    total: int = 0
    decimals: int = 0
    default_frozen: bool = False
    unit_name: str = ""
    asset_name: str = ""
    url: str = ""
    metadata_hash: bytes = b""
    manager: bytes = ZERO_ADDRESS
    reserve: bytes = ZERO_ADDRESS
    freeze: bytes = ZERO_ADDRESS
    clawback: bytes = ZERO_ADDRESS


@dataclass(slots=True)
class AssetParams(AssetParamsFields):
    """An asset's parameters in the ledger: those of its creating transaction, and its creator."""

    creator: bytes = ZERO_ADDRESS

    @classmethod
    def created(cls, creator: bytes, fields: AssetParamsFields) -> AssetParams:
        values = {name: getattr(fields, name) for name in AssetParamsFields.__slots__}
        return cls(creator=creator, **values)

    def copy(self) -> AssetParams:
        return replace(self)

    def to_record(self) -> dict[str, Any]:
        return {
            "cr": self.creator,
            "t": self.total,
            "dc": self.decimals,
            "df": self.default_frozen,
            "un": self.unit_name,
            "an": self.asset_name,
            "au": self.url,
            "am": self.metadata_hash,
            "m": self.manager,
            "r": self.reserve,
            "f": self.freeze,
            "c": self.clawback,
        }

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> AssetParams:
        return cls(
            total=r["t"], decimals=r["dc"], default_frozen=r["df"], unit_name=r["un"],
            asset_name=r["an"], url=r["au"], metadata_hash=r["am"], manager=r["m"],
            reserve=r["r"], freeze=r["f"], clawback=r["c"], creator=r["cr"],
        )  # fmt: skip


StateValue = int | bytes  # a global or local state value: a uint64 or a byte-array
Schema = tuple[int, int]  # (uints, byte slices): what a state may hold


def _state_record(kv: dict[bytes, StateValue]) -> dict[bytes, StateValue]:
    return dict(kv)


@dataclass(slots=True)
class AppParams:
    """An app as the ledger keeps it (go: basics.AppParams plus its creator): programs,
    schemas, extra pages, and its global state, which lives with it as in go."""

    creator: bytes
    approval_program: bytes = b""
    clear_state_program: bytes = b""
    global_schema: Schema = (0, 0)
    local_schema: Schema = (0, 0)
    extra_program_pages: int = 0
    global_state: dict[bytes, StateValue] = field(default_factory=dict)
    version: int = 0  # go: AppParams.Version, one more for each update of its programs
    foreign_box_reads: bool = False  # v13 app_params_set: any app may read its boxes
    family_box_access: bool = False  # v13: apps of its creator may read and write them

    def copy(self) -> AppParams:
        """A copy whose global state may be written without touching this one."""
        return AppParams(
            self.creator, self.approval_program, self.clear_state_program, self.global_schema,
            self.local_schema, self.extra_program_pages, dict(self.global_state), self.version,
            self.foreign_box_reads, self.family_box_access,
        )  # fmt: skip

    def to_record(self) -> dict[str, Any]:
        return {
            "cr": self.creator,
            "ap": self.approval_program,
            "cs": self.clear_state_program,
            "gs": list(self.global_schema),
            "ls": list(self.local_schema),
            "ep": self.extra_program_pages,
            "kv": _state_record(self.global_state),
            **({"v": self.version} if self.version else {}),
            **({"fbr": True} if self.foreign_box_reads else {}),
            **({"fba": True} if self.family_box_access else {}),
        }

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> AppParams:
        return cls(
            creator=r["cr"], approval_program=r["ap"], clear_state_program=r["cs"],
            global_schema=(r["gs"][0], r["gs"][1]), local_schema=(r["ls"][0], r["ls"][1]),
            extra_program_pages=r["ep"], global_state=dict(r["kv"]), version=r.get("v", 0),
            foreign_box_reads=r.get("fbr", False), family_box_access=r.get("fba", False),
        )  # fmt: skip


@dataclass(slots=True)
class LocalState:
    """An account's state in an app it opted into: the app's local schema when it opted in
    (go keeps it, so the counters come off right even after the app is deleted) and values."""

    schema: Schema = (0, 0)
    values: dict[bytes, StateValue] = field(default_factory=dict)

    def copy(self) -> LocalState:
        return LocalState(self.schema, dict(self.values))

    def to_record(self) -> dict[str, Any]:
        return {"sch": list(self.schema), "kv": _state_record(self.values)}

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> LocalState:
        return cls((r["sch"][0], r["sch"][1]), dict(r["kv"]))
