"""Reports on the web: one page (HTML, text, PDF) or a feed URL, fetched with a size cap."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

from eventledger import __version__
from eventledger.ingest import IngestError, RawDocument
from eventledger.ingest.containers import content_type, read_feed
from eventledger.ingest.files import binary_reason, formats, pdf_error, sniff, too_big
from eventledger.record import Source

USER_AGENT = f"eventledger/{__version__} (conflict-report research tool)"


MAX_REDIRECTS = 5


def private_address(url: str) -> str | None:
    """The private, loopback, link-local or otherwise non-public address ``url``'s host resolves to,
    if any: fetching it would let a report URL reach this machine's own network (SSRF)."""
    host = urlsplit(url).hostname
    if not host:
        return None
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return None  # unresolvable: the download fails with "cannot reach URL"
    for info in infos:
        addr = ipaddress.ip_address(info[4][0].split("%")[0])
        if not addr.is_global or addr.is_multicast:
            return str(addr)
    return None


def _download(url: str, max_bytes: int, timeout: float,
              allow_private: bool = False) -> tuple[bytes, str, str | None, str] | IngestError:
    """(body, media type, charset, final URL), streamed so a huge answer is cut off at ``max_bytes``.
    Redirects are followed by hand so that every hop is checked against private addresses."""
    import httpx

    try:
        with httpx.Client(
            follow_redirects=False, timeout=timeout, headers={"User-Agent": USER_AGENT}
        ) as client:
            for _ in range(MAX_REDIRECTS + 1):
                if not allow_private and (addr := private_address(url)):
                    return IngestError(url, f"refused: the URL points at a private address ({addr}); "
                                            "pass --allow-private-urls to fetch it")
                with client.stream("GET", url) as resp:
                    if resp.is_redirect and "location" in resp.headers:
                        url = str(resp.url.join(resp.headers["location"]))
                        continue
                    return _body(resp, url, max_bytes)
            return IngestError(url, "cannot reach URL: too many redirects")
    except httpx.TimeoutException:
        return IngestError(url, f"cannot reach URL: no answer within {timeout:g} s")
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        return IngestError(url, f"invalid URL: {exc}")
    except (httpx.ConnectError, httpx.NetworkError, httpx.ProxyError) as exc:
        return IngestError(url, f"cannot reach URL: {exc}".splitlines()[0])
    except httpx.HTTPError as exc:
        return IngestError(url, f"download failed: {type(exc).__name__}: {exc}".splitlines()[0])


def _body(resp, url: str, max_bytes: int) -> tuple[bytes, str, str | None, str] | IngestError:
    """The answer's bytes, refused by its status or as soon as it passes ``max_bytes``."""
    import httpx

    if resp.status_code >= 400:
        phrase = httpx.codes.get_reason_phrase(resp.status_code)
        return IngestError(url, f"HTTP {resp.status_code} {phrase}".strip())
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        return IngestError(url, too_big(int(declared), max_bytes, "page"))
    chunks, size = [], 0
    for chunk in resp.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            return IngestError(url, too_big(size, max_bytes, "page") + " (download stopped)")
        chunks.append(chunk)
    mime, charset = content_type(resp.headers.get("Content-Type"))
    return b"".join(chunks), mime, charset, str(resp.url)


def read_url(url: str, *, max_bytes: int, timeout: float,
             allow_private: bool = False) -> Iterator[RawDocument | IngestError]:
    got = _download(url, max_bytes, timeout, allow_private)
    if isinstance(got, IngestError):
        yield got
        return
    data, mime, charset, final = got
    if not data.strip():
        yield IngestError(url, "empty page")
        return
    kind = formats()["media_types"].get(mime)
    if kind in (None, "txt", "feed"):  # missing, generic or ambiguous labels: trust the content
        found = sniff(data[:4096])
        if kind is None and found == "txt" and mime and not mime.startswith("text/"):
            yield IngestError(url, f"unsupported content type {mime} (want HTML, text, PDF or a feed)")
            return
        if kind is None or found != "txt":
            kind = found
    if kind in ("jsonl", "warc"):
        yield IngestError(url, f"{kind.upper()} over HTTP is not supported; download it and ingest the file")
        return
    if kind == "feed":
        yield from read_feed(data, where=url)
        return
    if kind == "pdf":
        reason = pdf_error(data)
    else:
        reason = binary_reason(data[:4096]) if kind != "binary" else "binary content: not text, HTML or PDF"
    if reason:
        yield IngestError(url, reason)
        return
    yield RawDocument(
        data=data,
        source=Source(url=final, kind="url"),
        media_type=formats()["kind_media_type"][kind],
        meta={"url": final},
        encoding=charset,
    )
