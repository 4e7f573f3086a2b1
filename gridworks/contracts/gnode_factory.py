"""GNodeFactory: the one contract that certifies validators and service GNodes and mints GNode
certificates.

Certificates are ASAs created by this app's account (so "issued by this factory" means
`creator == factory app address`): total 1, decimals 0, default frozen, and the app is manager,
reserve, freeze and clawback. A holder therefore cannot pass a certificate on by itself: every
move (first delivery, a trading-rights sale, a revocation) is a clawback made by the factory.

Minting and delivery are two steps because a holder can only opt in to an asset that exists:
a minting call leaves the certificate in the app account; the holder opts in and then anyone
calls `deliver(alias, slot)`, which claws it into the holder recorded in the registry (typically
the opt-in and `deliver` are one atomic group sent by the holder).

Registry: box b"g" + alias holds the GNode record (the ABI encoding of `GNodeRecord`, with fixed
offsets for the fields that change, updated in place); box b"v" + validator address holds that
validator's alias. Records are never deleted, so an alias is never reused, even after permanent
deactivation. Every write of a record box is logged (`identity.record.RECORD_EVENTS`: an event
prefix, the box key, the whole record as written), so the registry as of any past round can be
read back from blocks (`gridworks.identity.history`).

Revocation (`revoke(alias, slot)`, admin): the factory claws the certificate back into its own
account and destroys the ASA; the record's asset id becomes 0 and a new certificate of that slot
can only be minted by a fresh issuing call (for ScadaCert) — TaDeed/TaTradingRights,
ValidatorCert and ServiceCert are not re-minted for the same alias. A destroyed asset cannot
satisfy any holder check, so revocation is final for that certificate.

Re-alias (`realias(old_alias, new_alias)`, admin): a TerminalAsset moves to a new, never used
alias with the same holders; the old record becomes PermanentlyDeactivated (its asset ids 0) and
every live certificate is re-issued: the old ASA is clawed back and destroyed, a new one bound to
the new alias is minted into the app account and delivered by `deliver(new_alias, slot)`.

The admin may be any address, a k-of-n multisig included: the ledger checks the multisig, the
contract only compares `Txn.sender()`.

Aliases: the contract refuses every alias `identity/alias.py` refuses (`checked_root_length`), so
no record it writes can fail to parse as a GNode; a validator's or a service's alias is not a root
and does not end in `.ta` or `.scada`, a TerminalAsset's ends in `.ta`.

Deposits: every call that grows the app account's minimum balance (`certify_validator`,
`certify_service`, `create_terminal_asset`, `issue_scada_cert`, `realias`: a box of 2,500 + 400
per byte of key and value, 100,000 per certificate created) needs, immediately before it in the
group, a payment to the app account covering that increase; the contract measures it
(`min_balance` before and after) and refuses the whole group if the payment falls short. The app
account therefore needs only its own 0.1 Algo at deployment, however many GNodes it certifies.

Immutable: every UpdateApplication and DeleteApplication is refused, the admin's included.
"""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
from typing import TYPE_CHECKING

import pyteal as pt
from beaker import Application, GlobalStateValue

from gridworks.contracts.certs import (
    MAX_ALIAS,
    SERVICE_PARENT_CODES,
    TERMINAL_ASSET_PARENT_CODES,
    TRANSITION_MASKS,
    WORLD_SERVICE_CODES,
    arc3_json,
    asset_name_expr,
)
from gridworks.identity.certificates import CertificateKind, Slot, arc3_url
from gridworks.identity.record import HEAD_SIZE as HEAD
from gridworks.identity.record import (
    RECORD_CREATED,
    RECORD_FIELDS,
    RECORD_PREFIX,
    RECORD_UPDATED,
    VALIDATOR_PREFIX,
    static_offset,
)
from gridworks.identity.roles import SCADA_WORD, TA_WORD, GNodeRole
from gridworks.identity.status import GNodeStatus

# the fields updated in place, at their offsets in the record's head (identity/record.py)
ROLE_AT = static_offset("role")
STATUS_AT = static_offset("status")
ID_AT = static_offset("primary_cert")  # then trading_rights, scada_cert: 8 bytes each
HOLDER_AT = static_offset("owner")  # then trader, scada: 32 bytes each

_ABI_TYPES = {
    "uint8": pt.abi.Uint8,
    "uint64": pt.abi.Uint64,
    "string": pt.abi.String,
    "address": pt.abi.Address,
}
if TYPE_CHECKING:  # the type checker sees the base class; PyTeal needs the fields' annotations
    GNodeRecord = pt.abi.NamedTuple
else:
    GNodeRecord = type(
        "GNodeRecord",
        (pt.abi.NamedTuple,),
        {
            "__annotations__": {name: pt.abi.Field[_ABI_TYPES[abi]] for name, abi in RECORD_FIELDS},
            "__module__": __name__,
            "__doc__": "The registry record, built from `identity.record.RECORD_FIELDS`.",
        },
    )


class FactoryState:
    admin = GlobalStateValue(pt.TealType.bytes, descr="may be a multisig address")
    validators = GlobalStateValue(pt.TealType.uint64, default=pt.Int(0))
    terminal_assets = GlobalStateValue(pt.TealType.uint64, default=pt.Int(0))
    scada_certs = GlobalStateValue(pt.TealType.uint64, default=pt.Int(0))
    services = GlobalStateValue(pt.TealType.uint64, default=pt.Int(0))


