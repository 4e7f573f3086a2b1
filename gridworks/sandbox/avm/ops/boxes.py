"""Boxes: apps' named byte-arrays (box_create, box_get, box_put, ... ; v8+, app mode), and
from v13 the boxes of other apps (app_box_create, app_box_get, ... : the app id comes first).

A box op first checks its name and size (go's argCheck), then that a box reference of the group
names the box and that the group's write budget allows the op (`available_box`), then reads or
writes through `cx.app.state`. Extract, replace and splice are done here on the box's bytes and
written back whole.

The budget is the group's: 2,048 bytes per box reference of any of its transactions (empty
references add budget without naming a box). The boxes the references name must fit it when
the first app call starts (`group_resources.begin_app_call`), and so must the boxes the group
writes: a box counts with its size once created or written, until deleted. Simulate with
`allow-unnamed-resources` sets a policy (`GroupResources.unnamed`) that may allow a box no
reference names and widens the write budget; without one, neither is consulted. Before the
policy, an app the group created may use a box no reference names, one per empty box reference
of the group (v41, go: unnamedAccess).

Another app's box needs a box reference naming it (as any box does) and its owner's consent
(go: authorizeBoxAccess): reads when it set `AppForeignBoxReads`, reads and writes by apps of
the same creator when it set `AppFamilyBoxAccess`. A family-shared box may not be written by an
app that a foreign app (another creator's) called while an app of the family further up the
call chain already used a family-shared box (the family reentrancy rule).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from ..context import MAX_VALUE_SIZE, UINT64_MAX, EvalContext, app_call
from ..errors import LogicError
from ..group_resources import CLEAR_STATE, app_field, current_txn, group_resources
from .bytes import extract_range, replace_range
from .registry import arg_type_error, register

MAX_BOX_SIZE = 32_768  # MaxBoxSize
MAX_BOX_NAME_LEN = 64  # MaxAppKeyLen


# Availability and the write budget ---------------------------------------------------------


class BoxOp(Enum):
    """What a box op does to the box, for the write budget (go: BoxOperation)."""

    CREATE = "create"
    READ = "read"
    WRITE = "write"
    DELETE = "delete"
    RESIZE = "resize"


def available_box(
    cx: EvalContext, name: bytes, op: BoxOp, size: int = 0, app_id: int | None = None
) -> bytes | None:
    """The box `name` of `app_id` (the current app by default; None if the box does not
    exist), once it is known to be referenced, the owner allows `op`, and the group's write
    budget allows it (go: availableAppBox). A box counts against the budget once written (its
    size), until deleted."""
    app = app_call(cx)
    owner = cx.app_id if app_id is None else app_id
    if app_field(current_txn(cx), "on_completion", 0) == CLEAR_STATE:
        raise LogicError("boxes may not be accessed from ClearState program")
    resources = group_resources(cx)
    key = (owner, name)
    dirty = resources.boxes.get(key)
    if dirty is None:
        unnamed = resources.unnamed  # simulate's allow-unnamed-resources, else None
        if resources.unnamed_access and resources.created_app(owner):
            resources.unnamed_access -= 1  # an empty box ref stands for it (v41)
        elif unnamed is None or not unnamed.available_box(cx, owner, name):
            raise LogicError(f"invalid Box reference {go_hex(name)}")
        dirty = resources.boxes[key] = False
    _authorize(cx, owner, op)
    content = app.state.box_get(owner, name)
    if op is BoxOp.READ:
        return content
    if op is BoxOp.CREATE and content is not None:
        if size != len(content):
            raise LogicError(f"box size mismatch {len(content)} {size}")
        return content
    if op is BoxOp.CREATE or op is BoxOp.WRITE:
        if not dirty:
            resources.dirty_bytes += len(content) if content is not None else size
        dirty = True
    elif op is BoxOp.RESIZE:
        if dirty and content is not None:
            resources.dirty_bytes -= len(content)
        resources.dirty_bytes += size
        dirty = True
    else:  # DELETE
        if dirty and content is not None:
            resources.dirty_bytes -= len(content)
        dirty = False
    resources.boxes[key] = dirty
    unnamed = resources.unnamed
    budget = resources.io_budget if unnamed is None else unnamed.box_io_budget(resources.io_budget)
    if resources.dirty_bytes > budget:
        raise LogicError(f"write budget ({budget}) exceeded {resources.dirty_bytes}")
    if unnamed is not None:
        unnamed.box_bytes_written(resources.dirty_bytes)
    return content


def _creator(cx: EvalContext, app_id: int) -> bytes:
    params = app_call(cx).state.app_params(app_id)
    if params is None:
        raise LogicError(f"app {app_id} does not exist")
    return params.creator


def _authorize(cx: EvalContext, owner: int, op: BoxOp) -> None:
    """go's authorizeBoxAccess: whether the current app may do `op` to a box of `owner`."""
    call = app_call(cx)
    params = call.state.app_params(owner)
    if params is None:
        raise LogicError(f"app {owner} does not exist")
    is_read = op is BoxOp.READ
    if owner == cx.app_id:
        shared = params.family_box_access
    else:
        in_family = params.family_box_access and _creator(cx, cx.app_id) == params.creator
        if not ((is_read and params.foreign_box_reads) or in_family):
            in_family = _creator(cx, cx.app_id) == params.creator
            who = "family" if in_family else "foreign"
            verb = "read" if is_read else "write"
            raise LogicError(f"{who} app {cx.app_id} may not {verb} box of {owner}")
        shared = in_family
    if not shared:
        return
    if not is_read and not call.family_checked:
        _check_family_reentrancy(cx)
        call.family_checked = True
    call.touched_family_shared = True


