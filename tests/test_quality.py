"""Extraction quality, measured by the shared scorer, may only go up: these floors say so.

Floors sit a little under the figures measured when they were last raised (see the issue
notes); raise them when extraction improves, never lower them to make a change pass.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eventledger import ingest
from eventledger.export import write_jsonl
from eventledger.pipeline import ingest as run
from eventledger.store import Store

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
DEV = ROOT.parent / "shared" / "eval" / "dev"

FLOORS = {
    # own sample reports with gold written for the project (tests/gold)
    "own": {"entities": 0.95, "located_places": 0.95, "times": 0.95, "quotes": 0.93, "events": 0.85,
            "overall": 0.94},
    # the blind sets were each annotated before the system saw them and served as the check on the rules
    # fitted to the sets before them; once checked, later rounds diagnosed errors on them (never on the newest)
    # six reports (DRC, Ethiopia, Mali, West Bank, Sinjar, Cauca): tests/gold_blind
    "blind": {"entities": 0.95, "located_places": 0.92, "times": 0.95, "quotes": 0.95, "events": 0.90,
              "overall": 0.95},
    # five more, other conflicts and styles (tests/gold_blind2)
    "blind2": {"entities": 0.93, "located_places": 0.91, "times": 0.97, "quotes": 0.88, "events": 0.81,
               "overall": 0.91},
    # five more (Nigeria, Myanmar, Cameroon, Yemen, Mozambique): tests/gold_blind3
    "blind3": {"entities": 0.95, "located_places": 0.96, "times": 0.94, "quotes": 0.95, "events": 0.80,
               "overall": 0.93},
    # five more (South Sudan, Philippines, Pakistan, Niger, Libya), annotated before the system saw them and kept
    # out of sight while the fixes that came with them were made (tests/gold_blind4): the current check
    "blind4": {"entities": 0.84, "located_places": 0.82, "times": 0.91, "quotes": 0.85, "events": 0.56,
               "overall": 0.80},
    # the three dev reports in ../shared
    "dev": {"entities": 0.95, "located_places": 0.95, "times": 0.95, "quotes": 0.93, "events": 0.83,
            "overall": 0.94},
}


def score(docs: Path, gold: Path, tmp_path: Path) -> dict:
    with Store(tmp_path / "q.db") as st:
        summary = run(st, ingest.read_all([str(docs)]))
        assert not summary.failed, summary.failed
        preds = tmp_path / "preds.jsonl"
        with preds.open("w") as f:
            write_jsonl(st.record_dicts(), f)
    out = subprocess.run([sys.executable, str(SCORER), str(gold), str(preds), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def headline(t: dict) -> dict:
    return {"entities": t["entities"]["f1"], "located_places": t["places"]["located_f1"],
            "times": t["times"]["f1"], "quotes": t["quotes"]["with_speaker_f1"], "events": t["events"]["f1"],
            "overall": t["overall"]}


@pytest.fixture(scope="module")
def scorer():
    if not SCORER.exists():
        pytest.skip(f"the shared scorer is not beside the project ({SCORER})")
    return SCORER


@pytest.mark.parametrize("name,docs,gold", [
    ("own", ROOT / "tests/gold/docs", ROOT / "tests/gold/gold"),
    ("blind", ROOT / "tests/gold_blind/docs", ROOT / "tests/gold_blind/gold"),
    ("blind2", ROOT / "tests/gold_blind2/docs", ROOT / "tests/gold_blind2/gold"),
    ("blind3", ROOT / "tests/gold_blind3/docs", ROOT / "tests/gold_blind3/gold"),
    ("blind4", ROOT / "tests/gold_blind4/docs", ROOT / "tests/gold_blind4/gold"),
    ("dev", DEV / "docs", DEV / "gold"),
])
def test_extraction_stays_above_its_floors(scorer, name, docs, gold, tmp_path):
    totals = score(docs, gold, tmp_path)
    assert totals["spans"]["bad"] == 0, "every span must index its own text"
    assert totals["documents"]["missing"] == 0
    got = headline(totals)
    below = {k: (got[k], floor) for k, floor in FLOORS[name].items() if got[k] < floor}
    assert not below, f"{name}: below floor (got, floor): {below}"
