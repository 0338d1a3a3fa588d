"""Ingest: find reports in files, folders, containers and URLs, and hand over their bytes.

Nothing here interprets text: readers produce ``RawDocument``s (the original bytes, where
they came from, and any metadata found beside them) or ``IngestError``s (one clear reason),
so that one bad input never stops a batch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from eventledger.record import Source


@dataclass
class RawDocument:
    data: bytes  # the original bytes as received: evidence, never altered
    source: Source
    media_type: str  # text/plain, text/html, text/markdown, application/pdf
    meta: dict[str, Any] = field(default_factory=dict)  # title, outlet, url, published, language
    encoding: str | None = None  # declared charset, if any

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class IngestError:
    where: str  # path, path#line, or URL
    reason: str  # one line a user can act on
