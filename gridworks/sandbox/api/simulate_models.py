"""The body of `POST /v2/transactions/simulate`, validated strictly (algod decodes it strictly).

algosdk sends msgpack (signed transactions as maps of raw bytes); JSON clients send the same
shape with algod's JSON conventions (bytes in base64, addresses in base32). Both are decoded to
a plain mapping, checked by the pydantic models below, then turned into ledger objects.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import msgpack
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from ..encoding import EncodingError, decode_address
from ..ledger.errors import DecodeError
from ..ledger.simulate import SimulateOptions, TraceConfig
from ..ledger.transaction import ADDRESS_KEYS, SignedTransaction, parse_signed_transaction

# Wire keys whose values are text, not bytes, in algod's JSON (type, genesis id, asset names).
TEXT_KEYS = frozenset({"type", "gen", "un", "an", "au"})
MAX_SIMULATE_BYTES = 10 * 1024 * 1024  # go: MaxSimulateBytes (a generous bound, as algod's)


class SimulateBodyError(ValueError):
    """A simulate body that is not a valid request; the message names the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class TraceConfigModel(_Strict):
    enable: StrictBool = False
    stack_change: StrictBool = Field(False, alias="stack-change")
    scratch_change: StrictBool = Field(False, alias="scratch-change")
    state_change: StrictBool = Field(False, alias="state-change")


class TxnGroupModel(_Strict):
    txns: list[dict[str, Any]]


class SimulateRequestModel(_Strict):
    """go: `SimulateRequest`."""

    txn_groups: list[TxnGroupModel] = Field(alias="txn-groups")
    round: StrictInt = Field(0, ge=0, lt=2**64)
    allow_empty_signatures: StrictBool = Field(False, alias="allow-empty-signatures")
    allow_more_logging: StrictBool = Field(False, alias="allow-more-logging")
    allow_unnamed_resources: StrictBool = Field(False, alias="allow-unnamed-resources")
    extra_opcode_budget: StrictInt = Field(0, alias="extra-opcode-budget", ge=0, lt=2**63)
    exec_trace_config: TraceConfigModel = Field(
        default_factory=TraceConfigModel, alias="exec-trace-config"
    )
    fix_signers: StrictBool = Field(False, alias="fix-signers")

    def options(self) -> SimulateOptions:
        trace = self.exec_trace_config
        return SimulateOptions(
            allow_empty_signatures=self.allow_empty_signatures,
            allow_more_logging=self.allow_more_logging,
            allow_unnamed_resources=self.allow_unnamed_resources,
            extra_opcode_budget=self.extra_opcode_budget,
            round=self.round or None,
            trace=TraceConfig(
                enable=trace.enable,
                stack_change=trace.stack_change,
                scratch_change=trace.scratch_change,
                state_change=trace.state_change,
            ),
            fix_signers=self.fix_signers,
        )


def parse_simulate_body(
    body: bytes, is_msgpack: bool
) -> tuple[list[list[SignedTransaction]], SimulateOptions]:
    """The groups and options of a simulate body; raises `SimulateBodyError`."""
    if len(body) > MAX_SIMULATE_BYTES:
        raise SimulateBodyError("http: request body too large")
    raw = _decode(body)
    try:
        request = SimulateRequestModel.model_validate(raw)
    except ValidationError as exc:
        raise SimulateBodyError(_describe(exc)) from None
    groups = []
    for g, group in enumerate(request.txn_groups):
        if not group.txns:
            raise SimulateBodyError("empty txgroup")
        signed = []
        for t, obj in enumerate(group.txns):
            try:
                wire = obj if is_msgpack else _json_to_wire(obj)
                signed.append(parse_signed_transaction(wire))
            except (DecodeError, SimulateBodyError) as exc:
                message = exc.message if isinstance(exc, DecodeError) else str(exc)
                raise SimulateBodyError(f"txn-groups[{g}].txns[{t}]: {message}") from None
        groups.append(signed)
    return groups, request.options()


def _decode(body: bytes) -> Any:
    """msgpack first, then JSON, as algod tries them (its `format` only shapes the answer)."""
    if not body:
        raise SimulateBodyError("request body is empty: expected a SimulateRequest")
    try:
        return msgpack.unpackb(body, raw=False, strict_map_key=False)
    except Exception:  # msgpack raises several unrelated types for garbage
        pass
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise SimulateBodyError("request body is neither msgpack nor JSON") from None


def _describe(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "body"
    return f"invalid simulate request: {where}: {error['msg']}"


def _json_to_wire(value: Any, key: str = "") -> Any:
    """A signed transaction in algod's JSON form, back to its msgpack form."""
    if isinstance(value, dict):
        return {k: _json_to_wire(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_to_wire(item, key) for item in value]
    if not isinstance(value, str) or key in TEXT_KEYS:
        return value
    if key in ADDRESS_KEYS:
        try:
            return decode_address(value)
        except EncodingError as exc:
            raise SimulateBodyError(f"{key}: {exc}") from None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SimulateBodyError(f"{key}: {value!r} is not base64") from None
