"""The disassembler: algod's text for bytecode, which assembles back to the same bytes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from teal_corpus import _immediate_choices

from gridworks.sandbox.avm import spec
from gridworks.sandbox.avm.assembler import assemble
from gridworks.sandbox.avm.disassembler import DisassemblyError, disassemble
from gridworks.sandbox.avm.errors import LogicError
from gridworks.sandbox.encoding import decode_address

ADDRESS = "RWXCBB73XJITATVQFOI7MVUUQOL2PFDDSDUMW4H4T2SNSX4SEUOQ2MM7F4"


def round_trip(source: str) -> str:
    code = assemble(source).bytecode
    text = disassemble(code)
    assert assemble(text).bytecode == code
    return text


def test_constant_blocks_stay_explicit_and_loads_name_their_values() -> None:
    text = round_trip(
        f'#pragma version 8\nint 7\nint 7\n+\nbyte "hi"\nbyte "hi"\nconcat\naddr {ADDRESS}\n'
        f"addr {ADDRESS}\nconcat\nbyte 0x00ff\ndup\nconcat\npop\npop\n"
    )
    assert text == (
        "#pragma version 8\n"
        "intcblock 7\n"
        f"bytecblock 0x6869 0x{decode_address(ADDRESS).hex()}\n"
        "intc_0 // 7\n"
        "intc_0 // 7\n"
        "+\n"
        'bytec_0 // "hi"\n'
        'bytec_0 // "hi"\n'
        "concat\n"
        f"bytec_1 // addr {ADDRESS}\n"
        f"bytec_1 // addr {ADDRESS}\n"
        "concat\n"
        "pushbytes 0x00ff // 0x00ff\n"
        "dup\n"
        "concat\n"
        "pop\n"
        "pop\n"
    )


def test_explicit_intc_names_its_value() -> None:
    text = round_trip("#pragma version 8\nintcblock 0 1 2 3 4 5\nintc 5\nintc_1\n+\n")
    assert text.splitlines()[2:] == ["intc 5 // 5", "intc_1 // 1", "+"]


def test_branch_targets_get_labels_numbered_in_order_of_need() -> None:
    text = round_trip(
        "#pragma version 8\nint 0\ntop:\nint 1\n+\ndup\nint 5\n<\nbnz top\nint 2\nswitch a b a\n"
        "a:\nb:\nint 1\nreturn\n"
    )
    assert text.splitlines()[1:] == [
        "intcblock 1",
        "pushint 0",
        "label1:",
        "intc_0 // 1",
        "+",
        "dup",
        "pushint 5",
        "<",
        "bnz label1",
        "pushint 2",
        "switch label2 label2 label2",
        "label2:",
        "intc_0 // 1",
        "return",
    ]


def test_a_branch_to_the_end_gets_a_closing_label() -> None:
    assert round_trip("#pragma version 2\nint 1\nbnz end\nint 2\nend:\n").endswith(
        "bnz label1\nintc_1 // 2\nlabel1:\n"
    )


def test_a_subroutine_no_one_calls_keeps_a_label() -> None:
    text = round_trip(
        "#pragma version 8\nb main\ndead:\nproto 2 1\nframe_dig -2\nframe_dig -1\n+\nretsub\n"
        "main:\nint 1\n"
    )
    assert text == (
        "#pragma version 8\nb label1\nlabel2:\nproto 2 1\nframe_dig -2\nframe_dig -1\n+\n"
        "retsub\nlabel1:\npushint 1\n"
    )


def test_immediates_in_algods_words() -> None:
    text = round_trip(
        '#pragma version 10\ntxn Sender\ngtxn 1 Accounts 2\npushbytes "a\\"b\\\\"\npop\n'
        "global GenesisHash\nconcat\npushints\npushbytess\npushints 1 2\n+\npop\nbyte 0x01\n"
        "dup\nec_add BLS12_381g2\npop\n"
    )
    assert text.splitlines()[1:8] == [
        "txn Sender",
        "gtxna 1 Accounts 2",
        'pushbytes 0x6122625c // "a\\"b\\\\"',
        "pop",
        "global GenesisHash",
        "concat",
        "pushints ",
    ]
    assert "ec_add BLS12_381g2" in text


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("", "invalid version"),
        ("0e", "unsupported version 14"),
        # go-algorand's disassembler says what its checker says of an unknown opcode
        ("08ff", "illegal opcode 0xff"),
        ("0181", "illegal opcode 0x81"),  # pushint is newer than version 1
        ("0cd401", "illegal opcode 0xd4"),  # app_box_create is newer than version 12
        ("0dd4", "prefix opcode 0xd4 missing sub-opcode"),
        ("0dd400", "prefix opcode 0xd4 with improper sub-opcode 0x00"),
        ("0dd40a", "prefix opcode 0xd4 with improper sub-opcode 0x0a"),
        ("0d42", "could not decode label for b"),  # v13: a varint offset
        ("0d4180", "could not decode label for bz"),
        ("0d88" + "ff" * 9 + "02", "could not decode label for callsub"),  # over 64 bits
        ("0831", "program end while reading immediate f for txn"),
        ("0831ff", "invalid immediate f for txn: 255"),
        ("08311a", "invalid immediate f for txn: 26"),  # ApplicationArgs needs txna
        ("084000", "program end while reading label for bnz"),
        ("0881", "could not decode immediate uint for pushint"),
        ("0881ff", "could not decode immediate uint for pushint"),
        ("08800501", "could not decode immediate bytes for pushbytes"),
        ("0820", "could not decode length of int list at pc=2"),
        ("08200501", "const int list with too many items"),
        ("08200201", "const int list ran past end of program"),
        ("082001ff", "could not decode int const[0] at pc=3"),
        ("0826", "could not decode length of bytes list at pc=2"),
        ("0826020100", "const bytes list ran past end of program"),
        ("0826010501", "const bytes list ran past end of program"),
        ("088d", "could not decode label count for switch"),
        ("088d0200", "could not decode labels for switch"),
    ],
)
def test_malformed_bytecode_is_refused_with_algods_message(program: str, message: str) -> None:
    with pytest.raises(DisassemblyError) as info:
        disassemble(bytes.fromhex(program))
    assert str(info.value) == message
    assert isinstance(info.value, LogicError) and isinstance(info.value, ValueError)


def test_an_empty_bytes_constant_may_end_the_program() -> None:
    assert disassemble(bytes.fromhex("08820100")) == "#pragma version 8\npushbytess 0x\n"


# -- generated programs round trip ---------------------------------------------------------

INT_VALUES = st.sampled_from(["0", "1", "2", "3", "255", "256", "18446744073709551615", "pay"])
BYTE_VALUES = st.sampled_from(['"a"', '"bb"', "0x", "0x00", "base64 AAE=", '"counter"', "b32(ME)"])


@st.composite
def typed_chunk(draw: st.DrawFn, version: int, index: int) -> str:
    """A few instructions that leave the stack as they found it."""
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return f"int {draw(INT_VALUES)}\npop"
    if kind == 1:
        return f"byte {draw(BYTE_VALUES)}\nlen\npop"
    if kind == 2:
        return f"int {draw(INT_VALUES)}\nint {draw(INT_VALUES)}\n+\npop"
    if kind == 3:
        return f"int {draw(INT_VALUES)}\nbnz skip{index}\nint 1\npop\nskip{index}:"
    if kind == 4 and version >= 4:
        return f"int 0\nloop{index}:\nint 1\n+\ndup\nint 3\n<\nbnz loop{index}\npop"
    if kind == 5 and version >= 8:
        return f"int {draw(st.integers(0, 2))}\nswitch s{index} t{index}\ns{index}:\nt{index}:"
    return f"txn Fee\nint {draw(INT_VALUES)}\n==\npop"


@st.composite
def typed_programs(draw: st.DrawFn) -> str:
    version = draw(st.integers(1, spec.MAX_VERSION))
    count = draw(st.integers(1, 25))
    chunks = [draw(typed_chunk(version, i)) for i in range(count)]
    return f"#pragma version {version}\n" + "\n".join(chunks) + "\nint 1\n"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed_programs())
def test_generated_programs_disassemble_to_text_of_the_same_bytes(source: str) -> None:
    round_trip(source)


@st.composite
def any_instructions(draw: st.DrawFn) -> str:
    """Any opcodes of a version with any of their immediate forms (type tracking off)."""
    version = draw(st.integers(1, spec.MAX_VERSION))
    ops = sorted(spec.opcodes(version).by_name.values(), key=lambda op: op.opcode)
    lines = [f"#pragma version {version}", "#pragma typetrack false", "start:"]
    lines.append("intcblock " + " ".join(str(n) for n in range(12)))
    lines.append("bytecblock " + " ".join(f"0x{n:02x}" for n in range(12)))
    for op in draw(st.lists(st.sampled_from(ops), min_size=1, max_size=30)):
        immediates = draw(st.sampled_from(_immediate_choices(op, version)))
        if op.name in ("intcblock", "bytecblock"):
            continue  # keep the blocks that intc/bytec refer to
        lines.append(" ".join([op.name, *immediates]).rstrip())
    lines += ["next:", "end:", "intc_0"]
    return "\n".join(lines) + "\n"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_instructions())
def test_any_opcodes_round_trip_with_type_tracking_off(source: str) -> None:
    code = assemble(source).bytecode
    assert assemble(disassemble(code, typetrack=False)).bytecode == code