app = Application(
    "GNodeFactory",
    descr="Certifies validators and service GNodes and mints GNode certificates (ValidatorCert, "
    "ServiceCert, TaDeed, TaTradingRights, ScadaCert).",
    state=FactoryState(),
)

# ---- helpers ---------------------------------------------------------------------------------


def record_key(alias: pt.Expr) -> pt.Expr:
    return pt.Concat(pt.Bytes(RECORD_PREFIX.decode()), alias)


def validator_key(address: pt.Expr) -> pt.Expr:
    return pt.Concat(pt.Bytes(VALIDATOR_PREFIX.decode()), address)


def uint16(value: pt.Expr) -> pt.Expr:
    return pt.Extract(pt.Itob(value), pt.Int(6), pt.Int(2))


def only_admin() -> pt.Expr:
    return pt.Assert(pt.Txn.sender() == app.state.admin.get(), comment="only the admin")


def id_at(slot: pt.Expr) -> pt.Expr:
    return pt.Int(ID_AT) + (slot - pt.Int(1)) * pt.Int(8)


def holder_at(slot: pt.Expr) -> pt.Expr:
    return pt.Int(HOLDER_AT) + (slot - pt.Int(1)) * pt.Int(32)


def field_u8(key: pt.Expr, at: int) -> pt.Expr:
    return pt.GetByte(pt.BoxExtract(key, pt.Int(at), pt.Int(1)), pt.Int(0))


@pt.Subroutine(pt.TealType.uint64)
def checked_root_length(alias: pt.Expr) -> pt.Expr:
    """Refuses an alias `identity/alias.py:check_alias` refuses; evaluates to its root's length.

    The same grammar, byte by byte: 1 to 63 bytes of lowercase letters, digits and dots; words
    (between dots) non-empty; the first byte a letter; the root (first word) exactly `w`, or `d`
    or `h` followed by at least one lowercase alphanumeric (so a bare `d` or `h` root is refused:
    `tests/contracts/test_alias_grammar.py` holds the one table both sides are tested against).
    """
    i = pt.ScratchVar(pt.TealType.uint64)
    c = pt.ScratchVar(pt.TealType.uint64)
    prev = pt.ScratchVar(pt.TealType.uint64)
    root = pt.ScratchVar(pt.TealType.uint64)
    n = pt.Len(alias)
    first = pt.GetByte(alias, pt.Int(0))
    return pt.Seq(
        pt.Assert(n > pt.Int(0), n <= pt.Int(MAX_ALIAS), comment="alias length"),
        prev.store(first),
        pt.Assert(prev.load() >= pt.Int(ord("a")), comment="alias starts with a letter"),
        pt.Assert(prev.load() <= pt.Int(ord("z")), comment="alias starts with a letter"),
        root.store(n),
        pt.For(i.store(pt.Int(1)), i.load() < n, i.store(i.load() + pt.Int(1))).Do(
            c.store(pt.GetByte(alias, i.load())),
            pt.If(c.load() == pt.Int(ord(".")))
            .Then(
                pt.Assert(prev.load() != pt.Int(ord(".")), comment="empty alias word"),
                pt.If(root.load() == n).Then(root.store(i.load())),
            )
            .ElseIf(c.load() >= pt.Int(ord("a")))
            .Then(pt.Assert(c.load() <= pt.Int(ord("z")), comment="alias character"))
            .Else(
                pt.Assert(c.load() >= pt.Int(ord("0")), comment="alias character"),
                pt.Assert(c.load() <= pt.Int(ord("9")), comment="alias character"),
            ),
            prev.store(c.load()),
        ),
        pt.Assert(prev.load() != pt.Int(ord(".")), comment="empty alias word"),
        pt.Assert(
            pt.Or(
                pt.And(first == pt.Int(ord("w")), root.load() == pt.Int(1)),
                pt.And(
                    pt.Or(first == pt.Int(ord("d")), first == pt.Int(ord("h"))),
                    root.load() > pt.Int(1),
                ),
            ),
            comment="alias root is d or h + lowercase alphanumerics, or w",
        ),
        root.load(),
    )


def alias_budget(alias: pt.Expr, extra: int) -> pt.Expr:
    """Enough opcode budget for `checked_root_length` (it loops over the alias's bytes)."""
    return pt.OpUp(pt.OpUpMode.OnCall).ensure_budget(
        pt.Len(alias) * pt.Int(40) + pt.Int(extra), pt.OpUpFeeSource.GroupCredit
    )


def ends_with(value: pt.Expr, suffix: str) -> pt.Expr:
    """`value` (a stored value: it is read twice) ends in `suffix`."""
    k = pt.Int(len(suffix))
    return pt.And(pt.Len(value) >= k, pt.Extract(value, pt.Len(value) - k, k) == pt.Bytes(suffix))


