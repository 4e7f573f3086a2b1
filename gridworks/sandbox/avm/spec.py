"""The AVM's opcode table: the single source of truth for the assembler, disassembler and evaluator.

Every opcode's facts (byte, name, immediates, stack arguments and results, cost, modes, the
version that introduced it, and its field groups) come from the AVM language specs shipped with
the package (`data/avm-langspec-v10.json` ... `v13.json`, as published with go-algorand; see
`data/README.md` for their provenance). Versions 1 to 10 read the v10 spec, and each later
version its own, since an opcode's encoding may change at a version (v13 encodes branch offsets
as zigzag varints). The few facts that differ between versions 1 to 10, which the v10 spec does
not record, are the `VERSION_DELTAS` below: versions are data, looked up through
`opcodes(version)`, never `if version >= N` in code. Two-byte opcodes (v13's `app_box_*`, a
prefix byte and a sub-opcode byte) are `OpSpec`s with a `sub_opcode`. The
behaviours that begin at a version (resource sharing, back branches ...) are the named version
gates below, in one block as go-algorand keeps them; other modules compare against those names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from enum import Enum, IntFlag
from functools import cache
from importlib import resources
from typing import Any

MAX_VERSION = 13
MIN_VERSION = 1

# Version gates: the first AVM version with each behaviour (go-algorand's names in comments).
# Code compares a program's version against these names, never against a number.
BRANCH_TO_END_VERSION = 2  # a branch may target the end of the program
REKEY_MIN_VERSION = 2  # rekeyingEnabledVersion: may run in a group that rekeys
APP_CALL_MIN_VERSION = 2  # appsEnabledVersion: may run in a group with an app call
BACK_BRANCH_VERSION = 4  # backBranchEnabledVersion: branches go backwards, cost is dynamic
DIRECT_REFS_VERSION = 4  # directRefEnabledVersion: accounts by address, apps/assets by id
OPTIMIZE_CONSTANTS_VERSION = 4  # optimizeConstantsEnabledVersion: the assembler reorders constants
MIN_INNER_APPL_VERSION = 4  # MinInnerApplVersion: the oldest program an inner call may run
INNER_TXNS_VERSION = 5  # innerTxnsVersion: itxn_* submit pay, axfer, acfg and afrz
INNER_APPS_VERSION = 6  # innerAppsEnabledVersion: inner appl and keyreg, GroupIndex and TxID
CREATED_RESOURCES_VERSION = 6  # createdResourcesVersion: what the group created is available
TXN_EFFECTS_VERSION = 6  # txnEffectsVersion: gtxn reads earlier members' ApplyData (logs, ids)
SYNC_PROGRAMS_VERSION = 6  # syncProgramsVersion: approval and clear programs share a version
APP_ADDRESS_AVAILABLE_VERSION = 7  # appAddressAvailableVersion: foreign apps' addresses
SHARED_RESOURCES_VERSION = 9  # sharedResourcesVersion: the group's app calls share resources
INCENTIVE_VERSION = 11  # incentiveVersion: block proposer fields, heartbeats, payouts
VARINT_BRANCH_VERSION = 13  # varintBranchVersion: branch offsets are zigzag varints
FOREIGN_BOX_VERSION = 13  # foreignBoxVersion: app_params_set, app_box_* on other apps' boxes
LOGICSIG_OFF_CURVE_VERSION = 13  # LogicSigOffCurveVersion: logic sig addresses are off-curve

# The published language spec each version's opcodes are read from (see data/README.md).
_LANGSPEC_VERSIONS = (10, 11, 12, 13)


class Mode(IntFlag):
    """Where an opcode or field may run: signature (logic sig) mode, application mode, or both."""

    SIG = 1
    APP = 2
    ANY = 3


class Encoding(Enum):
    """How an immediate argument sits in the bytecode after the opcode byte."""

    UINT8 = "uint8"
    INT8 = "int8"
    INT16 = "int16 (big-endian)"
    VARUINT = "varuint"
    BYTES = "varuint length, bytes"
    INT_BLOCK = "varuint count, [varuint ...]"
    BYTES_BLOCK = "varuint count, [varuint length, bytes ...]"
    LABELS = "varuint count, [int16 (big-endian) ...]"
    VARINT_LABEL = "varint (zigzag)"  # a branch offset, from v13


@dataclass(frozen=True, slots=True)
class StackType:
    """A named AVM stack type: its abstract AVM type and, for byte-slices, its length bound."""

    name: str
    avm_type: str  # "uint64", "[]byte", "any" or "none"
    bound: tuple[int, int]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One named field of a field group (a `txn` field, a `global` field, a curve ...)."""

    name: str
    code: int
    version: int
    type: str | None
    modes: Mode = Mode.ANY


