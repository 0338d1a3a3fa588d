"""Measure extraction against gold annotations with the shared scorer (``eventledger eval``)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from eventledger.ingest import RawDocument
from eventledger.pipeline import process
from eventledger.record import Source, span_errors


def _read_dir(docs_dir: Path):
    for p in sorted(docs_dir.glob("*.txt")):
        meta_p = p.with_name(p.stem + ".meta.json")
        meta = json.loads(meta_p.read_text()) if meta_p.exists() else {}
        yield RawDocument(data=p.read_bytes(), source=Source(path=str(p), kind="txt"), media_type="text/plain",
                          meta=meta)


def records_jsonl(docs_dir: Path, out: Path) -> list[str]:
    problems = []
    with out.open("w") as f:
        for raw in _read_dir(docs_dir):
            rec = process(raw)
            problems += span_errors(rec)
            f.write(json.dumps(rec.to_dict(), ensure_ascii=False) + "\n")
    return problems


def main(argv: list[str] | None = None) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    gold = Path(argv[0])
    docs = Path(argv[1]) if len(argv) > 1 and not argv[1].startswith("-") else gold.parent / "docs"
    scorer = Path(__file__).resolve().parents[3] / "shared" / "eval" / "score.py"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "preds.jsonl"
        problems = records_jsonl(docs, out)
        for p in problems:
            print("SPAN ERROR", p)
        extra = [a for a in argv[1:] if a.startswith("-")]
        return subprocess.call([sys.executable, str(scorer), str(gold), str(out), *extra])


if __name__ == "__main__":
    sys.exit(main())
