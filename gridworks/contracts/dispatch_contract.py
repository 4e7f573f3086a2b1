"""DispatchContract: one per (Scada, AtomicTNode) pair, keeping both parties' heartbeats.

Created with the GNodeFactory app and the TerminalAsset alias; `bootstrap` (creator only, once)
accepts the ScadaCert and TaTradingRights asset ids only when each was created by the factory's
app account, carries the expected unit name, and its metadata hash is sha256 of the ARC-3 JSON
binding this TerminalAsset alias (see `certs.py`). A look-alike ASA made by anyone else fails the
creator check; a genuine certificate of another TerminalAsset fails the hash check. `heartbeat`
is then open only to the current holders of those two certificates.
"""

# No `from __future__ import annotations`: PyTeal reads the ABI types from live annotations.
import pyteal as pt
from beaker import Application, Authorize, GlobalStateValue

from gridworks.contracts.certs import arc3_json
from gridworks.identity.certificates import CertificateKind


class DispatchState:
    factory = GlobalStateValue(pt.TealType.bytes, descr="the GNodeFactory app address")
    ta_alias = GlobalStateValue(pt.TealType.bytes)
    scada_cert = GlobalStateValue(pt.TealType.uint64, default=pt.Int(0))
    trading_rights = GlobalStateValue(pt.TealType.uint64, default=pt.Int(0))
    scada_heartbeat = GlobalStateValue(pt.TealType.uint64, default=pt.Int(0))
    trader_heartbeat = GlobalStateValue(pt.TealType.uint64, default=pt.Int(0))


app = Application(
    "DispatchContract",
    descr="Heartbeats between a Scada and its AtomicTNode, gated by their factory certificates.",
    state=DispatchState(),
)


@app.create
def create(factory: pt.abi.Application, ta_alias: pt.abi.String) -> pt.Expr:
    address = pt.AppParam.address(factory.application_id())
    return pt.Seq(
        app.initialize_global_state(),
        address,
        pt.Assert(address.hasValue(), comment="unknown factory app"),
        app.state.factory.set(address.value()),
        app.state.ta_alias.set(ta_alias.get()),
    )


def certified(asset: pt.Expr, kind: CertificateKind) -> pt.Expr:
    creator = pt.AssetParam.creator(asset)
    unit = pt.AssetParam.unitName(asset)
    digest = pt.AssetParam.metadataHash(asset)
    return pt.Seq(
        creator,
        unit,
        digest,
        pt.Assert(
            creator.hasValue(),
            creator.value() == app.state.factory.get(),
            comment=f"{kind.value} not issued by the factory",
        ),
        pt.Assert(unit.value() == pt.Bytes(kind.unit_name), comment=f"not a {kind.value}"),
        pt.Assert(
            digest.value() == pt.Sha256(arc3_json(kind, app.state.ta_alias.get())),
            comment=f"{kind.value} bound to another alias",
        ),
    )


@app.external(authorize=Authorize.only_creator())
def bootstrap(scada_cert: pt.abi.Asset, trading_rights: pt.abi.Asset) -> pt.Expr:
    return pt.Seq(
        pt.Assert(app.state.scada_cert.get() == pt.Int(0), comment="already bootstrapped"),
        certified(scada_cert.asset_id(), CertificateKind.ScadaCert),
        certified(trading_rights.asset_id(), CertificateKind.TaTradingRights),
        app.state.scada_cert.set(scada_cert.asset_id()),
        app.state.trading_rights.set(trading_rights.asset_id()),
    )


def holds(asset: pt.Expr) -> pt.Expr:
    balance = pt.AssetHolding.balance(pt.Txn.sender(), asset)
    return pt.Seq(balance, pt.And(balance.hasValue(), balance.value() == pt.Int(1)))


@app.external
def heartbeat() -> pt.Expr:
    """Records the round for whichever party (ScadaCert or TaTradingRights holder) calls."""
    return pt.Seq(
        pt.Assert(app.state.scada_cert.get() != pt.Int(0), comment="not bootstrapped"),
        pt.If(holds(app.state.scada_cert.get()))
        .Then(app.state.scada_heartbeat.set(pt.Global.round()))
        .ElseIf(holds(app.state.trading_rights.get()))
        .Then(app.state.trader_heartbeat.set(pt.Global.round()))
        .Else(pt.Reject()),
    )
