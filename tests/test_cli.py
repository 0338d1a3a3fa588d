"""What a user sees: ingest a folder, list, show, search, filter events, export, rerun."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from eventledger.cli import main

REPORT = """Convoy shelled near Tal Abyad

Photo by: Example Wire

Fighters of the Northern Brigade shelled an aid convoy near Tal Abyad on Tuesday, killing at least 12 civilians,
according to a statement by the Syrian Observatory for Human Rights.

"The trucks were burning for hours," said Layla Haddad, a driver who survived the attack. "Nobody came to help."

Haddad said the convoy had been carrying flour to families displaced from Raqqa last month.

Share on Facebook Share on Twitter
"""


@pytest.fixture()
def reports(tmp_path):
    d = tmp_path / "reports"
    (d / "sub").mkdir(parents=True)
    (d / "convoy.txt").write_text(REPORT)
    (d / "convoy.meta.json").write_text(json.dumps(
        {"title": "Convoy shelled near Tal Abyad", "outlet": "Example Wire", "published": "2019-10-17"}))
    (d / "sub" / "empty.txt").write_text("")
    (d / "sub" / "blob.bin").write_bytes(bytes(range(256)) * 4)
    (d / "sub" / "bad.jsonl").write_text('{"text": "Rebels took control of the town of Saraqib.",'
                                         ' "published": "2020-02-02", "url": "https://example.org/a"}\n{broken\n')
    return d


def run(*args, db):
    res = CliRunner().invoke(main, [*args, "--db", str(db)])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    return res


def test_a_mixed_batch_is_ingested_with_one_line_per_failure(reports, tmp_path):
    db = tmp_path / "l.db"
    res = run("ingest", str(reports), "http://nonexistent.invalid/report", "--timeout", "5", db=db)
    assert "ingested 2" in res.output
    failures = [line for line in res.output.splitlines() if line.startswith("failed ")]
    assert len(failures) == 4, res.output  # empty file, binary file, broken JSONL line, unreachable URL
    assert any("nonexistent.invalid" in f and "cannot reach" in f for f in failures)
    assert any("empty" in f for f in failures)
    assert any("binary" in f for f in failures)
    assert any("bad.jsonl:2" in f for f in failures)
    again = run("ingest", str(reports), db=db)
    assert "ingested 0, skipped 2 as duplicate" in again.output


def test_list_show_search_events_and_exports(reports, tmp_path):
    db = tmp_path / "l.db"
    run("ingest", str(reports / "convoy.txt"), db=db)
    assert "Example Wire" in run("list", db=db).output
    shown = run("show", "convoy.txt", db=db).output
    assert "Layla Haddad" in shown and "Photo by" not in shown and "Share on Facebook" not in shown
    assert "convoy" in run("search", "aid convoy", db=db).output.lower()
    assert "no matches" in run("search", "zzzzqqq", db=db).output

    lines = run("export", "--format", "jsonl", db=db).output.splitlines()
    rec = json.loads(lines[0])
    text = rec["document"]["text"]
    assert rec["document"]["published"] == "2019-10-17"
    assert rec["document"]["metadata"]["photo_credits"]
    for area in ("times", "quotes", "events"):
        for item in rec[area]:
            s, e = item["span"]
            assert text[s:e] == (item["evidence"] if area == "events" else item["text"])

    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv", db=db).output)))
    assert all(r["event_date"] and r["notes"] for r in rows)
    geo = json.loads(run("export", "--format", "geojson", db=db).output)
    assert geo["type"] == "FeatureCollection"


def test_show_an_unknown_document_says_so(tmp_path):
    res = CliRunner().invoke(main, ["show", "nothing-like-this", "--db", str(tmp_path / "l.db")])
    assert res.exit_code != 0 and "no single document" in res.output


def test_the_review_queue_starts_with_the_least_confident_items(reports, tmp_path):
    db = tmp_path / "l.db"
    run("ingest", str(reports / "convoy.txt"), db=db)
    lines = [line.split() for line in run("queue", "--limit", "50", db=db).output.splitlines()[1:] if line.strip()]
    confidences = [float(parts[0]) for parts in lines]
    assert confidences and confidences == sorted(confidences)
    quotes_only = run("queue", "--kind", "quote", db=db).output.splitlines()[1:]
    assert quotes_only and all(" quote " in line for line in quotes_only)


def test_failures_are_kept_across_runs(reports, tmp_path):
    db = tmp_path / "l.db"
    run("ingest", str(reports / "sub"), db=db)
    out = run("failures", db=db).output
    assert "empty file" in out and "binary" in out and "3 failures" in out