@dataclass(frozen=True)
class FieldGroup:
    """The fields an immediate may name, by name and by byte code."""

    name: str
    fields: tuple[FieldSpec, ...]
    by_name: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)
    by_code: dict[int, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})
        object.__setattr__(self, "by_code", {f.code: f for f in self.fields})

    def available(self, version: int, mode: Mode = Mode.ANY) -> dict[str, FieldSpec]:
        return {f.name: f for f in self.fields if f.version <= version and f.modes & mode}


@dataclass(frozen=True, slots=True)
class Immediate:
    name: str
    encoding: Encoding
    group: str | None = None  # the field group this immediate names, if any
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Cost:
    """What an opcode costs: a constant, plus `per_chunk` for every `chunk` bytes of the
    stack argument `length_of` (counted from the top: 0 is A, the deepest argument) when
    given, or a cost per named field of the immediate `by_field` names."""

    constant: int = 1
    per_chunk: int = 0
    chunk: int = 0
    length_of: int | None = None
    by_field: tuple[tuple[str, int, int, int], ...] = ()  # (field, constant, per_chunk, chunk)


@dataclass(frozen=True, slots=True)
class OpSpec:
    opcode: int
    name: str
    version: int
    size: int  # bytes including immediates; 0 when the immediates have variable size
    modes: Mode
    args: tuple[str, ...]
    returns: tuple[str, ...]
    immediates: tuple[Immediate, ...]
    cost: Cost
    groups: tuple[str, ...] = ()
    doc: str = ""
    sub_opcode: int | None = None  # the second byte of a two-byte opcode (`opcode` its prefix)

    @property
    def code(self) -> bytes:
        """The opcode's bytes in a program: one byte, or a prefix byte and a sub-opcode byte."""
        if self.sub_opcode is None:
            return bytes([self.opcode])
        return bytes([self.opcode, self.sub_opcode])

    @property
    def field_group(self) -> str | None:
        for imm in self.immediates:
            if imm.group:
                return imm.group
        return None


@dataclass(frozen=True, slots=True)
class VersionDelta:
    """A fact about `name` that holds only in versions below `until` (exclusive)."""

    name: str
    until: int
    cost: Cost | None = None
    modes: Mode | None = None
    args: tuple[str, ...] | None = None


# What the language spec (which describes the newest version) does not say about older ones.
VERSION_DELTAS: tuple[VersionDelta, ...] = (
    # Hash costs were raised in version 2 to their measured cost.
    VersionDelta("sha256", until=2, cost=Cost(7)),
    VersionDelta("keccak256", until=2, cost=Cost(26)),
    VersionDelta("sha512_256", until=2, cost=Cost(9)),
    # ed25519verify ran only in logic signatures before version 5.
    VersionDelta("ed25519verify", until=5, modes=Mode.SIG),
    # Before version 4 these took accounts only as indexes into the Accounts array.
    VersionDelta("balance", until=4, args=("uint64",)),
    VersionDelta("min_balance", until=4, args=("uint64",)),
    VersionDelta("app_opted_in", until=4, args=("uint64", "uint64")),
    VersionDelta("app_local_get", until=4, args=("uint64", "stateKey")),
    VersionDelta("app_local_get_ex", until=4, args=("uint64", "uint64", "stateKey")),
    VersionDelta("app_local_put", until=4, args=("uint64", "stateKey", "any")),
    VersionDelta("app_local_del", until=4, args=("uint64", "stateKey")),
    VersionDelta("asset_holding_get", until=4, args=("uint64", "uint64")),
)

# Field groups named by the spec's `Reference` that have a shorter name in code.
_TXN_GROUP = "txn Fields"
_ARRAY_GROUP = "txna Fields"
ALL_TXN_FIELDS = "all txn Fields"  # scalar and array transaction fields together

