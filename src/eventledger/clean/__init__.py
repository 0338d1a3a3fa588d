"""Clean: turn a report's bytes into the text every span indexes, keeping what was removed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eventledger.ingest import RawDocument


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


def clean(raw: RawDocument) -> Cleaned:
    text = raw.data.decode(raw.encoding or "utf-8", errors="replace")
    if not text.strip():
        raise CleanError("empty document")
    return Cleaned(text=text, **{k: raw.meta.get(k) for k in ("title", "outlet", "published", "language", "url")})
