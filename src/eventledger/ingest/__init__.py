"""Ingest: find reports in files, folders, containers and URLs, and hand over their bytes.

Nothing here interprets text: readers produce ``RawDocument``s (the original bytes, where
they came from, and any metadata found beside them) or ``IngestError``s (one clear reason),
so that one bad input never stops a batch.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventledger.record import Source

DEFAULT_MAX_BYTES = 50_000_000
DEFAULT_TIMEOUT = 20.0


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


def is_url(item: str) -> bool:
    return item.startswith(("http://", "https://"))


def _skipped_name(name: str) -> bool:
    """Hidden files and sidecars are never reports themselves (sidecars are read beside their file)."""
    return name.startswith(".") or name.endswith(".meta.json")


def discover(paths: Iterable[str]) -> list[str]:
    """Input files under ``paths`` (folders expanded recursively, sorted) plus any URLs, in given order.

    Files with unknown extensions are kept: ``read`` sniffs their content and reports why one
    cannot be used, instead of dropping it silently. Missing paths are kept too, for the same reason.
    """
    out: list[str] = []
    seen: set[str] = set()

    def add(item: str) -> None:
        if item not in seen:
            seen.add(item)
            out.append(item)

    for item in paths:
        if is_url(item) or not os.path.isdir(item):
            if is_url(item) or not _skipped_name(os.path.basename(item)):
                add(item)
            continue
        inside = []
        for root, dirs, files in os.walk(item):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            inside += [Path(root, name) for name in files if not _skipped_name(name)]
        for p in sorted(inside, key=lambda p: p.parts):  # like `find | sort`: same order on every machine
            add(str(p))
    return out


def read(
    item: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    overrides: dict[str, Any] | None = None,
    allow_private: bool = False,
) -> Iterator[RawDocument | IngestError]:
    """Every report in one input (a file, container or URL); failures are yielded, never raised.

    ``overrides`` (e.g. the CLI's --published/--outlet) win over sidecar and embedded metadata.
    ``allow_private`` lets URLs reach private, loopback and link-local addresses (refused by default).
    """
    # Readers are imported here so that importing this package stays cheap (httpx, feedparser,
    # warcio and pypdf are only loaded when an input needs them).
    if is_url(item):
        from eventledger.ingest.fetch import read_url

        docs = read_url(item, max_bytes=max_bytes, timeout=timeout, allow_private=allow_private)
    else:
        from eventledger.ingest.files import read_file

        docs = read_file(item, max_bytes=max_bytes)
    set_meta = {k: v for k, v in (overrides or {}).items() if v is not None}
    for doc in docs:
        if isinstance(doc, RawDocument) and set_meta:
            doc.meta.update(set_meta)
        yield doc


def read_all(items: Iterable[str], **kwargs: Any) -> Iterator[RawDocument | IngestError]:
    """``read`` over ``discover(items)``: the whole batch as one stream."""
    for item in discover(items):
        yield from read(item, **kwargs)
