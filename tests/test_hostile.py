"""Hostile inputs: every bad input gets a one-line reason, the rest of the batch is stored, nothing is lost.

Everything goes through ``eventledger.pipeline.ingest`` into a real store, which must then pass
the integrity check. Big inputs are sparse files: they cost no disk and show whether a reader
refuses by size or reads everything first.
"""

from __future__ import annotations

import gzip
import io
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventledger.clean import CleanError
from eventledger.ingest import RawDocument, read_all
from eventledger.pipeline import ingest, process
from eventledger.record import Source, span_errors
from eventledger.store import Store
from eventledger.store.check import check_file

MB = 1_000_000
# one invented report, told with a different number in each file so no two files are duplicates
REPORT = ("Government troops shelled the village of Tel Hamid on Monday, killing {n} civilians, "
          "residents told reporters.")
ARABIC = "قصفت القوات الحكومية قرية تل حميد يوم الاثنين، مما أسفر عن مقتل ثلاثة مدنيين، بحسب السكان."


def report(n: str) -> str:
    return REPORT.format(n=n)


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    w, buf = PdfWriter(), io.BytesIO()
    w.add_blank_page(612, 792)
    w.write(buf)
    return buf.getvalue()


def zip_bomb() -> bytes:
    """A small archive that unpacks to 100 MB of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("inner.txt", "w", force_zip64=True) as f:
            chunk = b"0" * MB
            for _ in range(100):
                f.write(chunk)
    return buf.getvalue()


def warc_record(url: str, body: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2022-05-01T10:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash(url)):032x}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n")
    return head.encode() + http + b"\r\n\r\n"


def huge_warc(path: Path, page_bytes: int) -> None:
    """A WARC whose middle page is ``page_bytes`` long (sparse), between two ordinary pages."""
    page = b"<html><body><p>" + report("{}").encode() + b"</p></body></html>"
    http_head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
    with open(path, "wb") as f:
        f.write(warc_record("http://example.org/first", page.replace(b"{}", b"nine")))
        f.write((f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.org/huge\r\n"
                 f"WARC-Date: 2022-05-01T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{'0' * 32}>\r\n"
                 f"Content-Type: application/http; msgtype=response\r\n"
                 f"Content-Length: {len(http_head) + page_bytes}\r\n\r\n").encode() + http_head)
        f.seek(page_bytes, os.SEEK_CUR)
        f.write(b"\r\n\r\n")
        f.write(warc_record("http://example.org/last", page.replace(b"{}", b"ten")))


def sparse(path: Path, head: bytes, size: int) -> None:
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(size)


def jsonl_lines() -> list[str]:
    return [
        "[]",
        '{"text": 5}',
        '{"html": null, "text": ["a list"]}',
        '"just a string"',
        "null",
        "{broken json",
        '{"text": "   "}',
        '{"title": "no body at all"}',
        '{"text": "' + report("eleven") + '", "published": 2020, "title": {"not": "a string"}, "outlet": []}',
        '{"text": "' + report("twelve") + '", "published": "not a date at all"}',
    ]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A folder of hostile inputs with good reports among them, ingested once into a real store."""
    d = tmp_path_factory.mktemp("hostile")
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "picture.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        "noise.bin": bytes(range(256)) * 8,
        "utf16-bom.txt": ("\ufeff" + report("four")).encode("utf-16-le"),
        "utf16-nobom.txt": report("five").encode("utf-16-be"),
        "arabic-1256.txt": ARABIC.encode("cp1256"),
        "invalid-utf8.txt": report("six").encode() + b" caf\xe9 \xff\xfe.",
        "mixed.txt": (report("seven") + " — the town’s market. ").encode() + "Le café était fermé.".encode("cp1252"),
        "truncated.html": b"<html><head><title>Shelling</title></head><body><article><p>"
                          + report("eight").encode() + b"</p><p>More wor",
        "nested.html": b"<html><body>" + b"<div>" * 100_000 + report("thirty").encode() + b"</div>" * 100_000
                       + b"</body></html>",
        "bomb.zip": zip_bomb(),
        "bomb-renamed.txt": zip_bomb(),
        "gzip-bomb.warc.gz": gzip.compress(b"\0" * (20 * MB)),
        "scan.pdf": blank_pdf(),
        "lines.jsonl": "\n".join(jsonl_lines()).encode() + b'\n{"text": "caf\xe9"}\n',
        "plain.txt": report("three").encode(),
        "name with spaces.txt": report("fourteen").encode(),
        "new\nline.txt": report("fifteen").encode(),
        "ünïcödé تقرير 报告.txt": report("sixteen").encode(),
        "-leading-dash.txt": report("seventeen").encode(),
        "--help.txt": report("eighteen").encode(),
    }
    for name, data in files.items():
        (d / name).write_bytes(data)
    sparse(d / "huge.txt", report("nineteen").encode() * 100, 200 * MB)
    huge_warc(d / "huge.warc", 200 * MB)
    path = d / "hostile.db"
    with Store(path) as store:
        summary = ingest(store, read_all([str(d)], max_bytes=MB))
        rows = store.db.execute("SELECT d.source_path, d.source_url, d.text, o.bytes"
                                " FROM documents d JOIN originals o ON o.doc_id = d.id").fetchall()
    return d, path, summary, rows, files