@pt.Subroutine(pt.TealType.none)
def assert_validator_alias(alias: pt.Expr) -> pt.Expr:
    """A valid alias that a Validator GNode may have (`identity/gnode.py`): not a root (a root
    alias is a World's) and not ending in a reserved word (`.ta`, `.scada`)."""
    return pt.Seq(
        pt.Assert(
            checked_root_length(alias) < pt.Len(alias), comment="a validator's alias is not a root"
        ),
        pt.Assert(
            pt.Not(ends_with(alias, f".{TA_WORD}")),
            pt.Not(ends_with(alias, f".{SCADA_WORD}")),
            comment="a validator's alias does not end in .ta or .scada",
        ),
    )


@pt.Subroutine(pt.TealType.none)
def assert_terminal_asset_alias(alias: pt.Expr) -> pt.Expr:
    """A valid alias whose last word is `ta`."""
    return pt.Seq(
        alias_budget(alias, 400),
        pt.Pop(checked_root_length(alias)),
        pt.Assert(ends_with(alias, f".{TA_WORD}"), comment="TerminalAsset alias ends in .ta"),
    )


def parent_alias(alias: pt.Expr) -> pt.Expr:
    """A TerminalAsset alias minus its `.ta` (`alias` must already have passed
    `assert_terminal_asset_alias`)."""
    return pt.Extract(alias, pt.Int(0), pt.Len(alias) - pt.Int(3))


@pt.Subroutine(pt.TealType.none)
def assert_terminal_asset_parent(alias: pt.Expr) -> pt.Expr:
    """If the parent alias has a registry record, its role is AtomicTNode or AtomicMeteringNode
    (so never a TerminalAsset nor a validator). An unregistered parent passes: the factory does not
    register AtomicTNodes yet."""
    record = pt.BoxGet(record_key(parent_alias(alias)))
    role = pt.GetByte(record.value(), pt.Int(ROLE_AT))
    return pt.Seq(
        record,
        pt.If(record.hasValue()).Then(
            pt.Assert(
                pt.Or(*(role == pt.Int(r) for r in TERMINAL_ASSET_PARENT_CODES)),
                comment="parent is not an AtomicTNode",
            )
        ),
    )


@pt.Subroutine(pt.TealType.uint64)
def signed_by(address: pt.Expr) -> pt.Expr:
    """Whether some transaction of this group is signed by (sent from) `address`."""
    i = pt.ScratchVar(pt.TealType.uint64)
    return pt.Seq(
        pt.For(
            i.store(pt.Int(0)), i.load() < pt.Global.group_size(), i.store(i.load() + pt.Int(1))
        ).Do(pt.If(pt.Gtxn[i.load()].sender() == address).Then(pt.Return(pt.Int(1)))),
        pt.Int(0),
    )


def mint(kind: CertificateKind, alias: pt.Expr) -> pt.Expr:
    """Creates the certificate in the app account; evaluates to its asset id."""
    me = pt.Global.current_application_address()
    return pt.Seq(
        pt.InnerTxnBuilder.Execute(
            {
                pt.TxnField.type_enum: pt.TxnType.AssetConfig,
                pt.TxnField.config_asset_total: pt.Int(1),
                pt.TxnField.config_asset_decimals: pt.Int(0),
                pt.TxnField.config_asset_default_frozen: pt.Int(1),
                pt.TxnField.config_asset_unit_name: pt.Bytes(kind.unit_name),
                pt.TxnField.config_asset_name: asset_name_expr(alias),
                pt.TxnField.config_asset_url: pt.Bytes(arc3_url(kind)),
                pt.TxnField.config_asset_metadata_hash: pt.Sha256(arc3_json(kind, alias)),
                pt.TxnField.config_asset_manager: me,
                pt.TxnField.config_asset_reserve: me,
                pt.TxnField.config_asset_freeze: me,
                pt.TxnField.config_asset_clawback: me,
                pt.TxnField.fee: pt.Int(0),
            }
        ),
        pt.InnerTxn.created_asset_id(),
    )


@pt.Subroutine(pt.TealType.none)
def claw(asset: pt.Expr, source: pt.Expr, target: pt.Expr) -> pt.Expr:
    return pt.InnerTxnBuilder.Execute(
        {
            pt.TxnField.type_enum: pt.TxnType.AssetTransfer,
            pt.TxnField.xfer_asset: asset,
            pt.TxnField.asset_amount: pt.Int(1),
            pt.TxnField.asset_sender: source,
            pt.TxnField.asset_receiver: target,
            pt.TxnField.fee: pt.Int(0),
        }
    )


@pt.Subroutine(pt.TealType.none)
def take_back_and_destroy(asset: pt.Expr, holder: pt.Expr) -> pt.Expr:
    """Claws the certificate back from its recorded holder (unless the app holds it: not yet
    delivered, or closed out by the holder) and destroys the ASA."""
    me = pt.Global.current_application_address()
    return pt.Seq(
        pt.If(pt.And(holder != me, holds(holder, asset))).Then(claw(asset, holder, me)),
        pt.InnerTxnBuilder.Execute(
            {
                pt.TxnField.type_enum: pt.TxnType.AssetConfig,
                pt.TxnField.config_asset: asset,
                pt.TxnField.fee: pt.Int(0),
            }
        ),
    )


@pt.Subroutine(pt.TealType.uint64)
def holds(account: pt.Expr, asset: pt.Expr) -> pt.Expr:
    balance = pt.AssetHolding.balance(account, asset)
    return pt.Seq(balance, pt.And(balance.hasValue(), balance.value() == pt.Int(1)))


