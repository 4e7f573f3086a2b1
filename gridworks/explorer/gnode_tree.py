"""A GNodeFactory's registry as a tree (`/factory/{app_id}`), fast however many GNodes it holds.

The tree's shape comes from box NAMES alone: a record's box is b"g" + alias, and an alias names
its parent (drop the last word). So one paged listing of the app's box names (the indexer's
`/v2/applications/{id}/boxes`, `BOX_PAGE` names a call, at most `MAX_NAMES` names in all) gives
every alias and every ancestor, without reading a single record. The tree is then walked in
order (depth first, children by alias) and shown a page at a time (`size` entries, at most
`MAX_PAGE`; `start` is the offset of the page's first entry; `under` narrows it to a subtree):
only the records of the GNodes on the page are read (one algod box read each), for their role
and status. Ancestors that are not registered (the factory registers only validators, services
and TerminalAssets) are shown as "implied"; box names that are no alias, and records that do
not parse, are listed as skipped, as `FactoryReader.tree()` does.

What a page reads is kept until the chain moves (`tree_cache`): the same page again, or the
next one, at the same round and block hash reads only those two facts.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gridworks.identity.alias import check_alias
from gridworks.identity.chain import ChainError, FactoryReader, MalformedRecordError
from gridworks.identity.errors import AliasError
from gridworks.identity.record import RECORD_PREFIX, VALIDATOR_PREFIX, Record

from .errors import ExplorerError, bad_request, not_found, parse_uint
from .render import readable, render
from .sources import ChainSources, as_dict, read
from .tree_cache import TreeCache, chain_state

BOX_PAGE = 1000
"""Box names asked of the indexer in one call."""

MAX_NAMES = 20_000
"""The most box names one request lists (so at most MAX_NAMES / BOX_PAGE indexer calls)."""

PAGE = 100
"""Tree entries on a page by default."""

MAX_PAGE = 200
"""The most tree entries (and so record reads) one page may ask for."""


@dataclass
class Registry:
    """A factory's registry as its box names say: the aliases, and the names that are none."""

    aliases: set[str]
    skipped: list[tuple[str, str]]
    """(box name, shown readably; why it is no alias)."""
    truncated: bool
    """More than `MAX_NAMES` boxes: the listing stopped there."""

    def nodes(self) -> set[str]:
        """Every alias of the tree: the registered ones and their ancestors."""
        nodes: set[str] = set()
        for alias in self.aliases:
            node = alias
            while node and node not in nodes:  # an ancestor seen once has all its own
                nodes.add(node)
                node = node.rpartition(".")[0]
        return nodes

    def children(self) -> dict[str, list[str]]:
        """parent alias -> child aliases (registered or implied), sorted; "" holds the roots."""
        kids: dict[str, list[str]] = {}
        for node in self.nodes():
            kids.setdefault(node.rpartition(".")[0], []).append(node)
        for nodes in kids.values():
            nodes.sort()
        return kids

    def known(self, alias: str) -> bool:
        """Is `alias` registered or an ancestor of a registered alias?"""
        return alias in self.aliases or any(a.startswith(alias + ".") for a in self.aliases)


def registry(sources: ChainSources, app_id: int) -> Registry:
    """The factory's registry box names, read in pages of `BOX_PAGE` (at most `MAX_NAMES`)."""
    aliases: set[str] = set()
    skipped: list[tuple[str, str]] = []
    token: str | None = None
    listed = 0
    truncated = False
    while True:
        page = as_dict(
            read(
                lambda t=token: sources.indexer.application_boxes(  # type: ignore[misc]
                    app_id, limit=BOX_PAGE, next_page=t
                ),
                f"no boxes of application {app_id}",
            )
        )
        boxes = page.get("boxes", [])
        listed += len(boxes)
        for box in boxes:
            name = base64.b64decode(box.get("name", ""))
            if name.startswith(VALIDATOR_PREFIX) or not name.startswith(RECORD_PREFIX):
                continue
            try:
                aliases.add(check_alias(name[len(RECORD_PREFIX) :].decode("utf-8")))
            except UnicodeDecodeError:
                skipped.append((readable(name), "the box name is not UTF-8"))
            except AliasError as error:
                skipped.append((readable(name), str(error)))
        token = page.get("next-token")
        if len(boxes) < BOX_PAGE or not token:
            break
        if listed >= MAX_NAMES:
            truncated = True
            break
    return Registry(aliases, skipped, truncated)


@dataclass
class Entry:
    """One line of the tree: an alias, how deep, and (for a registered one) its record."""

    alias: str
    depth: int
    registered: bool
    context: bool = False
    """An ancestor of the page's first entry, shown so the page reads as a tree."""
    gnode: Record | None = None
    """The registry record (its role and status are shown)."""
    problem: str | None = None
    """Why the record did not parse (a malformed record)."""
    children: list[Entry] = field(default_factory=list)


def walk(reg: Registry, under: str | None) -> Iterator[tuple[str, int]]:
    """(alias, depth) of every alias of the tree (or of the subtree `under`), depth first."""
    kids = reg.children()
    base_depth = 0 if under is None else under.count(".")  # a depth is words - 1
    stack = [(a, base_depth) for a in reversed([under] if under else kids.get("", []))]
    while stack:
        alias, depth = stack.pop()
        yield alias, depth
        stack.extend((child, depth + 1) for child in reversed(kids.get(alias, [])))