def _check_family_reentrancy(cx: EvalContext) -> None:
    """A family app called back through a foreign app may not write family-shared boxes
    while a family app further up already used them."""
    call = app_call(cx)
    mine = _creator(cx, cx.app_id)
    seen_foreign = False
    frame = call.parent
    for app_id in reversed(call.callers):
        if frame is None:
            break
        if _creator(cx, app_id) != mine:
            seen_foreign = True
        elif seen_foreign and frame.touched_family_shared:
            raise LogicError(
                f"app {cx.app_id} may not write family-shared box: app {app_id} is relying "
                "on family state across a foreign call"
            )
        frame = frame.parent


def go_hex(data: bytes) -> str:
    """Go's %#x of a string: 0x and lowercase hex, or nothing at all for an empty one."""
    return f"0x{data.hex()}" if data else ""


# The ops -----------------------------------------------------------------------------------


def _check(name: bytes, size: int) -> None:
    """go's argCheck: a name of 1 to 64 bytes, and a size (or range end) within a box."""
    if not name:
        raise LogicError("box names may not be zero length")
    if len(name) > MAX_BOX_NAME_LEN:
        raise LogicError(f"name too long: length was {len(name)}, maximum is {MAX_BOX_NAME_LEN}")
    if size > MAX_BOX_SIZE:
        raise LogicError(f"box size too large: {size}, maximum is {MAX_BOX_SIZE}")


def _missing(name: bytes) -> LogicError:
    return LogicError(f"no such box {go_hex(name)}")


# The ops: each `_name(cx, app_id)` works on the box arguments at the top of the stack -------


def _create(cx: EvalContext, app_id: int) -> None:
    stack = cx.stack
    name, size = stack[-2:]
    assert type(name) is bytes and type(size) is int
    _check(name, size)
    existing = available_box(cx, name, BoxOp.CREATE, size, app_id)
    if existing is None:
        app_call(cx).state.box_create(app_id, name, bytes(size))
    del stack[-1]
    stack[-1] = 0 if existing is not None else 1


def _extract(cx: EvalContext, app_id: int, op: str = "box_extract") -> None:
    stack = cx.stack
    name, start, length = stack[-3:]
    if type(name) is not bytes or type(start) is not int or type(length) is not int:
        raise arg_type_error(op, (name, start, length))
    _check(name, min(start + length, UINT64_MAX))
    content = available_box(cx, name, BoxOp.READ, 0, app_id)
    if content is None:
        raise _missing(name)
    value = extract_range(content, start, length)
    if len(value) > MAX_VALUE_SIZE:
        raise LogicError(f"{op} produced a too big ({len(value)}) byte-array")
    del stack[-2:]
    stack[-1] = value


def _replace(cx: EvalContext, app_id: int, op: str = "box_replace") -> None:
    stack = cx.stack
    name, start, replacement = stack[-3:]
    if type(name) is not bytes or type(start) is not int or type(replacement) is not bytes:
        raise arg_type_error(op, (name, start, replacement))
    _check(name, min(start + len(replacement), UINT64_MAX))
    content = available_box(cx, name, BoxOp.WRITE, 0, app_id)
    if content is None:
        raise _missing(name)
    value = replace_range(content, replacement, start)
    del stack[-3:]
    app_call(cx).state.box_put(app_id, name, value)


def _splice(original: bytes, replacement: bytes, start: int, length: int) -> bytes:
    """`original`'s bytes start..start+length replaced by `replacement`, the box keeping its
    size: zeros shift in at the end, or its last bytes shift out (go: spliceCarefully)."""
    size = len(original)
    if start > size:
        raise LogicError(f"replacement start {start} beyond length: {size}")
    end = start + length
    if end > UINT64_MAX:
        raise LogicError("splice end exceeds uint64")
    if end > size:
        raise LogicError(f"splice end {end} beyond original length: {size}")
    if start + len(replacement) > size:
        raise LogicError("splice inserted bytes too long")
    return (original[:start] + replacement + original[end:])[:size].ljust(size, b"\0")


