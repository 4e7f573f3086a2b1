"""The op registry families register with, and the generic checks it wraps unchecked ops in."""

from __future__ import annotations

import pytest

from gridworks.sandbox.avm.context import EvalContext
from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.ops import implementation, register
from gridworks.sandbox.avm.ops.registry import with_type_checks
from gridworks.sandbox.avm.spec import opcodes


def test_only_spec_opcodes_can_be_registered() -> None:
    with pytest.raises(ValueError, match="'nope' is not an AVM opcode"):
        register("nope")(lambda cx, imm: None)


def test_an_opcode_is_registered_once() -> None:
    assert implementation("+") is not None
    with pytest.raises(ValueError, match="opcode '\\+' is implemented twice"):
        register("+")(lambda cx, imm: None)


def test_the_families_here_cover_their_opcodes() -> None:
    families = {
        "flow": "err return assert bnz bz b callsub retsub proto frame_dig frame_bury switch match",
        "stack": "pop dup dup2 dig bury cover uncover swap select popn dupn",
        "arithmetic": "+ - / * < > <= >= && || == != ! % | & ^ ~ mulw addw divw divmodw exp expw "
        "shl shr sqrt bitlen itob btoi",
        "bytes": "len concat substring substring3 extract extract3 extract_uint16 extract_uint32 "
        "extract_uint64 replace2 replace3 getbit setbit getbyte setbyte bzero b+ b- b/ b* b< b> "
        "b<= b>= b== b!= b% b| b& b^ b~ bsqrt",
        "loading": "intcblock intc intc_0 intc_1 intc_2 intc_3 bytecblock bytec bytec_0 bytec_1 "
        "bytec_2 bytec_3 arg arg_0 arg_1 arg_2 arg_3 args pushbytes pushbytess pushint pushints "
        "load store loads stores gload gloads gloadss gaid gaids",
        "transaction": "txn txna txnas gtxn gtxna gtxnas gtxns gtxnsa gtxnsas global",
        "state": "balance min_balance app_opted_in app_local_get app_local_get_ex app_global_get "
        "app_global_get_ex app_local_put app_global_put app_local_del app_global_del "
        "asset_holding_get asset_params_get app_params_get acct_params_get",
        "boxes": "box_create box_extract box_replace box_splice box_del box_resize box_len box_get "
        "box_put",
        "logs": "log",
        "inner": "itxn_begin itxn_next itxn_field itxn_submit itxn itxna itxnas gitxn gitxna "
        "gitxnas",
        "block": "block",
    }
    for family, names_text in families.items():
        for name in names_text.split():
            impl = implementation(name)
            assert impl is not None, name
            assert impl.fn.__module__.endswith(f"ops.{family}"), (name, impl.fn.__module__)


def test_unchecked_ops_get_gos_argument_type_checks() -> None:
    spec = opcodes(10).by_name["sha256"]
    op = with_type_checks(lambda cx, imm: None, spec)
    cx = EvalContext()
    cx.stack.append(5)
    with pytest.raises(LogicError, match="sha256 arg 0 wanted \\[\\]byte but got uint64"):
        op(cx, ())
    cx.stack[-1] = b"fine"
    assert op(cx, ()) is None


def test_unchecked_ops_get_gos_result_size_check() -> None:
    spec = opcodes(10).by_name["sha256"]

    def grow(cx: EvalContext, imm: object) -> None:
        cx.stack[-1] = bytes(4097)

    cx = EvalContext()
    cx.stack.append(b"")
    with pytest.raises(LogicError, match="sha256 produced a too big \\(4097\\) byte-array"):
        with_type_checks(grow, spec)(cx, ())


def test_typed_names_like_bigint_and_fixed_sizes_check_their_avm_type() -> None:
    spec = opcodes(10).by_name["ed25519verify_bare"]  # []byte, [64]byte, [32]byte
    op = with_type_checks(lambda cx, imm: None, spec)
    cx = EvalContext()
    cx.stack.extend([b"", 1, b""])
    with pytest.raises(LogicError, match="ed25519verify_bare arg 1 wanted \\[64\\]byte but got"):
        op(cx, ())