def by_path(rows, path: Path) -> list:
    return [r for r in rows if r["source_path"] == str(path)]


def failure(summary, name: str) -> str:
    reasons = [f.reason for f in summary.failed if Path(f.where.split(":")[0].split("#")[0]).name == name]
    assert len(reasons) == 1, (name, [(f.where, f.reason) for f in summary.failed])
    return reasons[0]


def test_every_failure_is_one_line_and_every_good_report_is_stored(batch):
    d, path, summary, stored, _ = batch
    assert all(f.reason and "\n" not in f.reason for f in summary.failed)
    good = ["plain.txt", "utf16-bom.txt", "utf16-nobom.txt", "arabic-1256.txt", "invalid-utf8.txt", "mixed.txt",
            "truncated.html", "name with spaces.txt", "new\nline.txt", "ünïcödé تقرير 报告.txt",
            "-leading-dash.txt", "--help.txt"]
    assert {str(d / n) for n in good} <= {r["source_path"] for r in stored}
    assert check_file(path).ok


@pytest.mark.parametrize(("name", "reason"), [
    ("empty.txt", "empty file"),
    ("picture.txt", "PNG image"),
    ("noise.bin", "binary file"),
    ("bomb.zip", "ZIP archive"),
    ("bomb-renamed.txt", "ZIP archive"),
    ("gzip-bomb.warc.gz", "not a WARC file"),
    ("scan.pdf", "no text layer"),
    ("huge.txt", "over the 1 MB limit"),
])
def test_unusable_inputs_are_refused_with_a_reason_the_user_can_act_on(batch, name, reason):
    assert reason in failure(batch[2], name)


def test_original_bytes_are_kept_exactly_whatever_the_encoding(batch):
    d, _, _, stored, files = batch
    def text(name: str) -> str:
        return by_path(stored, d / name)[0]["text"]

    for name in ("utf16-bom.txt", "utf16-nobom.txt", "arabic-1256.txt", "invalid-utf8.txt", "mixed.txt"):
        assert [bytes(r["bytes"]) for r in by_path(stored, d / name)] == [files[name]]
    assert "five civilians" in text("utf16-nobom.txt")
    assert "four civilians" in text("utf16-bom.txt")
    assert ARABIC in text("arabic-1256.txt")
    assert "six civilians" in text("invalid-utf8.txt")


def test_truncated_html_keeps_the_text_it_has(batch):
    d, _, _, stored, _ = batch
    assert "eight civilians" in by_path(stored, d / "truncated.html")[0]["text"]


def test_deeply_nested_html_is_refused_in_one_line_or_read_never_crashing_the_batch(batch):
    d, _, summary, stored, _ = batch
    assert by_path(stored, d / "nested.html") or failure(summary, "nested.html")


def test_text_inside_hundreds_of_nested_elements_is_kept():
    from eventledger.clean import clean

    page = b"<html><body>" + b"<div>" * 300 + report("thirty").encode() + b"</div>" * 300 + b"</body></html>"
    raw = RawDocument(data=page, source=Source(path="nested.html", kind="html"), media_type="text/html")
    assert "thirty civilians" in clean(raw).text


def test_a_utf8_report_with_a_few_windows_1252_bytes_keeps_its_utf8_characters(batch):
    d, _, _, rows, _ = batch
    text = by_path(rows, d / "mixed.txt")[0]["text"]
    assert "reporters. — the town’s market." in text and "Le café était fermé." in text


