"""Markdown to plain text: markup goes, words stay; image descriptions go to metadata."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from eventledger.clean.html import fragment_text, parse_fragment

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FIELD = re.compile(r"^([A-Za-z_]+)\s*:\s*(.+?)\s*$", re.MULTILINE)
# front-matter keys as written by static-site generators and note tools -> our metadata names
_FRONT_KEYS = {
    "title": "title",
    "date": "published",
    "published": "published",
    "outlet": "outlet",
    "source": "outlet",
    "publisher": "outlet",
    "url": "url",
    "link": "url",
    "lang": "language",
    "language": "language",
}


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def _unquote(value: str) -> str:
    """One matching pair of outer YAML quotes comes off; quotes inside the value stay."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else inner
    return value


def front_matter(text: str) -> tuple[str, dict[str, str]]:
    """YAML-style ``---`` header fields (title, date, source, url, language) and the text without it."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return text, {}
    found = {}
    for key, value in _FIELD.findall(m.group(1)):
        name = _FRONT_KEYS.get(key.lower())
        if name:
            found.setdefault(name, _unquote(value.strip()))
    return text[m.end() :], found


def _inline(children: list[Any], images: list[str]) -> str:
    out = []
    for tok in children:
        if tok.type in ("text", "code_inline"):
            out.append(tok.content)
        elif tok.type == "softbreak":
            out.append(" ")  # a wrapped source line, not a new line of the report
        elif tok.type == "hardbreak":
            out.append("\n")
        elif tok.type == "image":
            alt = "".join(c.content for c in tok.children or []) or tok.attrs.get("title") or ""
            if alt.strip():
                images.append(alt.strip())
    return "".join(out)


def markdown_text(source: str) -> tuple[str, dict[str, str], list[str]]:
    """(plain text with blank lines between blocks, front-matter metadata, image descriptions)."""
    body, meta = front_matter(source)
    images: list[str] = []
    blocks: list[str] = []
    row: list[str] | None = None
    heading = ""
    for tok in _parser().parse(body):
        if tok.type == "heading_open":
            heading = tok.tag
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close" and row is not None:
            blocks.append(" | ".join(row))
            row = None
        elif tok.type == "inline":
            text = _inline(tok.children or [], images)
            if row is not None:
                row.append(text.strip())
            elif text.strip():
                if heading == "h1" and not blocks:  # a leading top-level heading is the report's title
                    meta.setdefault("title", text.strip())
                blocks.append(text)
            heading = ""
        elif tok.type in ("fence", "code_block"):
            blocks.append(tok.content.rstrip("\n"))
        elif tok.type == "html_block":
            blocks.append(fragment_text(parse_fragment(tok.content)))
    return "\n\n".join(b for b in blocks if b.strip()), meta, images
