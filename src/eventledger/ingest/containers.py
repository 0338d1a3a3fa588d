"""Inputs that hold many reports: JSONL exports, WARC web archives, RSS/Atom feeds."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from eventledger.ingest import IngestError, RawDocument
from eventledger.ingest.files import META_FIELDS, too_big
from eventledger.record import Source

PAGE_TYPES = {
    "text/html": "text/html",
    "application/xhtml+xml": "text/html",
    "text/plain": "text/plain",
    "text/markdown": "text/markdown",
}


def content_type(value: str | None) -> tuple[str, str | None]:
    """('text/html', 'windows-1256') from a Content-Type header value."""
    if not value:
        return "", None
    parts = [p.strip() for p in value.split(";")]
    charset = next(
        (p.split("=", 1)[1].strip(" \"'") for p in parts[1:] if p.lower().startswith("charset=")), None
    )
    return parts[0].lower(), charset or None


def _skip_line(f) -> int:
    """Read past one line in 1 MB chunks, keeping none of it; how many bytes it holds."""
    skipped = 0
    while chunk := f.readline(1 << 20):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def read_jsonl(path: str, *, max_bytes: int) -> Iterator[RawDocument | IngestError]:
    """One report per line (``text`` or ``html``, plus metadata); a bad line never stops the others."""
    with open(path, "rb") as f:
        n = 0
        while True:
            # measure the line in 1 MB steps before reading it: a 200 MB line is never held in memory
            start = f.tell()
            size = _skip_line(f)
            if not size:
                break
            n += 1
            where = f"{path}:{n}"
            if size > max_bytes:
                yield IngestError(where, too_big(size, max_bytes, "line"))
                continue
            f.seek(start)
            line = f.read(size)
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except UnicodeDecodeError:
                yield IngestError(where, "line is not valid UTF-8")
                continue
            except json.JSONDecodeError as exc:
                yield IngestError(where, f"malformed JSON: {exc.msg} (column {exc.colno})")
                continue
            if not isinstance(obj, dict):
                yield IngestError(where, "line is not a JSON object")
                continue
            body, media_type = obj.get("html"), "text/html"
            if not isinstance(body, str) or not body.strip():
                body, media_type = obj.get("text"), "text/plain"
            if not isinstance(body, str) or not body.strip():
                yield IngestError(where, "no 'text' or 'html' field with content")
                continue
            meta: dict[str, Any] = {k: obj[k] for k in META_FIELDS if isinstance(obj.get(k), str) and obj[k]}
            meta["line"] = n
            try:
                data = body.encode("utf-8")
            except UnicodeEncodeError:  # JSON allows "\ud800"; Unicode text does not
                yield IngestError(where, "text holds an unpaired surrogate escape (\\ud800-\\udfff): not valid Unicode")
                continue
            yield RawDocument(
                data=data,
                source=Source(path=path, url=meta.get("url"), kind="jsonl"),
                media_type=media_type,
                meta=meta,
                encoding="utf-8",
            )


def _broken(records: int) -> str:
    return f"WARC file is truncated or corrupt after {records} record(s)"


def read_warc(path: str, *, max_bytes: int) -> Iterator[RawDocument | IngestError]:
    """HTML and text pages archived in a WARC (plain or gzipped); other records are skipped."""
    import zlib

    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = found = 0
    try:
        with open(path, "rb") as f:
            for record in ArchiveIterator(f):
                records += 1
                if record.rec_type not in ("response", "resource"):
                    continue
                if record.rec_type == "response":
                    if record.http_headers is None:
                        continue
                    status = record.http_headers.get_statuscode() or ""
                    if not status.startswith("2"):
                        continue
                    ctype = record.http_headers.get_header("Content-Type")
                else:
                    ctype = record.rec_headers.get_header("Content-Type")
                mime, charset = content_type(ctype)
                if mime not in PAGE_TYPES:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                data = record.content_stream().read(max_bytes + 1)
                if len(data) > max_bytes:
                    yield IngestError(f"{path}#{url}", too_big(len(data), max_bytes, "page"))
                    continue
                if (
                    getattr(record.raw_stream, "limit", 0) > 0
                ):  # warcio does not complain about a short record
                    raise EOFError(f"record for {url} ends early")
                meta: dict[str, Any] = {"record": records}
                if url:
                    meta["url"] = url
                captured = (record.rec_headers.get_header("WARC-Date") or "")[:10]
                if captured:
                    meta["captured"] = captured  # cleaning's last resort for the publication date
                found += 1
                yield RawDocument(
                    data=data,
                    source=Source(path=path, url=url, kind="warc"),
                    media_type=PAGE_TYPES[mime],
                    meta=meta,
                    encoding=charset,
                )
    except ArchiveLoadFailed as exc:
        if records == 0:
            yield IngestError(path, f"not a WARC file: {str(exc).strip().splitlines()[0]}")
        else:
            yield IngestError(path, f"{_broken(records)}: {exc}".splitlines()[0])
        return
    except (EOFError, zlib.error, OSError, ValueError) as exc:
        yield IngestError(path, f"{_broken(records)}: {type(exc).__name__}: {exc}".splitlines()[0])
        return
    if not gzip_complete(path):
        yield IngestError(path, f"{_broken(records)}: the gzip stream ends early")
    elif not found:
        yield IngestError(path, f"no HTML or text pages among the {records} WARC records")


def gzip_complete(path: str) -> bool:
    """Whether every gzip member in ``path`` ends properly (True for uncompressed files).

    warcio stops quietly at a cut-off gzip stream, which would lose the last reports unnoticed;
    this streams through the file once more, in chunks, keeping nothing.
    """
    import zlib

    with open(path, "rb") as f:
        if f.read(2) != b"\x1f\x8b":
            return True
        f.seek(0)
        d, pending = zlib.decompressobj(31), False
        try:
            while chunk := f.read(1 << 16):
                while chunk:
                    d.decompress(chunk, 1 << 20)
                    chunk, pending = d.unconsumed_tail, True
                    if d.eof:
                        chunk, d, pending = d.unused_data + chunk, zlib.decompressobj(31), False
        except zlib.error:
            return False
        return not pending


def _feed_date(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


def read_feed(data: bytes, *, where: str, path: str | None = None) -> Iterator[RawDocument | IngestError]:
    """Each RSS/Atom entry becomes one report: its content (or summary), link and date."""
    import feedparser

    feed = feedparser.parse(data)
    if not feed.entries:
        if feed.get("bozo"):
            yield IngestError(
                where, f"not a readable RSS/Atom feed: {feed.get('bozo_exception')}".splitlines()[0]
            )
        else:
            yield IngestError(where, "feed has no entries")
        return
    outlet = feed.feed.get("title") or None
    language = (feed.feed.get("language") or "").split("-")[0].lower() or None
    for n, entry in enumerate(feed.entries, start=1):
        parts = [c for c in entry.get("content") or [] if c.get("value", "").strip()]
        if parts:
            value, ctype = parts[0]["value"], parts[0].get("type", "text/html")
        else:
            value, ctype = entry.get("summary", ""), entry.get("summary_detail", {}).get("type", "text/html")
        link = entry.get("link") or None
        if not value.strip():
            yield IngestError(f"{where}#{n}", "feed entry has no content or summary")
            continue
        meta: dict[str, Any] = {
            "entry": n,
            "title": entry.get("title") or None,
            "url": link,
            "published": _feed_date(entry),
            "outlet": outlet,
            "language": language,
        }
        yield RawDocument(
            data=value.encode("utf-8"),
            source=Source(path=path, url=link, kind="feed"),
            media_type="text/plain" if ctype == "text/plain" else "text/html",
            meta={k: v for k, v in meta.items() if v is not None},
            encoding="utf-8",
        )