def deposit_before() -> pt.Expr:
    """The app account's minimum balance now: `assert_deposit_paid` compares against it."""
    return pt.MinBalance(pt.Global.current_application_address())


def assert_deposit_paid(before: pt.Expr) -> pt.Expr:
    """The payment immediately before this call (to the app account, no close-out, no rekey)
    covers the minimum-balance increase this call caused (boxes, created certificates): each
    registration pays its own way, so the factory's account never runs dry however many GNodes it
    certifies. Call it last, with `before` read (by `deposit_before`) at the method's start."""
    me = pt.Global.current_application_address()
    payment = pt.Gtxn[pt.Txn.group_index() - pt.Int(1)]
    return pt.Seq(
        pt.Assert(
            pt.Txn.group_index() > pt.Int(0),
            comment="needs a deposit payment to the factory just before this call",
        ),
        pt.Assert(
            payment.type_enum() == pt.TxnType.Payment,
            payment.receiver() == me,
            payment.close_remainder_to() == pt.Global.zero_address(),
            payment.rekey_to() == pt.Global.zero_address(),
            comment="needs a deposit payment to the factory just before this call",
        ),
        pt.Assert(
            payment.amount() + before >= pt.MinBalance(me),
            comment="the deposit does not cover the minimum-balance increase",
        ),
    )


@pt.Subroutine(pt.TealType.none)
def put_record(
    key: pt.Expr,
    role: pt.Expr,
    alias: pt.Expr,
    parent: pt.Expr,
    primary: pt.Expr,
    trading: pt.Expr,
    owner: pt.Expr,
    trader: pt.Expr,
) -> pt.Expr:
    zero = pt.Global.zero_address()
    return pt.BoxPut(
        key,
        pt.Concat(
            pt.Extract(pt.Itob(role), pt.Int(7), pt.Int(1)),
            pt.Bytes("base16", f"{GNodeStatus.Active.code:02x}"),
            uint16(pt.Int(HEAD)),
            uint16(pt.Int(HEAD + 2) + pt.Len(alias)),
            pt.Itob(primary),
            pt.Itob(trading),
            pt.Itob(pt.Int(0)),
            owner,
            trader,
            zero,
            uint16(pt.Len(alias)),
            alias,
            uint16(pt.Len(parent)),
            parent,
        ),
    )


@pt.Subroutine(pt.TealType.none)
def log_record(event: pt.Expr, key: pt.Expr) -> pt.Expr:
    """Logs the record box `key` as it now is, after `event` (`RECORD_CREATED` or
    `RECORD_UPDATED`) and the key's length: blocks carry logs but not box changes, so this is how
    the registry's history can be read back later (`gridworks.identity.history`)."""
    box = pt.BoxGet(key)
    return pt.Seq(box, pt.Log(pt.Concat(event, uint16(pt.Len(key)), key, box.value())))


def logged_created(key: pt.Expr) -> pt.Expr:
    return log_record(pt.Bytes(RECORD_CREATED.decode()), key)


def logged_updated(key: pt.Expr) -> pt.Expr:
    return log_record(pt.Bytes(RECORD_UPDATED.decode()), key)


def existing(key: pt.Expr) -> pt.Expr:
    length = pt.BoxLen(key)
    return pt.Seq(length, pt.Assert(length.hasValue(), comment="unknown alias"))


def assert_active_terminal_asset(key: pt.Expr) -> pt.Expr:
    return pt.Seq(
        existing(key),
        pt.Assert(
            field_u8(key, ROLE_AT) == pt.Int(GNodeRole.TerminalAsset.code),
            comment="not a TerminalAsset",
        ),
        pt.Assert(
            field_u8(key, STATUS_AT) == pt.Int(GNodeStatus.Active.code), comment="not active"
        ),
    )


# ---- methods ---------------------------------------------------------------------------------


@app.create
def create(admin: pt.abi.Address) -> pt.Expr:
    return pt.Seq(app.initialize_global_state(), app.state.admin.set(admin.get()))


# The factory is immutable, by rule: no one, its admin included, may update or delete it. Its
# program is what every counterparty trusts when it checks a certificate (`creator == factory`),
# and deleting it would strand every certificate and the deposits it holds. A new version is a
# new factory (a new app id). Any UpdateApplication or DeleteApplication call is refused: a bare
# one by these handlers, with the message below; one naming an ABI method by the router (no
# method accepts those OnCompletes).


@app.update(bare=True)
def update() -> pt.Expr:
    return pt.Assert(pt.Int(0), comment="the GNodeFactory is immutable: no update")


@app.delete(bare=True)
def delete() -> pt.Expr:
    return pt.Assert(pt.Int(0), comment="the GNodeFactory is immutable: no delete")


