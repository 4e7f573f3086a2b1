"""Decoding and checking bytecode before it runs: versions, opcodes, modes, immediates, branches."""

from __future__ import annotations

import pytest
from avm_eval_helpers import (
    Label,
    branch,
    byte,
    code,
    failure,
    int_,
    labels,
    op,
    opcode,
    run,
)

from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.avm.program import check_program
from gridworks.sandbox.avm.spec import Mode, opcodes


def check_error(program: bytes, mode: Mode = Mode.SIG) -> LogicError:
    with pytest.raises(LogicError) as info:
        check_program(program, mode)
    return info.value


# Version prefix ----------------------------------------------------------------------------


def test_an_empty_program_is_invalid() -> None:
    assert check_error(b"").reason == "invalid program (empty)"


def test_a_truncated_version_varuint_is_invalid() -> None:
    assert check_error(b"\x80").reason == "invalid version"


def test_a_version_above_the_evaluators_is_refused() -> None:
    error = check_error(bytes([14]) + int_(1))
    assert error.reason == "program version 14 greater than max supported version 13"


def test_version_zero_runs_as_version_1() -> None:
    """Algorand's first programs named no version: v0 is v1's opcodes, and nothing newer."""
    program = check_program(bytes([0, 0x20, 1, 1, 0x22]), Mode.SIG)  # intcblock 1; intc_0
    assert program.version == 1
    assert run(bytes([0, 0x20, 1, 1, 0x22])).passed
    assert "illegal opcode" in check_error(bytes([0]) + op("pushint", 1)).reason


def test_a_version_above_the_protocols_is_refused_when_run() -> None:
    from gridworks.sandbox.avm.views import GlobalView

    error = failure(code(int_(1)), globals=GlobalView(logic_sig_version=8))
    assert error.reason == "program version 10 greater than protocol supported version 8"


def test_a_group_with_a_rekey_needs_version_2() -> None:
    from gridworks.sandbox.avm.views import GroupView

    class Rekeying:
        rekey_to = b"\x01" * 32
        type = "pay"

    one = [op("intcblock", [1]), op("intc_0")]  # pushint is v3
    error = failure(code(*one, version=1), group=GroupView([Rekeying()]))  # type: ignore[list-item]
    assert error.reason == (
        "program version must be >= 2 for this transaction group, but have version 1"
    )


# Opcodes: existence, version and mode ------------------------------------------------------


def test_an_unknown_opcode_is_illegal_with_its_pc() -> None:
    error = check_error(code(int_(1), bytes([0xFF])))
    assert (error.reason, error.pc) == ("illegal opcode 0xff", 3)
    assert str(error) == "illegal opcode 0xff. Details: pc=3"


def test_an_opcode_newer_than_the_program_is_rejected_before_anything_runs() -> None:
    # `err` would fail at run time; the check refuses replace2 (v7) in a v6 program first.
    program = code(op("err"), byte(b"ab"), byte(b"c"), op("replace2", 0), version=6)
    error = failure(program)
    assert error.reason == f"illegal opcode 0x{opcode('replace2'):02x}"
    assert error.pc == 9


@pytest.mark.parametrize(
    ("name", "version"),
    [(spec.name, spec.version) for spec in opcodes(10).by_name.values() if spec.version > 1],
)
def test_every_opcode_is_illegal_below_its_version(name: str, version: int) -> None:
    program = bytes([version - 1, opcode(name)])
    assert check_error(program, Mode.SIG | Mode.APP).reason.startswith("illegal opcode")


def test_a_sig_only_opcode_is_refused_in_an_app() -> None:
    assert check_error(code(op("arg_0")), Mode.APP).reason == "arg_0 not allowed in current mode"


def test_an_app_only_opcode_is_refused_in_a_logic_sig() -> None:
    assert check_error(code(op("gload", 0, 0))).reason == "gload not allowed in current mode"


def test_mode_gating_follows_version_deltas() -> None:
    # ed25519verify ran only in logic sigs before v5.
    program = code(op("ed25519verify"), version=4)
    assert check_error(program, Mode.APP).reason == "ed25519verify not allowed in current mode"
    check_program(code(op("ed25519verify"), version=5), Mode.APP)


# Immediates --------------------------------------------------------------------------------


def test_a_missing_fixed_immediate() -> None:
    error = check_error(code(int_(1), bytes([opcode("load")])))
    assert (error.reason, error.pc) == ("program ends without immediate value(s)", 3)


def test_a_missing_pushint_value() -> None:
    error = check_error(code(bytes([opcode("pushint")])))
    assert (error.reason, error.pc) == ("could not decode int at program[2]", 1)


def test_a_pushint_over_64_bits() -> None:
    program = code(bytes([opcode("pushint")]) + b"\xff" * 10 + b"\x01")
    assert check_error(program).reason == "could not decode int at program[2]"


