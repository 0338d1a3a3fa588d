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


def resolve(url: str) -> list[str]:
    """The addresses ``url``'s host resolves to ([] if it does not resolve)."""
    host = urlsplit(url).hostname
    if not host:
        return []
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []  # unresolvable: the download fails with "cannot reach URL"
    return [info[4][0].split("%")[0] for info in infos]


def public(addr: str) -> bool:
    ip = ipaddress.ip_address(addr)
    return ip.is_global and not ip.is_multicast


def private_address(url: str, addresses: list[str] | None = None) -> str | None:
    """The private, loopback, link-local or otherwise non-public address ``url``'s host resolves to,
    if any: fetching it would let a report URL reach this machine's own network (SSRF)."""
    return next((a for a in (resolve(url) if addresses is None else addresses) if not public(a)), None)


def pinned(url: str, addr: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The request for ``url`` sent to exactly ``addr``: (URL with the address, headers, extensions).

    httpx resolves the host again when it connects, so a DNS answer that changes between our
    check and the connect (DNS rebinding) could reach a private address; connecting to the
    checked address itself closes that gap. The Host header and TLS server name (which the
    certificate is checked against) stay the original host's.
    """
    import httpx

    u = httpx.URL(url)
    try:
        ipaddress.ip_address(u.host)
        return url, {}, {}  # already an address: nothing to resolve again
    except ValueError:
        pass
    headers = {"Host": u.netloc.decode("ascii")}
    extensions = {"sni_hostname": u.host} if u.scheme == "https" else {}
    return str(u.copy_with(host=addr)), headers, extensions


def _download(url: str, max_bytes: int, timeout: float,
              allow_private: bool = False) -> tuple[bytes, str, str | None, str] | IngestError:
    """(body, media type, charset, final URL), streamed so a huge answer is cut off at ``max_bytes``.
    Redirects are followed by hand so that every hop is checked against private addresses, and
    each hop connects to the address that was checked."""
    import httpx

    try:
        with httpx.Client(
            follow_redirects=False, timeout=timeout, headers={"User-Agent": USER_AGENT}
        ) as client:
            for _ in range(MAX_REDIRECTS + 1):
                target, headers, extensions = url, {}, {}
                if not allow_private:
                    addresses = resolve(url)
                    if addr := private_address(url, addresses):
                        return IngestError(url, f"refused: the URL points at a private address ({addr}); "
                                                "pass --allow-private-urls to fetch it")
                    if addresses:
                        target, headers, extensions = pinned(url, addresses[0])
                with client.stream("GET", target, headers=headers, extensions=extensions) as resp:
                    if resp.is_redirect and "location" in resp.headers:
                        url = str(httpx.URL(url).join(resp.headers["location"]))
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
    return b"".join(chunks), mime, charset, url  # the URL asked for, not the pinned address


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