@app.external
def certify_validator(
    validator: pt.abi.Address, alias: pt.abi.String, *, output: pt.abi.Uint64
) -> pt.Expr:
    """Admin only: mints the validator's ValidatorCert (delivered by `deliver(alias, 1)`).

    Needs, immediately before this call, a deposit payment to the app account (from anyone)
    covering the two boxes and the certificate it adds to the app account's minimum balance."""
    name = pt.ScratchVar(pt.TealType.bytes)
    cert = pt.ScratchVar(pt.TealType.uint64)
    before = pt.ScratchVar(pt.TealType.uint64)
    taken = pt.BoxLen(record_key(name.load()))
    known = pt.BoxLen(validator_key(validator.get()))
    return pt.Seq(
        only_admin(),
        before.store(deposit_before()),
        name.store(alias.get()),
        alias_budget(name.load(), 400),
        assert_validator_alias(name.load()),
        taken,
        pt.Assert(pt.Not(taken.hasValue()), comment="alias already registered"),
        known,
        pt.Assert(pt.Not(known.hasValue()), comment="validator already certified"),
        cert.store(mint(CertificateKind.ValidatorCert, name.load())),
        pt.BoxPut(validator_key(validator.get()), name.load()),
        put_record(
            record_key(name.load()),
            pt.Int(GNodeRole.Validator.code),
            name.load(),
            pt.Bytes(""),
            cert.load(),
            pt.Int(0),
            validator.get(),
            pt.Global.zero_address(),
        ),
        logged_created(record_key(name.load())),
        app.state.validators.increment(),
        assert_deposit_paid(before.load()),
        output.set(cert.load()),
    )


@pt.Subroutine(pt.TealType.uint64)
def last_dot(alias: pt.Expr) -> pt.Expr:
    """The index of the last `.` in `alias` (0 if it has none)."""
    i = pt.ScratchVar(pt.TealType.uint64)
    at = pt.ScratchVar(pt.TealType.uint64)
    return pt.Seq(
        at.store(pt.Int(0)),
        pt.For(i.store(pt.Int(0)), i.load() < pt.Len(alias), i.store(i.load() + pt.Int(1))).Do(
            pt.If(pt.GetByte(alias, i.load()) == pt.Int(ord("."))).Then(at.store(i.load()))
        ),
        at.load(),
    )


@app.external
def certify_service(
    alias: pt.abi.String, role: pt.abi.Uint8, holder: pt.abi.Address, *, output: pt.abi.Uint64
) -> pt.Expr:
    """Admin only: registers the service GNode `alias` as `role` (a `roles.SERVICE_ROLES` byte:
    TimeCoordinator, Supervisor, MarketMaker, PriceService, WeatherService) and mints its
    ServiceCert into the app account (delivered to `holder` by `deliver(alias, 1)`). The record
    is a validator's layout: the ServiceCert in the primary slot, `holder` as owner, the parent
    alias (the alias minus its last word) as parent.

    The alias is checked like a validator's (valid, not a root, not ending in `.ta` or `.scada`,
    never registered); a TimeCoordinator's, Supervisor's, PriceService's or WeatherService's sits
    directly under the World (its root plus one word); if the parent alias has a record, its role
    must be one the service may sit under (`PARENT_ROLES`: a MarketMaker for a MarketMaker); and
    the alias must not be a registered TerminalAsset's parent (which is an AtomicTNode).

    Needs, immediately before this call, a deposit payment to the app account (from anyone)
    covering the record box and the certificate it adds to the app account's minimum balance."""
    name = pt.ScratchVar(pt.TealType.bytes)
    code = pt.ScratchVar(pt.TealType.uint64)
    root = pt.ScratchVar(pt.TealType.uint64)
    dot = pt.ScratchVar(pt.TealType.uint64)
    cert = pt.ScratchVar(pt.TealType.uint64)
    before = pt.ScratchVar(pt.TealType.uint64)
    taken = pt.BoxLen(record_key(name.load()))
    device = pt.BoxLen(record_key(pt.Concat(name.load(), pt.Bytes(f".{TA_WORD}"))))
    parent = pt.BoxGet(record_key(pt.Extract(name.load(), pt.Int(0), dot.load())))
    parent_role = pt.GetByte(parent.value(), pt.Int(ROLE_AT))
    parent_fits = [
        pt.And(code.load() == pt.Int(c), pt.Or(*(parent_role == pt.Int(p) for p in parents)))
        for c, parents in SERVICE_PARENT_CODES.items()
        if parents
    ]
    return pt.Seq(
        only_admin(),
        before.store(deposit_before()),
        name.store(alias.get()),
        code.store(role.get()),
        pt.Assert(
            pt.Or(*(code.load() == pt.Int(c) for c in SERVICE_PARENT_CODES)),
            comment="not a service role",
        ),
        pt.OpUp(pt.OpUpMode.OnCall).ensure_budget(
            pt.Len(name.load()) * pt.Int(60) + pt.Int(600), pt.OpUpFeeSource.GroupCredit
        ),
        root.store(checked_root_length(name.load())),
        pt.Assert(root.load() < pt.Len(name.load()), comment="a service's alias is not a root"),
        pt.Assert(
            pt.Not(ends_with(name.load(), f".{TA_WORD}")),
            pt.Not(ends_with(name.load(), f".{SCADA_WORD}")),
            comment="a service's alias does not end in .ta or .scada",
        ),
        dot.store(last_dot(name.load())),
        pt.If(pt.Or(*(code.load() == pt.Int(c) for c in WORLD_SERVICE_CODES))).Then(
            pt.Assert(dot.load() == root.load(), comment="this service sits under the World")
        ),
        taken,
        pt.Assert(pt.Not(taken.hasValue()), comment="alias already registered"),
        device,
        pt.Assert(pt.Not(device.hasValue()), comment="alias is a TerminalAsset's AtomicTNode"),
        parent,
        pt.If(parent.hasValue()).Then(
            pt.Assert(pt.Or(*parent_fits) if parent_fits else pt.Int(0), comment="parent role")
        ),
        cert.store(mint(CertificateKind.ServiceCert, name.load())),
        put_record(
            record_key(name.load()),
            code.load(),
            name.load(),
            pt.Extract(name.load(), pt.Int(0), dot.load()),
            cert.load(),
            pt.Int(0),
            holder.get(),
            pt.Global.zero_address(),
        ),
        logged_created(record_key(name.load())),
        app.state.services.increment(),
        assert_deposit_paid(before.load()),
        output.set(cert.load()),
    )


