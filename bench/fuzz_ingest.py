"""Coverage-guided fuzzing (atheris) of the ingest readers and cleaning: any input must become
documents or one-line ``IngestError``/``CleanError`` reasons, never an exception.

    .venv/bin/pip install atheris
    .venv/bin/python bench/fuzz_ingest.py -atheris_runs=20000 [-max_len=65536] [corpus_dir ...]

The first byte picks the file name's extension (so every reader is reached: sniffing, text, HTML,
Markdown, PDF, JSONL, WARC, feeds); the rest is the file's bytes. spaCy is not run: parsing is
not ours to fuzz and it would make each run a thousand times slower. A crash prints the input
and saves it as ``crash-<sha1>``: turn it into a regression test in tests/test_hostile.py.
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    # read() and clean() import their readers lazily: import them here so that atheris instruments them
    import eventledger.clean.html  # noqa: F401
    import eventledger.clean.markdown  # noqa: F401
    import eventledger.clean.pdf  # noqa: F401
    import eventledger.ingest.containers  # noqa: F401
    import eventledger.ingest.files  # noqa: F401
    from eventledger.clean import CleanError, clean
    from eventledger.ingest import IngestError, RawDocument, read

EXTENSIONS = [".txt", ".html", ".md", ".pdf", ".jsonl", ".warc", ".warc.gz", ".rss", ".xml", ".bin", ""]
MAX_BYTES = 1_000_000
WORKDIR = tempfile.mkdtemp(prefix="fuzz_ingest_")


def one_input(data: bytes) -> None:
    if not data:
        return
    ext = EXTENSIONS[data[0] % len(EXTENSIONS)]
    path = os.path.join(WORKDIR, "input" + ext)
    with open(path, "wb") as f:
        f.write(data[1:])
    for item in read(path, max_bytes=MAX_BYTES):
        if isinstance(item, IngestError):
            assert item.reason and "\n" not in item.reason, item
            continue
        assert isinstance(item, RawDocument)
        try:
            cleaned = clean(item)
        except CleanError as exc:
            assert str(exc) and "\n" not in str(exc), exc
            continue
        assert cleaned.text.strip()
        cleaned.text.encode("utf-8")  # the store writes text as UTF-8: lone surrogates would fail there


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
