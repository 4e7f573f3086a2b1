"""One assembly of a TEAL program: reads it statement by statement, then resolves constants and
labels into bytecode, collecting errors and warnings on the way as go-algorand does.

From v13 a branch (`b`, `bz`, `bnz`, `callsub`) encodes its offset as a zigzag varint: forward
offsets count from the end of the instruction, backward ones from its start. Each branch first
gets three bytes of room; once the constants have their final sizes, every branch whose offset
fits in fewer bytes shrinks, and that repeats until no branch shrinks (a shrink only brings
targets closer). `switch` and `match` keep their int16 offsets.

Also from v13, a program with no application-only opcode (so it may be a logic signature) whose
address would be a point of the ed25519 curve, so might have a private key, gets a salt: one
more constant in its automatic `intcblock` (0, 1, ...), or a trailing `intcblock 0`, `1` ...,
the first that moves the address off the curve. `#pragma autosalt true|false` forces that on or
off at any version.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate

from .. import spec
from ..errors import AssemblyError
from ..spec import Mode
from ..wire import encode_varint, encode_varuint
from .autosalt import SALT_LIMIT, address_on_curve
from .constants import ConstantPool, Edit
from .directives import DIRECTIVES, check_macro_name
from .forms import ANY_COUNT, Form, VersionForms, forms, merged_form
from .go_text import as_text, go_quote
from .lexer import Token, source_lines, tokens_from_line
from .stack_types import ANY, NONE, StackType
from .typecheck import Knowledge, TypeTrackError

DEFAULT_VERSION = 1  # what algod assembles without `#pragma version` (deliberately old)
NO_VERSION = 2**64 - 1


class Failure(Exception):
    """An error that stops the current statement (it is recorded, and assembly goes on)."""

    def __init__(self, line: int, column: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.column = column
        self.reason = reason


def fail_at(token: Token, reason: str) -> Failure:
    return Failure(token.line, token.column, reason)


def fail_after(token: Token, reason: str) -> Failure:
    return Failure(token.line, token.column + len(token.text), reason)


@dataclass
class LabelUse:
    """A branch offset to fill in: at `position`, relative to the instruction end `end`."""

    position: int
    label: Token
    end: int
    varint: bool = False  # a v13 branch: a zigzag varint from `position` to `end`


def join_counts(noun: str, counts: list[int]) -> str:
    """algod's "1 immediate", "no immediates", "1 or 2 immediates"."""
    if len(counts) == 1:
        n = counts[0]
        return f"no {noun}s" if n == 0 else f"1 {noun}" if n == 1 else f"{n} {noun}s"
    return " or ".join(str(n) for n in sorted(counts)) + f" {noun}s"