def _splice_box(cx: EvalContext, app_id: int) -> None:
    stack = cx.stack
    name, start, length, replacement = stack[-4:]
    assert type(name) is bytes and type(start) is int and type(length) is int
    assert type(replacement) is bytes
    _check(name, 0)
    content = available_box(cx, name, BoxOp.WRITE, 0, app_id)
    if content is None:
        raise _missing(name)
    value = _splice(content, replacement, start, length)
    del stack[-4:]
    app_call(cx).state.box_put(app_id, name, value)


def _del(cx: EvalContext, app_id: int) -> None:
    stack = cx.stack
    name = stack[-1]
    assert type(name) is bytes
    _check(name, 0)
    existed = available_box(cx, name, BoxOp.DELETE, 0, app_id) is not None
    if existed:
        app_call(cx).state.box_del(app_id, name)
    stack[-1] = 1 if existed else 0


def _resize(cx: EvalContext, app_id: int) -> None:
    stack = cx.stack
    name, size = stack[-2:]
    assert type(name) is bytes and type(size) is int
    _check(name, size)
    if available_box(cx, name, BoxOp.RESIZE, size, app_id) is None:
        raise _missing(name)
    app_call(cx).state.box_resize(app_id, name, size)
    del stack[-2:]


def _len(cx: EvalContext, app_id: int) -> None:
    stack = cx.stack
    name = stack[-1]
    assert type(name) is bytes
    _check(name, 0)
    content = available_box(cx, name, BoxOp.READ, 0, app_id)
    stack[-1:] = (0, 0) if content is None else (len(content), 1)


def _get(cx: EvalContext, app_id: int, op: str = "box_get") -> None:
    stack = cx.stack
    name = stack[-1]
    if type(name) is not bytes:
        raise arg_type_error(op, (name,))
    _check(name, 0)
    content = available_box(cx, name, BoxOp.READ, 0, app_id)
    if content is None:
        stack[-1:] = (b"", 0)
        return
    if len(content) > MAX_VALUE_SIZE:
        raise LogicError(f"{op} produced a too big ({len(content)}) byte-array")
    stack[-1:] = (content, 1)


def _put(cx: EvalContext, app_id: int, op: str = "box_put") -> None:
    stack = cx.stack
    name, value = stack[-2:]
    if type(name) is not bytes or type(value) is not bytes:
        raise arg_type_error(op, (name, value))
    _check(name, len(value))
    existing = available_box(cx, name, BoxOp.WRITE, len(value), app_id)
    del stack[-2:]
    state = app_call(cx).state
    if existing is None:
        state.box_create(app_id, name, value)
    elif len(existing) != len(value):
        raise LogicError(f"attempt to box_put wrong size {len(existing)} != {len(value)}")
    else:
        state.box_put(app_id, name, value)


# box_*: the current app's boxes; app_box_* (v13): app A's, A deepest on the stack ---------

_BOX_OPS: dict[str, tuple[Callable[..., None], int, bool]] = {
    # name: (implementation, box arguments above the app id, whether it checks its own types)
    "create": (_create, 2, False),
    "extract": (_extract, 3, True),
    "replace": (_replace, 3, True),
    "splice": (_splice_box, 4, False),
    "del": (_del, 1, False),
    "resize": (_resize, 2, False),
    "len": (_len, 1, False),
    "get": (_get, 1, True),
    "put": (_put, 2, True),
}


def _current_app_op(impl: Callable[..., None]) -> Callable[[EvalContext, object], None]:
    def op(cx: EvalContext, imm: object) -> None:
        impl(cx, cx.app_id)

    return op


def _other_app_op(
    name: str, impl: Callable[..., None], depth: int, self_checked: bool
) -> Callable[[EvalContext, object], None]:
    """go's popDeepAppID: the app id below `depth` box arguments comes off the stack, and the
    box op runs on what is left, as the current app's op would."""

    def op(cx: EvalContext, imm: object) -> None:
        stack = cx.stack
        app_id = stack.pop(-1 - depth)
        if type(app_id) is not int:
            raise arg_type_error(name, (app_id,))
        if self_checked:
            impl(cx, app_id, name)
        else:
            impl(cx, app_id)

    return op


for _suffix, (_impl, _depth, _self_checked) in _BOX_OPS.items():
    register(f"box_{_suffix}", self_checked=_self_checked)(_current_app_op(_impl))
    register(f"app_box_{_suffix}")(
        _other_app_op(f"app_box_{_suffix}", _impl, _depth, _self_checked)
    )
