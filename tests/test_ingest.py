"""Ingest: what a user pointing eventledger at files, folders and URLs gets back."""

from __future__ import annotations

import gzip
import http.server
import io
import os
import shutil
import threading
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventledger.ingest import IngestError, RawDocument, discover, read, read_all
from eventledger.ingest.files import binary_reason, sniff

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (no lines: a page without text, like a scan)."""
    content = (
        "BT /F1 12 Tf 72 720 Td " + " ".join(f"({ln}) Tj 0 -16 Td" for ln in lines) + " ET" if lines else ""
    )
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    return out + f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


def make_warc(pages: list[tuple[str, str, bytes]], gz: bool = True) -> bytes:
    """A WARC holding one HTTP response per (url, content type, body)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for url, ctype, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
        )
    return buf.getvalue()


def docs_and_errors(items) -> tuple[list[RawDocument], list[IngestError]]:
    docs, errors = [], []
    for x in items:
        (docs if isinstance(x, RawDocument) else errors).append(x)
    return docs, errors


def one_line(err: IngestError) -> bool:
    return bool(err.reason) and "\n" not in err.reason


# ------------------------------------------------------------------ discovery


def test_discover_walks_folders_in_order_and_skips_sidecars_and_hidden_files(tmp_path):
    batch = tmp_path / "batch"
    shutil.copytree(FIXTURES / "batch", batch)
    (batch / ".hidden").mkdir()
    (batch / ".hidden" / "notes.txt").write_text("secret")
    (batch / ".profile").write_text("x")
    (batch / "scan.tiff").write_bytes(b"II*\x00rest")
    found = discover([str(batch), "https://example.org/report"])
    names = [os.path.relpath(f, batch) if not f.startswith("http") else f for f in found]
    assert names == [
        "empty.txt",
        "feed.xml",
        "report.txt",
        "scan.tiff",
        "sub/story.md",
        "wires.jsonl",
        "https://example.org/report",
    ]
    assert discover([str(batch / "report.txt"), str(batch / "report.txt")]) == [str(batch / "report.txt")]


# ------------------------------------------------------------------ plain files, sidecars, overrides


def test_text_file_carries_its_sidecar_metadata():
    (doc,) = read(str(FIXTURES / "batch" / "report.txt"))
    assert doc.source.kind == "txt" and doc.media_type == "text/plain"
    assert doc.meta["outlet"] == "Example Wire" and doc.meta["published"] == "2021-04-12"
    assert doc.data == (FIXTURES / "batch" / "report.txt").read_bytes()


def test_overrides_win_over_sidecar():
    (doc,) = read(
        str(FIXTURES / "batch" / "report.txt"), overrides={"published": "2021-05-01", "outlet": None}
    )
    assert doc.meta["published"] == "2021-05-01"
    assert doc.meta["outlet"] == "Example Wire"  # an unset flag changes nothing


def test_broken_sidecar_is_reported_but_the_report_is_still_read(tmp_path):
    (tmp_path / "a.txt").write_text("Shots were fired in Tala.")
    (tmp_path / "a.meta.json").write_text("{not json")
    docs, errors = docs_and_errors(read(str(tmp_path / "a.txt")))
    assert len(docs) == 1 and docs[0].meta == {}
    assert errors[0].where.endswith("a.meta.json") and "sidecar ignored" in errors[0].reason


def test_markdown_and_html_files_get_their_media_types():
    (md,) = read(str(FIXTURES / "batch" / "sub" / "story.md"))
    (html,) = read(str(FIXTURES / "article.html"))
    assert (md.source.kind, md.media_type) == ("md", "text/markdown")
    assert (html.source.kind, html.media_type) == ("html", "text/html")


def test_unknown_extension_is_sniffed(tmp_path):
    page = tmp_path / "saved.page"
    page.write_bytes((FIXTURES / "article.html").read_bytes())
    (doc,) = read(str(page))
    assert doc.media_type == "text/html"
    notes = tmp_path / "notes"
    notes.write_text("Witness statement, taken in Goma.")
    (doc,) = read(str(notes))
    assert doc.media_type == "text/plain"


def test_utf16_text_is_not_mistaken_for_binary(tmp_path):
    for name, data in (
        ("bom.txt", "Shelling in Homs.".encode("utf-16")),
        ("nobom.txt", "Shelling in Homs, residents said.".encode("utf-16-le")),
    ):
        (tmp_path / name).write_bytes(data)
        (doc,) = read(str(tmp_path / name))
        assert isinstance(doc, RawDocument), doc


# ------------------------------------------------------------------ failures in a mixed batch