_COST_CONSTANT = re.compile(r"^(\d+)$")
_COST_LINEAR = re.compile(r"^(\d+) \+ (\d+) per (\d+) bytes of ([A-Z])$")
_COST_FIELD = re.compile(r"^(\w+)=(\d+)(?: \+ (\d+) per (\d+) bytes of ([A-Z]))?$")


def _parse_cost(text: str, args: tuple[str, ...]) -> Cost:
    text = text.strip()
    if m := _COST_CONSTANT.match(text):
        return Cost(int(m[1]))
    if m := _COST_LINEAR.match(text):
        return Cost(int(m[1]), int(m[2]), int(m[3]), ord(m[4]) - ord("A"))
    parts = [p.strip() for p in text.split(";")]
    by_field = []
    length_of = None
    for part in parts:
        m = _COST_FIELD.match(part)
        if m is None:
            raise ValueError(f"unparsed opcode cost {text!r}")
        if m[5]:
            length_of = ord(m[5]) - ord("A")
        by_field.append((m[1], int(m[2]), int(m[3] or 0), int(m[4] or 0)))
    return Cost(constant=0, length_of=length_of, by_field=tuple(by_field))


def _spec_version(version: int) -> int:
    """The published language spec that describes AVM `version` (v1 to v10 share v10's)."""
    return max(v for v in _LANGSPEC_VERSIONS if v <= max(version, _LANGSPEC_VERSIONS[0]))


@cache
def _langspec(version: int = _LANGSPEC_VERSIONS[-1]) -> dict[str, Any]:
    """The published language spec of `version` (one of `_LANGSPEC_VERSIONS`)."""
    name = f"data/avm-langspec-v{version}.json"
    text = resources.files(__package__).joinpath(name).read_text()
    return json.loads(text)  # type: ignore[no-any-return]


@cache
def stack_types() -> dict[str, StackType]:
    return {
        t["Name"]: StackType(t["Name"], t["AVMType"], (t["Bound"][0], t["Bound"][1]))
        for t in _langspec()["NamedTypes"]
    }


@cache
def field_groups() -> dict[str, FieldGroup]:
    """Every field group, keyed by the spec's reference name (e.g. "txn Fields")."""
    collected: dict[str, dict[str, FieldSpec]] = {}
    for op in _langspec()["Ops"]:
        refs = [n["Reference"] for n in op.get("ImmediateNote", []) if n.get("Reference")]
        if not refs or "ArgDetails" not in op:
            continue
        group = collected.setdefault(refs[0], {})
        for detail in op["ArgDetails"]:
            group.setdefault(
                detail["Name"],
                FieldSpec(
                    name=detail["Name"],
                    code=detail["ByteEncoding"],
                    version=detail.get("Version", op["IntroducedVersion"]),
                    type=detail.get("Type"),
                    modes=Mode(detail.get("Modes", 3)),
                ),
            )
    groups = {
        name: FieldGroup(name, tuple(sorted(fields.values(), key=lambda f: f.code)))
        for name, fields in collected.items()
    }
    # All transaction fields, scalar and array, share one numbering: `txn` may name either.
    every_txn_field = {**groups[_TXN_GROUP].by_name, **groups[_ARRAY_GROUP].by_name}
    groups[ALL_TXN_FIELDS] = FieldGroup(
        ALL_TXN_FIELDS, tuple(sorted(every_txn_field.values(), key=lambda f: f.code))
    )
    return groups


@cache
def _base_specs(spec_version: int) -> tuple[OpSpec, ...]:
    specs = []
    for op in _langspec(spec_version)["Ops"]:
        args = tuple(op.get("Args", ()))
        immediates = tuple(
            Immediate(
                name=n["Name"],
                encoding=Encoding(n["Encoding"]),
                group=n.get("Reference"),
                comment=n.get("Comment", ""),
            )
            for n in op.get("ImmediateNote", ())
        )
        opcode, sub_opcode = op["Opcode"], None
        if isinstance(opcode, list):  # a two-byte opcode: [prefix, sub-opcode]
            opcode, sub_opcode = opcode
        specs.append(
            OpSpec(
                opcode=opcode,
                name=op["Name"],
                version=op["IntroducedVersion"],
                size=op["Size"],
                modes=Mode(op["Modes"]),
                args=args,
                returns=tuple(op.get("Returns", ())),
                immediates=immediates,
                cost=_parse_cost(op.get("DocCost", "1"), args),
                groups=tuple(op.get("Groups", ())),
                doc=op.get("Doc", ""),
                sub_opcode=sub_opcode,
            )
        )
    return tuple(specs)