class Assembly:
    """The state of assembling one program (go-algorand's OpStream)."""

    def __init__(self, version: int | None) -> None:
        self.version: int | None = version  # None until `#pragma version` or the first opcode
        self.errors: list[AssemblyError] = []
        self.warnings: list[AssemblyError] = []
        self.pending = bytearray()
        self.ints: ConstantPool[int] = ConstantPool("int")
        self.bytes: ConstantPool[bytes] = ConstantPool("byte")
        self.known = Knowledge()
        self.type_tracking = True
        self.line = 0
        self.labels: dict[str, int] = {}
        self.label_uses: list[LabelUse] = []
        self.sources: dict[int, tuple[int, int]] = {}  # pc -> (0-based line, column)
        self.macros: dict[str, list[Token]] = {}
        self._forms: VersionForms | None = None
        self.program = b""
        self.has_stateful_ops = False  # an application-only opcode: not a logic signature
        self.autosalt: bool | None = None  # `#pragma autosalt`, if given
        self.autosalt_token: Token | None = None

    # -- reporting -------------------------------------------------------------------------

    def record(self, line: int, column: int, reason: str) -> None:
        self.errors.append(AssemblyError(line, column, as_text(reason)))

    def record_failure(self, failure: Failure) -> None:
        self.record(failure.line, failure.column, failure.reason)

    def warn(self, token: Token, reason: str) -> None:
        self.warnings.append(AssemblyError(token.line, token.column, as_text(reason)))

    def type_error(self, token: Token, reason: str) -> None:
        if self.type_tracking:
            self.record(token.line, token.column, reason)

    # -- version ---------------------------------------------------------------------------

    @property
    def forms(self) -> VersionForms:
        if self._forms is None:
            self._forms = forms(self.settled_version)
        return self._forms

    @property
    def settled_version(self) -> int:
        assert self.version is not None
        return self.version

    @property
    def effective_version(self) -> int:
        """The version whose opcodes and fields are available (version 0 has version 1's)."""
        return max(self.settled_version, spec.MIN_VERSION)

    def settle_version(self) -> None:
        """The first opcode fixes the version (the default, if no pragma gave one)."""
        if self.version is None:
            self.version = DEFAULT_VERSION
            self.recheck_macros()

    def recheck_macros(self) -> bool:
        """Macros defined before the version was known may now clash with its opcodes."""
        clean = True
        for name in list(self.macros):
            problem = check_macro_name(name, self.version, self.labels)
            if problem:
                self.record_failure(fail_at(self.macros[name][0], problem))
                del self.macros[name]
                clean = False
        return clean

    # -- reading ---------------------------------------------------------------------------

    def read(self, text: str) -> None:
        """Reads the whole program (a byte string, see `go_text`)."""
        if self.version is not None and self.version > spec.MAX_VERSION:
            self.record(0, 0, f"Can not assemble version {self.version}")
            return
        if _is_blank(text):
            self.record(0, 0, "Cannot assemble empty program text")
            return
        lines, too_long = source_lines(text)
        for text_line in lines:
            self.line += 1
            tokens = tokens_from_line(text_line, self.line)
            if tokens and tokens[0].text[0] == "#":
                self.directive(tokens)
                continue
            rest = tokens
            while rest:
                current, rest = self.next_statement(rest)
                if current:
                    self.statement(current)
        if too_long:  # reported at the last line read, as algod does
            self.record(self.line, 0, "line too long")
        if self.version is not None and self.version >= spec.OPTIMIZE_CONSTANTS_VERSION:
            self.optimize_constants()
        self.find_branch_sizes()
        self.resolve_labels()

    def directive(self, tokens: list[Token]) -> None:
        first = tokens[0]
        handler = DIRECTIVES.get(first.text[1:])
        if handler is None:
            self.record_failure(fail_at(first, f"unknown directive: {first.text[1:]}"))
            return
        try:
            handler(self, tokens)
        except Failure as failure:
            self.record_failure(failure)

    def next_statement(self, tokens: list[Token]) -> tuple[list[Token], list[Token]]:
        """The tokens up to the first `;`, and the rest, expanding macros on the way."""
        if not self.macros:
            for i, token in enumerate(tokens):
                if token.text == ";":
                    return tokens[:i], tokens[i + 1 :]
            return tokens, []
        tokens = list(tokens)
        i = 0
        while i < len(tokens):
            body = self.macros.get(tokens[i].text)
            if body is not None:
                tokens[i : i + 1] = body[1:]
                continue
            if tokens[i].text == ";":
                return tokens[:i], tokens[i + 1 :]
            i += 1
        return tokens, []

    def statement(self, tokens: list[Token]) -> None:
        self.settle_version()
        first = tokens[0]
        if first.text[-1] == ":":
            name = first.text[:-1]
            if name in self.macros:
                self.record_failure(
                    fail_at(first, f"Cannot create label with same name as macro: {name}")
                )
            else:
                self.create_label(first, name)
            tokens = tokens[1:]
            if not tokens:
                return
            first = tokens[0]
        resolved = self.resolve(first, len(tokens) - 1)
        if resolved is None:
            return
        form, shown_name = resolved
        if form.spec is not None and form.spec.modes == Mode.APP:
            self.has_stateful_ops = True
        self.sources[len(self.pending)] = (first.line - 1, first.column)
        arg_types: tuple[StackType, ...] | list[StackType] = form.args
        result_types: tuple[StackType, ...] | list[StackType] = form.returns
        if form.refine is not None:
            try:
                refined_args, refined_results = form.refine(
                    self.known, [t.text for t in tokens[1:]]
                )
            except TypeTrackError as exc:
                self.type_error(first, str(exc))
                refined_args = refined_results = None
            if refined_args is not None:
                arg_types = refined_args
            if refined_results is not None:
                result_types = refined_results
        if not self.known.dead:
            self.track_stack(arg_types, result_types, shown_name, tokens)
        try:
            form.handler(self, form, first, tokens[1:])
        except Failure as failure:
            self.record_failure(failure)
        if form.name in spec.NO_FALL_THROUGH:
            self.known.deaden()
        if form.name == "callsub":  # `retsub` comes back here: entered like a label
            self.known.enter_label()

    def resolve(self, mnemonic: Token, count: int) -> tuple[Form, str] | None:
        """The form to assemble `mnemonic` with `count` immediates, and its name in errors."""
        name = mnemonic.text
        table = self.forms
        by_count = table.pseudo_ops.get(name)
        if by_count is None:
            form = table.ops.get(name)
            if form is None:
                self.record_failure(fail_at(mnemonic, self.unknown_opcode(name)))
                return None
            return form, name
        form = by_count.get(count) or by_count.get(ANY_COUNT)
        if form is None:
            expected = join_counts("immediate argument", list(by_count))
            self.record_failure(fail_at(mnemonic, f"{name} expects {expected}"))
            form = merged_form(name, by_count)
            if form is None:
                return None
        if form.version > self.effective_version:
            self.record_failure(
                fail_at(
                    mnemonic,
                    f"{name} opcode with {join_counts('immediate', [count])} "
                    f"was introduced in v{form.version}",
                )
            )
        return form, f"{name} without immediates" if count == 0 else name

    def unknown_opcode(self, name: str) -> str:
        for version in range(spec.MIN_VERSION, spec.MAX_VERSION + 1):
            if name in spec.opcodes(version).by_name:
                if version > self.effective_version:
                    return f"{name} opcode was introduced in v{version}"
                break
        return f"unknown opcode: {name}"

    def create_label(self, token: Token, name: str) -> None:
        if name in self.labels:
            self.record_failure(fail_at(token, f"duplicate label {go_quote(name)}"))
        self.labels[name] = len(self.pending)
        self.known.enter_label()

    def track_stack(
        self,
        arg_types: tuple[StackType, ...] | list[StackType],
        result_types: tuple[StackType, ...] | list[StackType],
        name: str,
        tokens: list[Token],
    ) -> None:
        """Pops the argument types (complaining of mismatches), pushes the result types."""
        known = self.known
        stack = known.stack
        count = len(arg_types)
        if count > len(stack) and known.bottom.avm == NONE:
            self.type_error(
                tokens[0],
                f"{_rejoin(name, tokens)} expects {count} stack arguments "
                f"but stack height is {len(stack)}",
            )
        else:
            for i in range(count - 1, -1, -1):
                wanted = arg_types[i]
                got = stack.pop() if stack else known.bottom
                if not got.overlaps(wanted):
                    self.type_error(
                        tokens[0],
                        f"{_rejoin(name, tokens)} arg {i} wanted type {wanted.name} got {got.name}",
                    )
        stack.extend(result_types)

    def refine_result(self, result_count: int, refined: StackType) -> None:
        """A field names its result's type: it replaces the first `any` among the results."""
        if self.known.dead:
            return
        stack = self.known.stack
        for i in range(max(len(stack) - result_count, 0), len(stack)):
            if stack[i].avm == ANY:
                stack[i] = refined
                return

    # -- finishing -------------------------------------------------------------------------

    def optimize_constants(self) -> None:
        table = self.forms.table
        edits = self.ints.optimize(self.pending, table) + self.bytes.optimize(self.pending, table)
        if not edits:
            return
        edits.sort(key=lambda edit: edit.position)
        self.apply_edits(edits)

    def apply_edits(self, edits: list[Edit]) -> None:
        """Rewrites the pending program, moving every recorded position to match."""
        out = bytearray()
        previous = 0
        for edit in edits:
            out += self.pending[previous : edit.position]
            out += edit.data
            previous = edit.position + edit.length
        out += self.pending[previous:]
        starts = [edit.position for edit in edits]
        shifts = [0, *accumulate(len(edit.data) - edit.length for edit in edits)]

        def moved(position: int) -> int:  # shifted by the edits that start before it
            return position + shifts[bisect_left(starts, position)]

        self.pending = out
        self.labels = {name: moved(pc) for name, pc in self.labels.items()}
        for use in self.label_uses:
            use.position, use.end = moved(use.position), moved(use.end)
        self.sources = {moved(pc): where for pc, where in self.sources.items()}

    def find_branch_sizes(self) -> None:
        """Shrinks each varint branch's room to the size of its offset, until none shrinks."""
        while True:
            edits = []
            for use in self.label_uses:
                target = self.labels.get(use.label.text)
                start = use.position - 1
                if not use.varint or target is None or target == start:
                    continue  # int16, or an error resolve_labels reports
                jump = target - start if target < start else target - use.end
                needed = len(encode_varint(jump))
                if needed < use.end - use.position:
                    edits.append(Edit(use.position, use.end - use.position, bytes(needed)))
            if not edits:
                return
            edits.sort(key=lambda edit: edit.position)
            self.apply_edits(edits)

    def resolve_labels(self) -> None:
        reported: set[str] = set()
        version = DEFAULT_VERSION if self.version is None else self.version
        for use in self.label_uses:
            name = use.label.text
            target = self.labels.get(name)
            if target is None:
                if name not in reported:
                    reported.add(name)
                    self.record_failure(
                        fail_at(use.label, f"reference to undefined label {go_quote(name)}")
                    )
                continue
            if version < spec.BRANCH_TO_END_VERSION and target == len(self.pending):
                self.record_failure(fail_at(use.label, f"label {go_quote(name)} is too far away"))
            if version < spec.BACK_BRANCH_VERSION and target < use.end:
                self.record_failure(
                    fail_at(
                        use.label,
                        f"label {go_quote(name)} is a back reference, "
                        f"back jump support was introduced in v{spec.BACK_BRANCH_VERSION}",
                    )
                )
                continue
            jump = target - use.end
            if use.varint:
                self.write_varint_branch(use, target)
                continue
            if jump > 0x7FFF:
                self.record_failure(fail_at(use.label, f"label {go_quote(name)} is too far away"))
                continue
            self.pending[use.position] = (jump >> 8) & 0xFF
            self.pending[use.position + 1] = jump & 0xFF

    def write_varint_branch(self, use: LabelUse, target: int) -> None:
        name = use.label.text
        start = use.position - 1
        if target == start:
            self.record_failure(
                fail_at(use.label, f"branch to start of same instruction: {go_quote(name)} ")
            )
            return
        jump = target - start if target < start else target - use.end
        room = use.end - use.position
        if not -(1 << (7 * room - 1)) <= jump < 1 << (7 * room - 1):
            self.record_failure(fail_at(use.label, f"label {go_quote(name)} is too far away"))
            return
        encoded = encode_varint(jump)
        self.pending[use.position : use.position + len(encoded)] = encoded

    def finish(self) -> None:
        """Puts the version and any collected constant blocks before the program."""
        if self.version is None:  # no opcodes at all: algod writes its "no version" marker
            self.program = encode_varuint(NO_VERSION)  # (its address is off the curve)
            return
        prefix = self.prefix()
        program = prefix + self.pending
        if self.wants_salt(program):
            if self.ints.values and not self.ints.explicit_blocks:
                prefix, program = self.salted_intcblock()
            else:
                program = self.trailing_salt(program)
        self.program = bytes(program)
        shift = len(prefix)
        self.sources = {pc + shift: where for pc, where in self.sources.items()}

    def prefix(self) -> bytes:
        """The version, and the automatic constant blocks."""
        table = self.forms.table
        prefix = bytearray(encode_varuint(self.settled_version))
        for pool in (self.ints, self.bytes):
            if pool.values and not pool.explicit_blocks:
                prefix += pool.block_bytes(table)
        return bytes(prefix)

    def wants_salt(self, program: bytes) -> bool:
        """Whether `program` must be salted off the curve (warning of a pragma's doubtful use)."""
        token = self.autosalt_token
        if self.autosalt is False:
            if token is not None and not self.has_stateful_ops and address_on_curve(program):
                self.warn(token, "#pragma autosalt false leaves program hash on curve")
            return False
        if self.autosalt is True:
            if token is not None and self.has_stateful_ops:
                self.warn(token, "#pragma autosalt true used with stateful opcodes")
            return address_on_curve(program)
        return (
            self.settled_version >= spec.LOGICSIG_OFF_CURVE_VERSION
            and not self.has_stateful_ops
            and address_on_curve(program)
        )

    def salted_intcblock(self) -> tuple[bytes, bytes]:
        """(prefix, program) with the first salt that works as a last automatic constant."""
        values = self.ints.values
        try:
            for salt in range(SALT_LIMIT):
                self.ints.values = [*values, salt]
                prefix = self.prefix()
                if not address_on_curve(prefix + self.pending):
                    return prefix, prefix + self.pending
        finally:
            self.ints.values = values
        reason = "could not find an automatic intcblock salt that yields an off-curve program"
        self.record(self.line, 0, reason)
        return self.prefix(), b""

    def trailing_salt(self, program: bytes) -> bytes:
        """`program` and `intcblock S`, with the first salt S that works."""
        intcblock = self.forms.table.by_name["intcblock"].opcode
        for salt in range(SALT_LIMIT):
            candidate = program + bytes([intcblock, 1, salt])
            if not address_on_curve(candidate):
                return candidate
        reason = "could not find a trailing intcblock salt that yields an off-curve program"
        self.record(self.line, 0, reason)
        return b""


def _is_blank(text: str) -> bool:
    """Only white space, as Go's unicode.IsSpace has it (Python's also counts \\x1c-\\x1f)."""
    return all(ch.isspace() and ch not in "\x1c\x1d\x1e\x1f" for ch in as_text(text))


def _rejoin(name: str, tokens: list[Token]) -> str:
    return " ".join([name, *(t.text for t in tokens[1:])])