def test_mixed_batch_reports_each_failure_in_one_line_and_reads_the_rest(tmp_path):
    batch = tmp_path / "batch"
    shutil.copytree(FIXTURES / "batch", batch)
    (batch / "photo.txt").write_bytes(b"\x00\x01\x02binary\x00\x00" * 10)
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr("a.txt", "hello")
    (batch / "reports.zip").write_bytes(zbuf.getvalue())
    docs, errors = docs_and_errors(read_all([str(batch), "http://nonexistent.invalid/report"], timeout=5))
    reasons = {os.path.basename(e.where): e.reason for e in errors}
    assert all(one_line(e) for e in errors)
    assert reasons["empty.txt"] == "empty file"
    assert "NUL" in reasons["photo.txt"]
    assert "ZIP" in reasons["reports.zip"]
    assert reasons["report"].startswith("cannot reach URL")
    assert reasons["wires.jsonl:2"].startswith("malformed JSON")
    assert reasons["wires.jsonl:5"] == "no 'text' or 'html' field with content"
    kinds = sorted(d.source.kind for d in docs)
    assert kinds == ["feed", "feed", "jsonl", "jsonl", "md", "txt"]


def test_missing_file_and_folder_given_to_read(tmp_path):
    (err,) = read(str(tmp_path / "nope.txt"))
    assert err.reason == "no such file"
    (err,) = read(str(tmp_path))
    assert "folder" in err.reason


def test_file_over_the_size_cap_is_refused_with_the_flag_to_raise(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("word " * 60_000)
    (err,) = read(str(big), max_bytes=100_000)
    assert err.reason == "file is 300 KB, over the 100 KB limit; raise --max-bytes"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path):
    f = tmp_path / "locked.txt"
    f.write_text("x")
    f.chmod(0)
    (err,) = read(str(f))
    assert "permission denied" in err.reason


# ------------------------------------------------------------------ containers


def test_jsonl_lines_become_documents_with_line_numbers():
    path = str(FIXTURES / "batch" / "wires.jsonl")
    docs, errors = docs_and_errors(read(path))
    first, second = docs
    assert first.source.path == path and first.source.url == "https://example.org/a"
    assert first.meta["line"] == 1 and first.meta["outlet"] == "Example Wire"
    assert first.media_type == "text/plain" and first.data.startswith(b"Shelling damaged")
    assert second.meta["line"] == 3 and second.media_type == "text/html"
    assert [e.where for e in errors] == [f"{path}:2", f"{path}:5"]


def test_feed_entries_become_documents():
    docs = list(read(str(FIXTURES / "batch" / "feed.xml")))
    assert [d.meta["title"] for d in docs] == ["Clashes in Kassala", "Ceasefire talks"]
    assert docs[0].meta["outlet"] == "Example Conflict Monitor" and docs[0].meta["language"] == "en"
    assert docs[0].meta["published"] == "2022-06-07"
    assert docs[0].source.url == "https://monitor.example.org/kassala" and docs[0].source.kind == "feed"


