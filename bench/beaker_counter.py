"""A small Beaker application for the benchmarks: an ABI router with global state.

No `from __future__ import annotations` here: PyTeal reads ABI types from live annotations.
"""

import pyteal as pt
from beaker import Application, GlobalStateValue


class CounterState:
    count = GlobalStateValue(stack_type=pt.TealType.uint64, default=pt.Int(0))
    last_caller = GlobalStateValue(stack_type=pt.TealType.bytes, default=pt.Bytes(""))


counter = Application("Counter", state=CounterState())


@counter.external
def add(amount: pt.abi.Uint64, *, output: pt.abi.Uint64) -> pt.Expr:
    """Adds `amount` to the count and remembers who called."""
    return pt.Seq(
        counter.state.count.set(counter.state.count + amount.get()),
        counter.state.last_caller.set(pt.Txn.sender()),
        output.set(counter.state.count),
    )


@counter.external(read_only=True)
def greet(name: pt.abi.String, *, output: pt.abi.String) -> pt.Expr:
    return output.set(pt.Concat(pt.Bytes("hello "), name.get()))