@app.external
def create_terminal_asset(
    alias: pt.abi.String, owner: pt.abi.Address, trader: pt.abi.Address
) -> pt.Expr:
    """Needs, immediately before this call, a payment from a certified active validator to the
    app account whose note is the alias (the validator's approval) and whose amount is the deposit:
    at least the minimum-balance increase of the record box and the two certificates. Mints
    TaDeed (owner) and TaTradingRights (trader).

    The parent alias is the alias minus `.ta`. If it has a registry record, that record's role
    must be AtomicTNode or AtomicMeteringNode (a registered TerminalAsset or validator alias is
    refused). A parent with no record is allowed: the factory does not register AtomicTNodes yet,
    so the parent's role cannot be checked on chain until it does.
    """
    name = pt.ScratchVar(pt.TealType.bytes)
    validator = pt.ScratchVar(pt.TealType.bytes)
    vkey = pt.ScratchVar(pt.TealType.bytes)
    cert = pt.ScratchVar(pt.TealType.uint64)
    deed = pt.ScratchVar(pt.TealType.uint64)
    before = pt.ScratchVar(pt.TealType.uint64)
    valias = pt.BoxGet(validator_key(validator.load()))
    taken = pt.BoxLen(record_key(name.load()))
    creator = pt.AssetParam.creator(cert.load())
    unit = pt.AssetParam.unitName(cert.load())
    me = pt.Global.current_application_address()
    approval = pt.Gtxn[pt.Txn.group_index() - pt.Int(1)]
    return pt.Seq(
        before.store(deposit_before()),
        name.store(alias.get()),
        pt.Assert(pt.Txn.group_index() > pt.Int(0), comment="needs a validator's approval"),
        pt.Assert(
            approval.type_enum() == pt.TxnType.Payment,
            approval.receiver() == me,
            approval.close_remainder_to() == pt.Global.zero_address(),
            approval.rekey_to() == pt.Global.zero_address(),
            approval.note() == name.load(),
            comment="needs a validator's approval",
        ),
        validator.store(approval.sender()),
        valias,
        pt.Assert(valias.hasValue(), comment="not a certified validator"),
        vkey.store(record_key(valias.value())),
        pt.Assert(
            field_u8(vkey.load(), STATUS_AT) == pt.Int(GNodeStatus.Active.code),
            comment="validator not active",
        ),
        cert.store(pt.Btoi(pt.BoxExtract(vkey.load(), pt.Int(ID_AT), pt.Int(8)))),
        pt.Assert(cert.load() != pt.Int(0), comment="validator's certificate revoked"),
        creator,
        unit,
        pt.Assert(
            holds(validator.load(), cert.load()),
            creator.hasValue(),
            creator.value() == me,
            unit.value() == pt.Bytes(CertificateKind.ValidatorCert.unit_name),
            comment="validator does not hold a ValidatorCert from this factory",
        ),
        assert_terminal_asset_alias(name.load()),
        assert_terminal_asset_parent(name.load()),
        taken,
        pt.Assert(pt.Not(taken.hasValue()), comment="alias already registered"),
        deed.store(mint(CertificateKind.TaDeed, name.load())),
        put_record(
            record_key(name.load()),
            pt.Int(GNodeRole.TerminalAsset.code),
            name.load(),
            parent_alias(name.load()),
            deed.load(),
            mint(CertificateKind.TaTradingRights, name.load()),
            owner.get(),
            trader.get(),
        ),
        logged_created(record_key(name.load())),
        app.state.terminal_assets.increment(),
        assert_deposit_paid(before.load()),
    )


@app.external
def deliver(alias: pt.abi.String, slot: pt.abi.Uint8) -> pt.Expr:
    """Claws a freshly minted certificate from the app account into its recorded holder (who
    must have opted in). Anyone may call: the destination is fixed by the registry."""
    key = pt.ScratchVar(pt.TealType.bytes)
    asset = pt.ScratchVar(pt.TealType.uint64)
    return pt.Seq(
        key.store(record_key(alias.get())),
        existing(key.load()),
        pt.Assert(slot.get() >= pt.Int(int(Slot.PRIMARY)), slot.get() <= pt.Int(int(Slot.SCADA))),
        asset.store(pt.Btoi(pt.BoxExtract(key.load(), id_at(slot.get()), pt.Int(8)))),
        pt.Assert(asset.load() != pt.Int(0), comment="no such certificate"),
        pt.Assert(
            holds(pt.Global.current_application_address(), asset.load()),
            comment="already delivered",
        ),
        claw(
            asset.load(),
            pt.Global.current_application_address(),
            pt.BoxExtract(key.load(), holder_at(slot.get()), pt.Int(32)),
        ),
    )


