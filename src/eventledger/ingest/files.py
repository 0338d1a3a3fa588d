"""Local files: size checks before reading, format by name or by content, sidecar metadata."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from eventledger.ingest import IngestError, RawDocument
from eventledger.record import Source

SNIFF_BYTES = 4096  # enough to see a BOM, a magic number, a doctype or a feed's root element
META_FIELDS = ("title", "outlet", "url", "published", "language")


@lru_cache(maxsize=1)
def formats() -> dict[str, Any]:
    """Extensions, media types and binary signatures (``ingest/data/formats.json``)."""
    return json.loads(
        resources.files("eventledger.ingest").joinpath("data", "formats.json").read_text("utf-8")
    )


def human_size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.0f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.0f} KB"
    return f"{n} bytes"


def too_big(size: int, max_bytes: int, what: str = "file") -> str:
    return f"{what} is {human_size(size)}, over the {human_size(max_bytes)} limit; raise --max-bytes"


def kind_by_name(name: str) -> str | None:
    lower = name.lower()
    exts = formats()["extensions"]
    for ext in sorted(exts, key=len, reverse=True):  # '.warc.gz' before '.gz'
        if lower.endswith(ext):
            return exts[ext]
    return None


def utf16_without_bom(head: bytes) -> bool:
    """UTF-16 text without a BOM: ASCII-range characters leave a NUL in every other byte."""
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 8:
        return False
    evens, odds = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    return max(evens, odds) > 0.6 * half and min(evens, odds) < 0.05 * half


def binary_reason(head: bytes) -> str | None:
    """Why ``head`` is not text (a known binary format, NUL bytes, control characters), or None."""
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(head):
        return None
    for magic, what in formats()["binary_signatures"].items():
        if head.startswith(bytes.fromhex(magic)):
            return f"binary file: {what}"
    if b"\x00" in head:
        return "binary file (contains NUL bytes): not text, HTML or PDF"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    if head and controls > 0.05 * len(head):
        return "binary file (control characters): not text, HTML or PDF"
    return None


def sniff(head: bytes) -> str:
    """The kind of a file whose name says nothing: pdf, warc, feed, html or txt."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"\x1f\x8b"):
        import gzip

        try:
            if gzip.GzipFile(fileobj=io.BytesIO(head)).read(5) == b"WARC/":
                return "warc"
        except (OSError, EOFError):
            pass
        return "binary"
    start = head[:1024].lower().replace(b"\x00", b"")  # UTF-16 markup shows through once NULs go
    if any(m.encode() in start for m in formats()["feed_markers"]):
        return "feed"
    if any(m.encode() in start for m in formats()["html_markers"]):
        return "html"
    return "txt"


def pdf_error(data: bytes) -> str | None:
    """Why pypdf cannot open ``data``, or None; text extraction itself happens in cleaning."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if b"%PDF-" not in data[:1024]:
        return "broken PDF: no %PDF header"
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return "PDF is password-protected; save an unprotected copy"
        if not reader.pages:
            return "broken PDF: no pages"
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        return f"broken PDF: {exc}".splitlines()[0]
    return None


def sidecar_path(path: Path) -> Path:
    """``report.meta.json`` beside ``report.txt`` (or ``crawl.meta.json`` beside ``crawl.warc.gz``)."""
    name = path.name
    lower = name.lower()
    for ext in sorted(formats()["extensions"], key=len, reverse=True):
        if lower.endswith(ext):
            name = name[: -len(ext)]
            break
    else:
        name = path.stem
    return path.with_name(name + ".meta.json")


def read_sidecar(path: Path) -> tuple[dict[str, Any], IngestError | None]:
    side = sidecar_path(path)
    if not side.is_file():
        return {}, None
    try:
        meta = json.loads(side.read_bytes())
    except (OSError, ValueError) as exc:
        return {}, IngestError(str(side), f"sidecar ignored, not readable JSON: {exc}".splitlines()[0])
    if not isinstance(meta, dict):
        return {}, IngestError(str(side), "sidecar ignored: not a JSON object")
    return {k: v for k, v in meta.items() if v is not None and not k.startswith("_")}, None


def read_file(item: str, *, max_bytes: int) -> Iterator[RawDocument | IngestError]:
    """Documents in one local file; JSONL and WARC are streamed, so their size cap is per record."""
    path = Path(item)
    try:
        st = path.stat()
        if path.is_dir():
            yield IngestError(item, "is a folder; pass it to discover() to read the files inside")
            return
        if st.st_size == 0:
            yield IngestError(item, "empty file")
            return
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
    except FileNotFoundError:
        yield IngestError(item, "no such file")
        return
    except PermissionError:
        yield IngestError(item, "permission denied: cannot read this file")
        return
    except OSError as exc:
        yield IngestError(item, f"cannot read file: {exc.strerror or exc}")
        return

    kind = kind_by_name(path.name) or sniff(head)
    reason = None if kind in ("pdf", "warc") else binary_reason(head)
    if kind == "binary" or reason:
        yield IngestError(item, reason or "binary file: not text, HTML or PDF")
        return

    meta, side_err = read_sidecar(path)
    if side_err:
        yield side_err
    if kind in ("jsonl", "warc"):
        from eventledger.ingest import containers

        reader = containers.read_jsonl if kind == "jsonl" else containers.read_warc
        for doc in reader(item, max_bytes=max_bytes):
            if isinstance(doc, RawDocument):
                doc.meta = {**meta, **doc.meta}  # a record's own metadata is more specific than the file's
            yield doc
        return

    if st.st_size > max_bytes:
        yield IngestError(item, too_big(st.st_size, max_bytes))
        return
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        yield IngestError(item, f"cannot read file: {exc.strerror or exc}")
        return
    if len(data) > max_bytes:  # grew since stat()
        yield IngestError(item, too_big(len(data), max_bytes))
        return

    if kind == "feed":
        from eventledger.ingest import containers

        for doc in containers.read_feed(data, where=item, path=item):
            if isinstance(doc, RawDocument):
                doc.meta = {**meta, **doc.meta}
            yield doc
        return
    if kind == "pdf" and (reason := pdf_error(data)):
        yield IngestError(item, reason)
        return
    media_type = formats()["kind_media_type"][kind]
    yield RawDocument(data=data, source=Source(path=item, kind=kind), media_type=media_type, meta=dict(meta))