def test_warc_pages_with_capture_date_and_other_records_skipped(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(
        make_warc(
            [
                ("https://example.org/one", "text/html; charset=utf-8", b"<p>One</p>"),
                ("https://example.org/logo.png", "image/png", b"\x89PNG..."),
                ("https://example.org/two", "text/plain", b"Two"),
            ]
        )
    )
    docs = list(read(str(warc)))
    assert [d.source.url for d in docs] == ["https://example.org/one", "https://example.org/two"]
    assert docs[0].encoding == "utf-8" and docs[0].media_type == "text/html" and docs[0].data == b"<p>One</p>"
    assert docs[0].meta["captured"][:2] == "20" and docs[0].source.kind == "warc"


def test_truncated_warc_keeps_what_came_before_and_says_why(tmp_path):
    body = b"<p>" + b"Long archived page. " * 2000 + b"</p>"
    data = make_warc(
        [
            ("https://example.org/one", "text/html", b"<p>First</p>"),
            ("https://example.org/two", "text/html", body),
        ]
    )
    warc = tmp_path / "cut.warc.gz"
    warc.write_bytes(data[: len(data) - 300])
    docs, errors = docs_and_errors(read(str(warc)))
    assert [d.source.url for d in docs] == ["https://example.org/one"]
    (err,) = errors
    assert "truncated or corrupt" in err.reason and one_line(err)


def test_gzip_that_is_not_a_warc(tmp_path):
    f = tmp_path / "notes.gz"
    f.write_bytes(gzip.compress(b"just some text"))
    (err,) = read(str(f))
    assert "gzip" in err.reason


# ------------------------------------------------------------------ PDF


def test_pdf_is_kept_as_bytes(tmp_path):
    f = tmp_path / "report.pdf"
    f.write_bytes(make_pdf(["Airstrikes hit Saada on Monday."]))
    (doc,) = read(str(f))
    assert doc.media_type == "application/pdf" and doc.data == f.read_bytes()


def test_broken_pdf(tmp_path):
    f = tmp_path / "broken.pdf"
    f.write_bytes(b"%PDF-1.4\n garbage that is not a PDF at all")
    (err,) = read(str(f))
    assert err.reason.startswith("broken PDF") and one_line(err)


# ------------------------------------------------------------------ URLs


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".xml": "application/rss+xml"}

    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    shutil.copy(FIXTURES / "article.html", root / "article.html")
    shutil.copy(FIXTURES / "batch" / "feed.xml", root / "feed.xml")
    (root / "big.txt").write_text("word " * 10_000)
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (root / "section").mkdir()  # "/section" answers 301 -> "/section/": a redirect to follow
    shutil.copy(FIXTURES / "article.html", root / "section" / "index.html")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: _Handler(*a, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_html_url(site):
    (doc,) = read(f"{site}/article.html", allow_private=True)
    assert doc.source.kind == "url" and doc.media_type == "text/html"
    assert doc.source.url == f"{site}/article.html" and b"Kharkiv" in doc.data


def test_feed_url_works_like_a_feed_file(site):
    docs = list(read(f"{site}/feed.xml", allow_private=True))
    assert [d.meta["title"] for d in docs] == ["Clashes in Kassala", "Ceasefire talks"]


def test_url_failures(site):
    (err,) = read(f"{site}/missing.html", allow_private=True)
    assert err.reason == "HTTP 404 Not Found"
    (err,) = read(f"{site}/big.txt", max_bytes=1000, allow_private=True)
    assert "over the 1 KB limit" in err.reason
    (err,) = read(f"{site}/logo.png", allow_private=True)
    assert "PNG" in err.reason or "unsupported" in err.reason


@pytest.mark.parametrize("url", ["http://127.0.0.1/x", "http://[::1]/x", "http://169.254.169.254/latest/meta-data",
                                 "http://10.1.2.3/", "http://192.168.0.1/", "http://localhost:8080/"])
def test_urls_to_private_addresses_are_refused_unless_allowed(url):
    (err,) = read(url, timeout=2)
    assert isinstance(err, IngestError) and err.reason.startswith("refused: the URL points at a private address")
    assert "--allow-private-urls" in err.reason


def test_a_public_address_is_not_refused():
    from eventledger.ingest.fetch import private_address

    assert private_address("http://8.8.8.8/report") is None


def test_every_redirect_hop_is_checked_again(site, monkeypatch):
    from eventledger.ingest import fetch

    calls = []

    def first_hop_public(addr):  # as if the first host were public and the redirect went inside
        calls.append(addr)
        return len(calls) == 1

    monkeypatch.setattr(fetch, "public", first_hop_public)
    (err,) = read(f"{site}/section")
    assert err.reason.startswith("refused") and err.where.endswith("/section/") and len(calls) == 2
    monkeypatch.undo()
    (doc,) = read(f"{site}/section", allow_private=True)  # followed when allowed
    assert isinstance(doc, RawDocument) and doc.source.url.endswith("/section/")


def test_the_download_connects_to_the_address_that_was_checked(site, monkeypatch):
    """DNS rebinding: a host that answers a checked address first and another one later
    must be fetched from the checked one, under its own name."""
    import socket

    from eventledger.ingest import fetch

    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"])

    def rebinding(host, *args, **kwargs):
        if host == "reports.example":  # first answer checked; any later lookup gets another address
            return real(next(answers, "127.0.0.2"), *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(fetch, "public", lambda addr: True)  # pretend the first answer is public
    port = site.rsplit(":", 1)[1]
    (doc,) = read(f"http://reports.example:{port}/article.html", timeout=5)
    assert isinstance(doc, RawDocument), doc
    assert doc.source.url == f"http://reports.example:{port}/article.html" and b"Kharkiv" in doc.data


def test_pinned_requests_keep_the_host_name():
    from eventledger.ingest.fetch import pinned

    assert pinned("https://news.example/a?b=1", "203.0.113.7") == (
        "https://203.0.113.7/a?b=1", {"Host": "news.example"}, {"sni_hostname": "news.example"})
    assert pinned("http://news.example:8080/a", "2001:db8::1")[0] == "http://[2001:db8::1]:8080/a"
    assert pinned("http://198.51.100.2/a", "198.51.100.2") == ("http://198.51.100.2/a", {}, {})


# ------------------------------------------------------------------ sniffing never crashes


@given(st.binary(max_size=600))
def test_sniffing_arbitrary_bytes_never_fails(data):
    assert sniff(data) in {"pdf", "warc", "feed", "html", "txt", "binary"}
    reason = binary_reason(data)
    assert reason is None or "\n" not in reason