@app.external
def issue_scada_cert(
    ta_alias: pt.abi.String, scada: pt.abi.Address, *, output: pt.abi.Uint64
) -> pt.Expr:
    """Needs the deed owner's signature in the group, and immediately before this call a deposit
    payment to the app account covering the certificate. Mints a ScadaCert bound to the TA alias."""
    key = pt.ScratchVar(pt.TealType.bytes)
    cert = pt.ScratchVar(pt.TealType.uint64)
    before = pt.ScratchVar(pt.TealType.uint64)
    return pt.Seq(
        before.store(deposit_before()),
        key.store(record_key(ta_alias.get())),
        assert_active_terminal_asset(key.load()),
        pt.Assert(
            signed_by(pt.BoxExtract(key.load(), pt.Int(HOLDER_AT), pt.Int(32))),
            comment="needs the deed owner's signature",
        ),
        pt.Assert(
            pt.Btoi(pt.BoxExtract(key.load(), id_at(pt.Int(int(Slot.PRIMARY))), pt.Int(8)))
            != pt.Int(0),
            comment="TaDeed revoked",
        ),
        pt.Assert(
            pt.Btoi(pt.BoxExtract(key.load(), id_at(pt.Int(int(Slot.SCADA))), pt.Int(8)))
            == pt.Int(0),
            comment="a ScadaCert exists; revoke it first",
        ),
        cert.store(mint(CertificateKind.ScadaCert, ta_alias.get())),
        pt.BoxReplace(key.load(), id_at(pt.Int(int(Slot.SCADA))), pt.Itob(cert.load())),
        pt.BoxReplace(key.load(), holder_at(pt.Int(int(Slot.SCADA))), scada.get()),
        logged_updated(key.load()),
        app.state.scada_certs.increment(),
        assert_deposit_paid(before.load()),
        output.set(cert.load()),
    )


@app.external
def move_trading_rights(ta_alias: pt.abi.String, new_trader: pt.abi.Address) -> pt.Expr:
    """Needs the current trader's signature in the group; the new trader must have opted in."""
    key = pt.ScratchVar(pt.TealType.bytes)
    trader = pt.ScratchVar(pt.TealType.bytes)
    asset = pt.ScratchVar(pt.TealType.uint64)
    at = holder_at(pt.Int(int(Slot.TRADING)))
    return pt.Seq(
        key.store(record_key(ta_alias.get())),
        assert_active_terminal_asset(key.load()),
        trader.store(pt.BoxExtract(key.load(), at, pt.Int(32))),
        pt.Assert(signed_by(trader.load()), comment="needs the current trader's signature"),
        asset.store(
            pt.Btoi(pt.BoxExtract(key.load(), id_at(pt.Int(int(Slot.TRADING))), pt.Int(8)))
        ),
        pt.Assert(asset.load() != pt.Int(0), comment="no such certificate"),
        pt.If(holds(trader.load(), asset.load())).Then(
            claw(asset.load(), trader.load(), new_trader.get())
        ),
        pt.BoxReplace(key.load(), at, new_trader.get()),
        logged_updated(key.load()),
    )


@app.external
def set_status(alias: pt.abi.String, status: pt.abi.Uint8) -> pt.Expr:
    """Admin only. Pending->Active; Active->Suspended|PermanentlyDeactivated;
    Suspended->Active|PermanentlyDeactivated; PermanentlyDeactivated is final."""
    key = pt.ScratchVar(pt.TealType.bytes)
    return pt.Seq(
        only_admin(),
        key.store(record_key(alias.get())),
        existing(key.load()),
        pt.Assert(
            status.get() <= pt.Int(GNodeStatus.PermanentlyDeactivated.code), comment="status"
        ),
        pt.Assert(
            pt.BitwiseAnd(
                pt.GetByte(pt.Bytes(TRANSITION_MASKS), field_u8(key.load(), STATUS_AT)),
                pt.ShiftLeft(pt.Int(1), status.get()),
            ),
            comment="status transition not allowed",
        ),
        pt.BoxReplace(key.load(), pt.Int(STATUS_AT), status.encode()),
        logged_updated(key.load()),
    )


@app.external
def revoke(alias: pt.abi.String, slot: pt.abi.Uint8) -> pt.Expr:
    """Admin only: claws the certificate back into the app account and destroys the ASA."""
    key = pt.ScratchVar(pt.TealType.bytes)
    asset = pt.ScratchVar(pt.TealType.uint64)
    return pt.Seq(
        only_admin(),
        key.store(record_key(alias.get())),
        existing(key.load()),
        pt.Assert(slot.get() >= pt.Int(int(Slot.PRIMARY)), slot.get() <= pt.Int(int(Slot.SCADA))),
        asset.store(pt.Btoi(pt.BoxExtract(key.load(), id_at(slot.get()), pt.Int(8)))),
        pt.Assert(asset.load() != pt.Int(0), comment="no such certificate"),
        take_back_and_destroy(
            asset.load(), pt.BoxExtract(key.load(), holder_at(slot.get()), pt.Int(32))
        ),
        pt.BoxReplace(key.load(), id_at(slot.get()), pt.Itob(pt.Int(0))),
        logged_updated(key.load()),
    )