def page_of(reg: Registry, under: str | None, start: int, size: int) -> tuple[list[Entry], int]:
    """The entries `start` to `start + size` of the walk, and how many it has in all (only the
    page's entries are made)."""
    page: list[Entry] = []
    total = 0
    for total, (alias, depth) in enumerate(walk(reg, under), start=1):
        if start < total <= start + size:
            page.append(Entry(alias, depth, alias in reg.aliases))
    return page, total


def nest(entries: list[Entry]) -> list[Entry]:
    """Depth-ordered entries as a forest (each entry's `children` filled)."""
    roots: list[Entry] = []
    stack: list[Entry] = []
    for entry in entries:
        while stack and stack[-1].depth >= entry.depth:
            stack.pop()
        (stack[-1].children if stack else roots).append(entry)
        stack.append(entry)
    return roots


@functools.cache
def _readers(at_once: int) -> ThreadPoolExecutor:
    """Threads for `at_once` reads, shared by every request; each keeps its own connection."""
    return ThreadPoolExecutor(at_once, thread_name_prefix="gridworks-explorer-read")


Outcome = Record | None | MalformedRecordError
"""A record read: the record, None (no such box), or why its bytes are no record."""


def read_records(
    reader: FactoryReader,
    entries: list[Entry],
    at_once: int = 1,
    remember: Callable[[str, Callable[[], Outcome]], Outcome] | None = None,
) -> None:
    """Reads the record of each registered entry (one box read each, `at_once` at a time) for
    its role and status; `remember(alias, read)` may answer from what it kept instead.

    The tree decodes each record (`FactoryReader.record`) and checks it names its own box, no
    more: the full model check (`FactoryReader.gnode`: the alias grammar again, every holder's
    address checksum) costs about 1 ms a record and is done on the GNode's own page."""

    def read_one(entry: Entry) -> Outcome:
        def fresh() -> Outcome:
            try:
                return reader.record(entry.alias)
            except MalformedRecordError as error:  # (any other ChainError is raised)
                return error

        return fresh() if remember is None else remember(entry.alias, fresh)

    registered = [entry for entry in entries if entry.registered]
    try:
        outcomes = list(
            map(read_one, registered)
            if at_once <= 1
            else _readers(at_once).map(read_one, registered)
        )
    except ChainError as error:
        raise ExplorerError(502, f"the node did not answer: {error}") from None
    for entry, outcome in zip(registered, outcomes, strict=True):
        if isinstance(outcome, MalformedRecordError):
            entry.problem = outcome.problem
        elif outcome is None:
            entry.problem = "the record's box is gone"
        elif outcome.alias != entry.alias:
            entry.problem = f"it names alias {outcome.alias!r}"
        else:
            entry.gnode = outcome


def checked_alias(value: str | None, what: str = "alias") -> str:
    """`value` if it is a GNode alias, else a 400 saying why."""
    try:
        return check_alias(value)
    except AliasError as error:
        raise bad_request(f"{what}: {error}") from None


def routes(sources: ChainSources) -> list[BaseRoute]:
    from .gnodes import factory_app

    cache = TreeCache()

    def factory_tree(request: Request) -> Response:
        app_id = parse_uint(request.path_params["app_id"], "application id")
        params = request.query_params
        under = params.get("under") or None
        if under is not None:
            under = checked_alias(under, "under")
        start = parse_uint(params.get("start", "0"), "start")
        size = parse_uint(params.get("size", str(PAGE)), "size")
        if not 1 <= size <= MAX_PAGE:
            raise bad_request(f"size must be from 1 to {MAX_PAGE}, not {size}")
        factory = factory_app(sources, app_id)
        state = chain_state(sources)
        reg = cache.get(state, "registry", app_id, lambda: registry(sources, app_id))
        if under is not None and not reg.known(under):
            raise not_found(f"no alias {under} in the tree of factory {app_id}")
        page, total = page_of(reg, under, start, size)
        if start and start >= total:
            raise not_found(f"the tree has {total} entries; none from {start}")
        context: list[Entry] = []
        if page:
            first = page[0]
            words = first.alias.split(".")
            top = 0 if under is None else under.count(".")
            for depth in range(top, first.depth):
                alias = ".".join(words[: depth + 1])
                context.append(Entry(alias, depth, alias in reg.aliases, context=True))
        shown = context + page
        read_records(
            FactoryReader(sources.algod, app_id),
            shown,
            sources.reads_at_once,
            lambda alias, read: cache.get(state, "record", (app_id, alias), read),
        )
        end = start + len(page)
        return render(
            request,
            "factory_tree.html",
            factory=factory,
            forest=nest(shown),
            under=under,
            parent_of_under=under.rsplit(".", 1)[0] if under and "." in under else None,
            start=start,
            end=end,
            size=size,
            total=total,
            registered=len(reg.aliases),
            previous=max(start - size, 0) if start > 0 else None,
            next=end if end < total else None,
            skipped=reg.skipped,
            malformed=[(e.alias, e.problem) for e in shown if e.problem],
            truncated=reg.truncated,
            max_names=MAX_NAMES,
        )

    return [Route("/factory/{app_id}", factory_tree, name="factory_tree")]
