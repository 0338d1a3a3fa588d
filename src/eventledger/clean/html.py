"""HTML to article text with trafilatura, keeping picture captions (they carry facts)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from lxml import etree
from lxml.html import HtmlElement

_SPACES = re.compile(r"\s+")
_BLOCKS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 br tr blockquote section article figcaption pre dd dt td th".split()
)
_SKIP = frozenset(
    "script style noscript template nav header footer aside form button select iframe svg".split()
)
_FULL_PAGE = re.compile(r"<(?:html|body|head)\b|<!doctype", re.IGNORECASE)
_DATE_PARAMS = {
    "extensive_search": False,
    "original_date": True,
}  # a date guessed from body text is worse than none


@dataclass
class Page:
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None
    author: str | None = None
    captions: list[str] = field(default_factory=list)


def _expose_captions(tree: HtmlElement) -> list[str]:
    """trafilatura drops <figure>/<figcaption>; as plain paragraphs their words stay in the article."""
    captions = []
    for el in tree.iter("figcaption"):
        text = _SPACES.sub(" ", el.text_content()).strip()
        if text:
            captions.append(text)
        el.tag = "p"
    for el in tree.iter("figure"):
        el.tag = "div"
    return captions


def fragment_text(tree: HtmlElement) -> str:
    """Text of a small HTML fragment, one paragraph per block element.

    trafilatura returns nothing for fragments below its minimum article size (feed summaries,
    JSONL snippets), and its html2txt/baseline helpers run paragraphs together.
    """
    parts: list[str] = []

    def walk(el: HtmlElement) -> None:
        if isinstance(el.tag, str) and el.tag in _SKIP:
            if el.tail:
                parts.append(el.tail)
            return
        block = isinstance(el.tag, str) and el.tag in _BLOCKS
        if block:
            parts.append("\n\n")
        if el.text and isinstance(el.tag, str):
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n\n")
        if el.tail:
            parts.append(el.tail)

    walk(tree)
    paragraphs = (_SPACES.sub(" ", p).strip() for p in "".join(parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


class _Flat(HTMLParser):
    """Text from a tag stream without building a tree: libxml2 stops building at 255 nested
    elements, and a page nested deeper would otherwise lose its whole text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def flat_text(html: str) -> str:
    parser = _Flat()
    parser.feed(html)
    parser.close()
    paragraphs = (_SPACES.sub(" ", p).strip() for p in "".join(parser.parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def parse_fragment(html: str) -> HtmlElement:
    """A snippet (feed summary, JSONL field) as one tree; trafilatura's loader rejects the smallest ones."""
    from lxml.html import fragment_fromstring

    try:
        return fragment_fromstring(html, create_parent="div")
    except (ValueError, etree.ParserError):
        return fragment_fromstring(f"<p>{escape(html)}</p>", create_parent="div")


def html_to_page(html: str, url: str | None = None) -> Page:
    """Article text (paragraphs as blank-line-separated lines) and the page's own metadata."""
    if not _FULL_PAGE.search(html[:4096]):
        return Page(text=fragment_text(parse_fragment(html)) or flat_text(html))
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return Page(text=flat_text(html))
    lang = tree.getroottree().getroot().get("lang")
    captions = _expose_captions(tree)
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATE_PARAMS,
    )
    language = lang.split("-")[0].lower() if lang else None
    if doc is None or not (doc.text or "").strip():
        tree = load_html(html)  # trafilatura prunes the tree it is given
        _expose_captions(tree)
        return Page(text=fragment_text(tree) or flat_text(html), captions=captions, language=language)
    lines = [line.strip() for line in doc.text.split("\n")]
    text = "\n\n".join(line for line in lines if line)
    title = (doc.title or "").strip() or None
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"  # the headline is part of the report, as in plain-text copies
    return Page(
        text=text,
        title=title,
        outlet=doc.sitename or None,
        published=doc.date or None,
        url=doc.url or None,
        language=language,
        author=doc.author or None,
        captions=captions,
    )