def test_pushbytes_longer_than_the_program() -> None:
    program = code(bytes([opcode("pushbytes"), 5]) + b"abc")
    assert check_error(program).reason == "pushbytes too long at program[3]"


def test_an_int_block_that_runs_past_the_end() -> None:
    program = code(bytes([opcode("intcblock"), 3, 1, 2]))
    assert check_error(program).reason == "const int list ran past end of program"


def test_an_int_block_with_more_items_than_bytes() -> None:
    program = code(bytes([opcode("intcblock"), 100, 1]))
    assert check_error(program).reason == "const int list with too many items"


def test_a_byte_block_that_runs_past_the_end() -> None:
    program = code(bytes([opcode("bytecblock"), 1, 5]) + b"ab")
    assert check_error(program).reason == "const bytes list ran past end of program"


def test_a_byte_block_ending_the_program_with_an_empty_constant_is_refused_as_go_does() -> None:
    assert check_error(code(op("bytecblock", [b"a", b""]))).reason == (
        "const bytes list ran past end of program"
    )
    check_program(code(op("bytecblock", [b"", b"a"])), Mode.SIG)
    check_program(code(op("bytecblock", [b"a", b""]), int_(1)), Mode.SIG)


def test_decoded_instructions_carry_immediates_next_pc_and_cost() -> None:
    program = check_program(
        code(op("intcblock", [7, 300]), op("intc_1"), op("pushbytes", b"xy"), op("len")),
        Mode.SIG,
    )
    assert [(i.pc, i.spec.name, i.immediates, i.next_pc) for i in program.instructions] == [
        (1, "intcblock", ((7, 300),), 6),
        (6, "intc_1", (), 7),
        (7, "pushbytes", (b"xy",), 11),
        (11, "len", (), 12),
    ]
    assert all(i.cost == 1 for i in program.instructions)


def test_checked_programs_are_cached() -> None:
    program = code(int_(1))
    assert check_program(program, Mode.SIG) is check_program(program, Mode.SIG)
    assert check_program(program, Mode.SIG) is not check_program(program, Mode.APP)


# Branches ----------------------------------------------------------------------------------


def test_a_branch_beyond_the_end() -> None:
    program = code(int_(1), op("b", 10))
    error = check_error(program)
    assert (error.reason, error.pc) == ("branch target 16 outside of program", 3)


def test_a_branch_to_the_very_end_is_allowed_from_version_2() -> None:
    assert run(code(int_(1), branch("b", "end"), op("err"), Label("end")))
    one = [op("intcblock", [1]), op("intc_0")]
    end_v1 = code(*one, op("intc_0"), branch("bnz", "end"), op("err"), Label("end"), version=1)
    assert check_error(end_v1).reason == "branch target 10 outside of program"


def test_backward_branches_only_from_version_4() -> None:
    looping = [Label("top"), int_(0), branch("bnz", "top"), int_(1)]
    assert check_error(code(*looping, version=3)).reason == "negative branch offset -5"
    assert run(code(*looping, version=4)).passed


def test_a_backward_branch_into_an_instruction() -> None:
    program = code(int_(300), op("pop"), int_(1), op("b", -8))
    error = check_error(program)
    assert error.reason == "back branch target 2 is not an aligned instruction"


def test_a_forward_branch_into_an_instruction() -> None:
    program = code(int_(1), op("bnz", 1), int_(300), op("pop"), int_(1))
    error = check_error(program)
    assert error.reason == "branch target 7 is not an aligned instruction"
    assert error.pc == 6


def test_switch_and_match_targets_are_checked() -> None:
    assert check_error(code(int_(0), bytes([opcode("switch")]))).reason == (
        "bare switch opcode at end of program"
    )
    assert check_error(code(int_(0), bytes([opcode("match"), 2, 0, 0]))).reason == (
        "match opcode claims to extend beyond program"
    )
    assert check_error(code(int_(0), op("switch", [100]))).reason == (
        "branch target 107 outside of program"
    )
    assert check_error(code(int_(0), op("switch", [-3]))).reason == (
        "back branch target 4 is not an aligned instruction"
    )


def test_labels_resolve_through_the_helper() -> None:
    program = code(
        int_(0),
        labels("switch", "one", "two"),
        op("err"),
        Label("one"),
        int_(1),
        op("return"),
        Label("two"),
        op("err"),
    )
    assert run(program).passed


# Static cost before version 4 --------------------------------------------------------------


def test_a_pre_v4_program_over_budget_is_refused_before_running() -> None:
    hashes = [byte(b"x"), *[op("sha256")] * 600, op("len")]
    error = failure(code(*hashes, version=3))
    assert error.reason == "static cost budget of 20000 exceeded"
    # 1 + 35 * 571 <= 20,000 < 1 + 35 * 572: the 572nd sha256 (pc 4 + 571) is the first over.
    assert error.pc == 4 + 571
