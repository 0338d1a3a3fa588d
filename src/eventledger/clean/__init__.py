"""Clean: turn a report's bytes into the text every span indexes, keeping what was removed.

Metadata precedence: what the user or the container said (``RawDocument.meta``: CLI overrides,
sidecar, JSONL/feed fields) beats what the page says about itself (HTML meta, PDF info,
Markdown front matter), which beats fallbacks (a WARC capture date, a PDF creation date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime
from typing import Any

from eventledger.clean.decode import decode
from eventledger.clean.text import clean_text
from eventledger.ingest import RawDocument

META_FIELDS = ("title", "outlet", "published", "language", "url")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class CleanError(Exception):
    """The document has no usable text; the message is the one-line reason."""


@dataclass
class Cleaned:
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    url: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def iso_date(value: Any) -> str | None:
    """YYYY-MM-DD from an ISO date/datetime, an RFC 2822 date or a written date; None if unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    m = _ISO_DAY.match(value)
    if m:
        try:
            return date(*map(int, m.groups())).isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    import dateparser  # slow to import; only for dates written out in words

    parsed = dateparser.parse(value, languages=["en"], settings={"STRICT_PARSING": True})
    return parsed.date().isoformat() if parsed else None


def _body(raw: RawDocument, metadata: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(text before line cleaning, metadata the content gives, fallback metadata) for each media type."""
    if raw.media_type == "application/pdf":
        from eventledger.clean.pdf import pdf_text

        text, info = pdf_text(raw.data)
        if not text.strip():
            raise CleanError("PDF has no text layer (scanned pages?); run OCR on it first")
        return text, {"title": info.get("title")}, {"published": info.get("created")}
    text, encoding = decode(raw.data, raw.encoding, markup=raw.media_type == "text/html")
    metadata["encoding"] = encoding
    if raw.media_type == "text/html":
        from eventledger.clean.html import html_to_page

        page = html_to_page(text, url=raw.meta.get("url"))
        if page.captions:
            metadata["figure_captions"] = page.captions
        if page.author:
            metadata["author"] = page.author
        found = {
            "title": page.title,
            "outlet": page.outlet,
            "published": page.published,
            "url": page.url,
            "language": page.language,
        }
        return page.text, found, {}
    if raw.media_type == "text/markdown":
        from eventledger.clean.markdown import markdown_text

        text, found, images = markdown_text(text)
        if images:
            metadata["image_captions"] = images
        return text, dict(found), {}
    return text, {}, {}


def clean(raw: RawDocument) -> Cleaned:
    metadata: dict[str, Any] = {}
    text, found, fallback = _body(raw, metadata)
    if not text.strip():
        raise CleanError(
            "no text in document" if raw.media_type != "text/html" else "no article text in HTML page"
        )
    cleaned, removed = clean_text(text)
    if not cleaned.strip():
        raise CleanError("no text left after cleaning")
    metadata.update(removed.as_metadata())
    figures = metadata.pop("figure_captions", [])
    if figures:  # figcaptions without a credit are captions too, when their words are still in the text
        lines = set(cleaned.split("\n"))
        extra = [c for c in (clean_text(f)[0] for f in figures) if c in lines]
        metadata["captions"] = list(dict.fromkeys(metadata.get("captions", []) + extra))
        if not metadata["captions"]:
            del metadata["captions"]
    fallback.setdefault("published", raw.meta.get("captured"))
    values = {}
    for key in META_FIELDS:
        for source in (raw.meta, found, fallback):
            value = source.get(key)
            if key == "published":
                if value and not iso_date(value):
                    metadata.setdefault("unreadable_dates", []).append(str(value))
                value = iso_date(value)
            if isinstance(value, str) and value.strip():
                values[key] = value.strip()
                break
    return Cleaned(text=cleaned, metadata=metadata, **values)
