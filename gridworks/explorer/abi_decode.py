"""ARC-4 app calls decoded for display: the method, its arguments and its return value.

Input is the indexer's JSON of an app call; output is plain data (strings, and a `kind` telling
the template which link to make), never HTML.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from algosdk import abi, encoding

from .app_specs import AppSpecs
from .render import readable

RETURN_PREFIX = bytes.fromhex("151f7c75")
"""What an ARC-4 method's last log starts with when it carries the return value."""

MAX_APP_ARGS = 16
"""An app call's most app args: the selector and 15 more, the last holding a tuple of the rest."""


@dataclass(frozen=True)
class Value:
    """One decoded value: `value` to show, and `kind` ("text", "account", "asset", "app")."""

    value: str
    kind: str = "text"


@dataclass(frozen=True)
class DecodedArg:
    name: str
    type: str
    value: Value


@dataclass(frozen=True)
class DecodedCall:
    spec: str
    method: str
    signature: str
    args: list[DecodedArg]
    returns: Value | None = None
    return_type: str = "void"
    problems: list[str] = field(default_factory=list)


def raw_args(args_b64: list[str]) -> list[str]:
    """App args as text when printable, else as 0x-hex."""
    return [readable(base64.b64decode(a)) for a in args_b64]


def _text(abi_type: abi.ABIType, value: Any) -> str:
    """A decoded ABI value as text (bytes as readable text or hex, tuples in parentheses)."""
    if isinstance(abi_type, abi.ArrayDynamicType | abi.ArrayStaticType) and isinstance(
        abi_type.child_type, abi.ByteType
    ):
        return readable(bytes(value))
    if isinstance(abi_type, abi.ArrayDynamicType | abi.ArrayStaticType):
        return "[" + ", ".join(_text(abi_type.child_type, v) for v in value) + "]"
    if isinstance(abi_type, abi.TupleType):
        return (
            "("
            + ", ".join(_text(t, v) for t, v in zip(abi_type.child_types, value, strict=True))
            + ")"
        )
    if isinstance(abi_type, abi.StringType):
        return readable(str(value).encode())
    if isinstance(abi_type, abi.BoolType):
        return "true" if value else "false"
    return str(value)


def decode_value(abi_type: abi.ABIType, raw: bytes) -> Value:
    value = abi_type.decode(raw)
    if isinstance(abi_type, abi.AddressType):
        return Value(str(value), "account")
    return Value(_text(abi_type, value))


def _reference(kind: str, index: int, call: dict[str, Any], sender: str) -> Value:
    """A reference argument (a uint8 index into the call's foreign arrays) as what it names."""
    if kind == abi.ABIReferenceType.ACCOUNT:
        accounts = call.get("accounts", [])
        address = sender if index == 0 else accounts[index - 1]
        return Value(address, "account")
    if kind == abi.ABIReferenceType.ASSET:
        return Value(str(call.get("foreign-assets", [])[index]), "asset")
    app_id = call.get("application-id") if index == 0 else call.get("foreign-apps", [])[index - 1]
    return Value(str(app_id), "app")


def decode_call(txn: dict[str, Any], specs: AppSpecs) -> DecodedCall | None:
    """The ARC-4 call in `txn` (an indexer "appl" transaction), when a known spec has the
    selector of its first app arg; None when none does (or it is not an app call)."""
    call = txn.get("application-transaction")
    if not call or not call.get("application-args"):
        return None
    args = [base64.b64decode(a) for a in call["application-args"]]
    app_id = int(call.get("application-id") or txn.get("created-application-index") or 0)
    found = specs.lookup(args[0][:4], app_id) if len(args[0]) == 4 else None
    if found is None:
        return None
    spec, method = found
    problems: list[str] = []
    on_chain = [a for a in method.args if not abi.is_abi_transaction_type(a.type)]
    encoded: list[bytes] = args[1:]
    if len(on_chain) > MAX_APP_ARGS - 1 and len(encoded) == MAX_APP_ARGS - 1:
        # the 15th and later arguments travel as one tuple in the last app arg
        tail_types = [a.type for a in on_chain[MAX_APP_ARGS - 2 :]]
        try:
            tail = abi.TupleType(tail_types).decode(encoded[-1])  # type: ignore[arg-type]
            encoded = encoded[:-1] + [t.encode(v) for t, v in zip(tail_types, tail, strict=True)]  # type: ignore[union-attr]
        except Exception as exc:  # noqa: BLE001 - a call that does not fit its spec is shown raw
            problems.append(f"the packed last argument does not decode: {exc}")
    decoded: list[DecodedArg] = []
    sender = str(txn.get("sender", ""))
    for position, argument in enumerate(on_chain):
        name = argument.name or f"arg{position}"
        type_name = str(argument.type)
        if position >= len(encoded):
            problems.append(f"argument {name} is missing from the call")
            continue
        raw = encoded[position]
        try:
            if abi.is_abi_reference_type(argument.type):
                value = _reference(str(argument.type), raw[0], call, sender)
            else:
                value = decode_value(argument.type, raw)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - shown as the raw bytes instead
            value = Value(readable(raw))
            problems.append(f"argument {name} does not decode as {type_name}")
        decoded.append(DecodedArg(name, type_name, value))
    returns, return_type = None, str(method.returns.type)
    logs = txn.get("logs") or []
    if return_type != "void" and logs:
        last = base64.b64decode(logs[-1])
        if last.startswith(RETURN_PREFIX):
            try:
                returns = decode_value(method.returns.type, last[4:])  # type: ignore[arg-type]
            except Exception:  # noqa: BLE001
                returns = Value(readable(last[4:]))
                problems.append(f"the return value does not decode as {return_type}")
    return DecodedCall(
        spec=spec.name,
        method=method.name,
        signature=method.get_signature(),
        args=decoded,
        returns=returns,
        return_type=return_type,
        problems=problems,
    )


def is_address(value: str) -> bool:
    return len(value) == 58 and bool(encoding.is_valid_address(value))
