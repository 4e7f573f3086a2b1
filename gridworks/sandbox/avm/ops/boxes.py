"""Boxes: the current app's named byte-arrays (box_create, box_get, box_put, ... ; v8+, app mode).

A box op first checks its name and size (go's argCheck), then that a box reference of the group
names the box and that the group's write budget allows the op (`available_box`), then reads or
writes through `cx.app.state`. Extract, replace and splice are done here on the box's bytes and
written back whole.

The budget is the group's: 1,024 bytes per box reference of any of its transactions (empty
references add budget without naming a box). The boxes the references name must fit it when
the first app call starts (`group_resources.begin_app_call`), and so must the boxes the group
writes: a box counts with its size once created or written, until deleted. Simulate with
`allow-unnamed-resources` sets a policy (`GroupResources.unnamed`) that may allow a box no
reference names and widens the write budget; without one, neither is consulted.
"""

from __future__ import annotations

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


def available_box(cx: EvalContext, name: bytes, op: BoxOp, size: int = 0) -> bytes | None:
    """The box `name` of the current app (None if it does not exist), once it is known to be
    referenced and the group's write budget allows `op` (go: availableBox). A box counts
    against the budget once written (its size), until deleted."""
    app = app_call(cx)
    if app_field(current_txn(cx), "on_completion", 0) == CLEAR_STATE:
        raise LogicError("boxes may not be accessed from ClearState program")
    resources = group_resources(cx)
    key = (cx.app_id, name)
    dirty = resources.boxes.get(key)
    if dirty is None:
        unnamed = resources.unnamed  # simulate's allow-unnamed-resources, else None
        if unnamed is None or not unnamed.available_box(cx, cx.app_id, name):
            raise LogicError(f"invalid Box reference {go_hex(name)}")
        dirty = resources.boxes[key] = False
    content = app.state.box_get(cx.app_id, name)
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


@register("box_create")
def op_box_create(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    name, size = stack[-2:]
    assert type(name) is bytes and type(size) is int
    _check(name, size)
    existing = available_box(cx, name, BoxOp.CREATE, size)
    if existing is None:
        app_call(cx).state.box_create(cx.app_id, name, bytes(size))
    del stack[-1]
    stack[-1] = 0 if existing is not None else 1


@register("box_extract", self_checked=True)
def op_box_extract(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    name, start, length = stack[-3:]
    if type(name) is not bytes or type(start) is not int or type(length) is not int:
        raise arg_type_error("box_extract", (name, start, length))
    _check(name, min(start + length, UINT64_MAX))
    content = available_box(cx, name, BoxOp.READ)
    if content is None:
        raise _missing(name)
    value = extract_range(content, start, length)
    if len(value) > MAX_VALUE_SIZE:
        raise LogicError(f"box_extract produced a too big ({len(value)}) byte-array")
    del stack[-2:]
    stack[-1] = value


@register("box_replace", self_checked=True)
def op_box_replace(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    name, start, replacement = stack[-3:]
    if type(name) is not bytes or type(start) is not int or type(replacement) is not bytes:
        raise arg_type_error("box_replace", (name, start, replacement))
    _check(name, min(start + len(replacement), UINT64_MAX))
    content = available_box(cx, name, BoxOp.WRITE)
    if content is None:
        raise _missing(name)
    value = replace_range(content, replacement, start)
    del stack[-3:]
    app_call(cx).state.box_put(cx.app_id, name, value)


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


@register("box_splice")
def op_box_splice(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    name, start, length, replacement = stack[-4:]
    assert type(name) is bytes and type(start) is int and type(length) is int
    assert type(replacement) is bytes
    _check(name, 0)
    content = available_box(cx, name, BoxOp.WRITE)
    if content is None:
        raise _missing(name)
    value = _splice(content, replacement, start, length)
    del stack[-4:]
    app_call(cx).state.box_put(cx.app_id, name, value)


@register("box_del")
def op_box_del(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    name = stack[-1]
    assert type(name) is bytes
    _check(name, 0)
    existed = available_box(cx, name, BoxOp.DELETE) is not None
    if existed:
        app_call(cx).state.box_del(cx.app_id, name)
    stack[-1] = 1 if existed else 0


@register("box_resize")
def op_box_resize(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    name, size = stack[-2:]
    assert type(name) is bytes and type(size) is int
    _check(name, size)
    if available_box(cx, name, BoxOp.RESIZE, size) is None:
        raise _missing(name)
    app_call(cx).state.box_resize(cx.app_id, name, size)
    del stack[-2:]


@register("box_len")
def op_box_len(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    name = stack[-1]
    assert type(name) is bytes
    _check(name, 0)
    content = available_box(cx, name, BoxOp.READ)
    stack[-1:] = (0, 0) if content is None else (len(content), 1)


@register("box_get", self_checked=True)
def op_box_get(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    name = stack[-1]
    if type(name) is not bytes:
        raise arg_type_error("box_get", (name,))
    _check(name, 0)
    content = available_box(cx, name, BoxOp.READ)
    if content is None:
        stack[-1:] = (b"", 0)
        return
    if len(content) > MAX_VALUE_SIZE:
        raise LogicError(f"box_get produced a too big ({len(content)}) byte-array")
    stack[-1:] = (content, 1)


@register("box_put", self_checked=True)
def op_box_put(cx: EvalContext, imm: object) -> None:
    stack = cx.stack
    name, value = stack[-2:]
    if type(name) is not bytes or type(value) is not bytes:
        raise arg_type_error("box_put", (name, value))
    _check(name, len(value))
    existing = available_box(cx, name, BoxOp.WRITE, len(value))
    del stack[-2:]
    state = app_call(cx).state
    if existing is None:
        state.box_create(cx.app_id, name, value)
    elif len(existing) != len(value):
        raise LogicError(f"attempt to box_put wrong size {len(existing)} != {len(value)}")
    else:
        state.box_put(cx.app_id, name, value)