def test_jsonl_lines_with_wrong_fields_fail_one_by_one(batch):
    d, _, summary, stored, _ = batch
    where = {f.where for f in summary.failed if "lines.jsonl" in f.where}
    assert where == {f"{d / 'lines.jsonl'}:{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 11)}
    texts = [r["text"] for r in by_path(stored, d / "lines.jsonl")]
    assert any("eleven civilians" in t for t in texts) and any("twelve civilians" in t for t in texts)


def test_a_huge_warc_is_streamed_the_oversized_page_refused_and_its_neighbours_kept(batch):
    d, _, summary, stored, _ = batch
    assert "over the 1 MB limit" in failure(summary, "huge.warc")
    urls = {r["source_url"] for r in by_path(stored, d / "huge.warc")}
    assert urls == {"http://example.org/first", "http://example.org/last"}


def peak_bytes(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_200_mb_text_file_is_refused_by_its_size_without_being_read(tmp_path):
    path = tmp_path / "huge.txt"
    sparse(path, report("twenty").encode() * 100, 200 * MB)
    out = []
    peak = peak_bytes(lambda: out.extend(read_all([str(path)])))
    assert [o.reason for o in out] == ["file is 200 MB, over the 50 MB limit; raise --max-bytes"]
    assert peak < 2 * MB


def test_reading_a_huge_warc_holds_one_page_at_most(tmp_path):
    path = tmp_path / "huge.warc"
    huge_warc(path, 200 * MB)
    out = []
    peak = peak_bytes(lambda: out.extend(read_all([str(path)], max_bytes=MB)))
    assert sum(isinstance(o, RawDocument) for o in out) == 2
    assert peak < 8 * MB


def test_a_200_mb_jsonl_line_is_refused_without_being_read(tmp_path):
    path = tmp_path / "huge.jsonl"
    sparse(path, b'{"text": "' + report("twenty-one").encode() * 100, 200 * MB)
    with open(path, "ab") as f:
        f.write(b'"}\n{"text": "' + report("twenty-two").encode() + b'"}\n')
    out = []
    peak = peak_bytes(lambda: out.extend(read_all([str(path)])))
    assert "over the 50 MB limit" in out[0].reason and isinstance(out[1], RawDocument)
    assert peak < 8 * MB


def test_a_jsonl_line_with_a_lone_surrogate_fails_alone(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"text": "\\ud800 ' + report("one") + '"}\n{"text": "' + report("two") + '"}\n')
    with Store(tmp_path / "s.db") as store:
        summary = ingest(store, read_all([str(path)]))
    assert summary.ingested == 1 and len(summary.failed) == 1


def test_a_file_name_that_is_not_utf8_is_stored_with_a_readable_name(tmp_path):
    folder = os.fsencode(tmp_path)
    for name, body in ((b"bad\xff.txt", report("one").encode()), (b"empty\xfe.txt", b"")):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(body)
    (tmp_path / "fine.txt").write_text(report("two"))
    with Store(tmp_path / "s.db") as store:
        summary = ingest(store, read_all([str(tmp_path / "bad\udcff.txt"), str(tmp_path / "empty\udcfe.txt"),
                                          str(tmp_path / "fine.txt")]))
    assert summary.ingested == 2 and len(summary.failed) == 1


def test_a_file_named_like_an_option_is_read_after_a_double_dash(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from eventledger.cli import main

    (tmp_path / "--help").write_text(report("forty"))
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(main, ["ingest", "--db", str(tmp_path / "s.db"), "-q", "--", "--help"])
    assert out.exit_code == 0 and "ingested 1" in out.output


# ------------------------------------------------------------------ clean -> extract on generated text

FRAGMENTS = [
    report("two"), " ", "\n", "\n\n", "\r\n", "\t", '"', "“", "”", "'", "’", "—", "-", "\u00a0", "\u200b", "\u200f",
    "\u2028", "\ufeff", "\x00", "\x0c", "é", "e\u0301", "ﬁ", "😀", "👩🏽‍⚕️", ARABIC, "Алеппо", "مدينة حلب",
    "said", "told", "according to", " on Monday", " 3 March 2021", " yesterday", "killing 12", "Reuters",
    '"We ran," said Amina Yusuf.', "The U.N. said.", "<b>", "&amp;", "\u0000\ufffd",
]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), min_size=1, max_size=25).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.sampled_from(["text/plain", "text/html", "text/markdown"]))
def test_every_span_indexes_its_text_whatever_the_input(text, media_type):
    raw = RawDocument(data=text.encode("utf-8", "surrogatepass"), source=Source(path="gen.txt"),
                      media_type=media_type)
    try:
        rec = process(raw)
    except CleanError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert span_errors(rec) == []
    for item in [*rec.times, *rec.quotes, *rec.attributions]:
        assert rec.document.text[item.span[0]:item.span[1]] == item.text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, min_size=1, max_size=4))
def test_whatever_is_stored_passes_the_integrity_check(tmp_path_factory, batch_texts):
    path = tmp_path_factory.mktemp("prop") / "p.db"
    raws = [RawDocument(data=t.encode("utf-8", "surrogatepass"), source=Source(path=f"g{i}.txt"),
                        media_type="text/plain") for i, t in enumerate(batch_texts)]
    with Store(path) as store:
        summary = ingest(store, raws)
        assert summary.ingested + summary.duplicates + len(summary.failed) == len(raws)
    result = check_file(path)
    assert result.ok, result.problems
