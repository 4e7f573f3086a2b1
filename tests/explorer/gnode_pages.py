"""Helpers for the GNode pages' tests: fetching pages and reading their tree, rows and links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx


def get(explorer: str, path: str) -> httpx.Response:
    """The explorer's page `path` (no leading slash), redirects not followed."""
    return httpx.get(explorer + path, timeout=30, follow_redirects=False)


class TreeParser(HTMLParser):
    """The tree of a factory page: each `<li data-alias>`'s parent alias (None: a root), its
    classes, and the tags in it, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.parent: dict[str, str | None] = {}
        self.order: list[str] = []
        self.context: set[str] = set()
        self.tags: dict[str, list[str]] = {}
        self._in_tag = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "li":
            alias = a.get("data-alias")
            if alias is not None:
                self.parent[alias] = next((x for x in reversed(self.stack) if x), None)
                self.order.append(alias)
                self.tags[alias] = []
                if "context" in (a.get("class") or ""):
                    self.context.add(alias)
            self.stack.append(alias)
        elif tag == "span" and "tag" in (a.get("class") or "").split():
            self._in_tag = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self.stack.pop()
        elif tag == "span":
            self._in_tag = False

    def handle_data(self, data: str) -> None:
        if self._in_tag and self.stack and self.stack[-1]:
            self.tags[self.stack[-1]].append(data.strip())


def tree(html: str) -> TreeParser:
    parser = TreeParser()
    parser.feed(html)
    return parser


def rows(html: str, attribute: str) -> list[tuple[str, str]]:
    """(attribute value, the row's HTML) of each `<tr attribute="...">`, in order."""
    return re.findall(rf'<tr {attribute}="([^"]*)">(.*?)</tr>', html, flags=re.S)


def next_link(html: str) -> str | None:
    """The `rel="next"` link's path (after the explorer's prefix), unescaped."""
    found = re.search(r'<a rel="next" href="/explorer/([^"]*)"', html)
    return found.group(1).replace("&amp;", "&") if found else None