def _in_version(spec: OpSpec, version: int) -> OpSpec:
    for delta in VERSION_DELTAS:
        if delta.name == spec.name and version < delta.until:
            spec = replace(
                spec,
                cost=delta.cost or spec.cost,
                modes=delta.modes if delta.modes is not None else spec.modes,
                args=delta.args if delta.args is not None else spec.args,
            )
    return spec


@dataclass(frozen=True)
class OpTable:
    """The opcodes of one AVM version, by byte and by name.

    `by_opcode` holds the one-byte opcodes; a two-byte opcode is in `sub_ops`, under its prefix
    byte and then its sub-opcode byte. `lookup` finds either kind at a pc of a program."""

    version: int
    by_opcode: dict[int, OpSpec]
    by_name: dict[str, OpSpec]
    sub_ops: dict[int, dict[int, OpSpec]] = field(default_factory=dict)

    def lookup(self, code: bytes, pc: int) -> OpSpec | None:
        """The opcode at `pc` of `code`, or None when its byte(s) name no opcode here."""
        opcode = code[pc]
        spec = self.by_opcode.get(opcode)
        if spec is not None:
            return spec
        subs = self.sub_ops.get(opcode)
        if subs is None or pc + 1 >= len(code):
            return None
        return subs.get(code[pc + 1])


@cache
def opcodes(version: int) -> OpTable:
    """The opcode table of AVM `version` (1 to `MAX_VERSION`)."""
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise ValueError(f"AVM version {version} is not between {MIN_VERSION} and {MAX_VERSION}")
    specs = [
        _in_version(s, version) for s in _base_specs(_spec_version(version)) if s.version <= version
    ]
    sub_ops: dict[int, dict[int, OpSpec]] = {}
    for s in specs:
        if s.sub_opcode is not None:
            sub_ops.setdefault(s.opcode, {})[s.sub_opcode] = s
    return OpTable(
        version,
        by_opcode={s.opcode: s for s in specs if s.sub_opcode is None},
        by_name={s.name: s for s in specs},
        sub_ops=sub_ops,
    )


def field_group_of(spec: OpSpec) -> FieldGroup | None:
    """The field group an opcode's immediate names (txn and gtxn name array fields too)."""
    name = spec.field_group
    if name is None:
        return None
    if name == _TXN_GROUP:
        return field_groups()[ALL_TXN_FIELDS]
    return field_groups()[name]  # "txn" (itxn_field): the fields an inner txn may set


# Named integers TEAL accepts wherever `int` takes a number. The language spec does not list
# them: they are the transaction type enum (`txn TypeEnum`), by wire name and by long name, and
# the OnCompletion actions (`txn OnCompletion`). A name's position is its value.
TXN_TYPE_NAMES: tuple[str, ...] = (
    "unknown",
    "pay",
    "keyreg",
    "acfg",
    "axfer",
    "afrz",
    "appl",
    "stpf",
    "hb",
)
TXN_TYPE_LONG_NAMES: dict[str, str] = {
    "pay": "Payment",
    "keyreg": "KeyRegistration",
    "acfg": "AssetConfig",
    "axfer": "AssetTransfer",
    "afrz": "AssetFreeze",
    "appl": "ApplicationCall",
    "stpf": "State Proof",
    "hb": "Consensus heartbeat",
}
ON_COMPLETION_NAMES: tuple[str, ...] = (
    "NoOp",
    "OptIn",
    "CloseOut",
    "ClearState",
    "UpdateApplication",
    "DeleteApplication",
)

# Opcodes after which control never falls through to the next instruction (`callsub` comes
# back, but only through `retsub`, so the code after it is entered like a label).
NO_FALL_THROUGH: frozenset[str] = frozenset({"b", "callsub", "retsub", "err", "return"})


@cache
def named_int_constants() -> dict[str, int]:
    """Every name `int` accepts, with its value: transaction types, then OnCompletion actions."""
    names = {name: value for value, name in enumerate(TXN_TYPE_NAMES)}
    names.update({long: names[short] for short, long in TXN_TYPE_LONG_NAMES.items()})
    names.update({name: value for value, name in enumerate(ON_COMPLETION_NAMES)})
    return names