REALIAS_KINDS = {
    Slot.PRIMARY: CertificateKind.TaDeed,
    Slot.TRADING: CertificateKind.TaTradingRights,
    Slot.SCADA: CertificateKind.ScadaCert,
}


@app.external
def realias(old_alias: pt.abi.String, new_alias: pt.abi.String) -> pt.Expr:
    """Admin only: re-registers an active TerminalAsset under a new alias (validated like
    `create_terminal_asset`'s, never registered before) with the same holders, permanently
    deactivates the old record, and re-issues its live certificates: each is clawed back and
    destroyed, and a new one bound to the new alias is minted into the app account (delivered
    by `deliver(new_alias, slot)`). A revoked TaTradingRights or ScadaCert stays revoked.

    The new parent (new alias minus `.ta`) is checked like `create_terminal_asset`'s: if it has a
    registry record its role must be AtomicTNode or AtomicMeteringNode; an unregistered parent is
    allowed, since the factory does not register AtomicTNodes yet.

    Needs, immediately before this call, a deposit payment to the app account covering the new
    record box (each re-issued certificate replaces a destroyed one)."""
    before = pt.ScratchVar(pt.TealType.uint64)
    old = pt.ScratchVar(pt.TealType.bytes)
    new = pt.ScratchVar(pt.TealType.bytes)
    ids = {slot: pt.ScratchVar(pt.TealType.uint64) for slot in REALIAS_KINDS}
    taken = pt.BoxLen(record_key(new.load()))

    def reissue(slot: Slot) -> pt.Expr:
        asset = pt.Btoi(pt.BoxExtract(old.load(), id_at(pt.Int(int(slot))), pt.Int(8)))
        return pt.Seq(
            ids[slot].store(asset),
            pt.If(ids[slot].load() != pt.Int(0)).Then(
                take_back_and_destroy(
                    ids[slot].load(),
                    pt.BoxExtract(old.load(), holder_at(pt.Int(int(slot))), pt.Int(32)),
                ),
                ids[slot].store(mint(REALIAS_KINDS[slot], new.load())),
            ),
        )

    return pt.Seq(
        only_admin(),
        before.store(deposit_before()),
        old.store(record_key(old_alias.get())),
        new.store(new_alias.get()),
        pt.OpUp(pt.OpUpMode.OnCall).ensure_budget(
            pt.Len(new.load()) * pt.Int(40) + pt.Int(1200), pt.OpUpFeeSource.GroupCredit
        ),
        assert_active_terminal_asset(old.load()),
        assert_terminal_asset_alias(new.load()),
        assert_terminal_asset_parent(new.load()),
        taken,
        pt.Assert(pt.Not(taken.hasValue()), comment="alias already registered"),
        pt.Assert(
            pt.Btoi(pt.BoxExtract(old.load(), id_at(pt.Int(int(Slot.PRIMARY))), pt.Int(8)))
            != pt.Int(0),
            comment="TaDeed revoked",
        ),
        *(reissue(slot) for slot in REALIAS_KINDS),
        put_record(
            record_key(new.load()),
            pt.Int(GNodeRole.TerminalAsset.code),
            new.load(),
            parent_alias(new.load()),
            ids[Slot.PRIMARY].load(),
            ids[Slot.TRADING].load(),
            pt.BoxExtract(old.load(), holder_at(pt.Int(int(Slot.PRIMARY))), pt.Int(32)),
            pt.BoxExtract(old.load(), holder_at(pt.Int(int(Slot.TRADING))), pt.Int(32)),
        ),
        pt.BoxReplace(
            record_key(new.load()),
            id_at(pt.Int(int(Slot.SCADA))),
            pt.Itob(ids[Slot.SCADA].load()),
        ),
        pt.BoxReplace(
            record_key(new.load()),
            holder_at(pt.Int(int(Slot.SCADA))),
            pt.BoxExtract(old.load(), holder_at(pt.Int(int(Slot.SCADA))), pt.Int(32)),
        ),
        # the old record keeps its holders but no longer names any (destroyed) certificate
        pt.BoxReplace(old.load(), pt.Int(ID_AT), pt.BytesZero(pt.Int(3 * 8))),
        pt.BoxReplace(
            old.load(),
            pt.Int(STATUS_AT),
            pt.Bytes("base16", f"{GNodeStatus.PermanentlyDeactivated.code:02x}"),
        ),
        logged_created(record_key(new.load())),
        logged_updated(old.load()),
        app.state.terminal_assets.increment(),
        pt.If(ids[Slot.SCADA].load() != pt.Int(0)).Then(app.state.scada_certs.increment()),
        assert_deposit_paid(before.load()),
    )


@app.external(read_only=True)
def get_gnode(alias: pt.abi.String, *, output: GNodeRecord) -> pt.Expr:
    record = pt.BoxGet(record_key(alias.get()))
    return pt.Seq(
        record, pt.Assert(record.hasValue(), comment="unknown alias"), output.decode(record.value())
    )
