"""The SQLite store: atomic documents, original bytes kept, search, event filters, migrations."""

from __future__ import annotations

import sqlite3

import pytest

from eventledger.record import Document, Entity, Event, Mention, Number, Place, Provenance, Record, Source
from eventledger.store import SCHEMA_VERSION, Store, StoreError

TEXT = "Militia fighters shelled the market in Kafr Tala on Monday, killing 12 civilians."


def _record(doc_id: str = "a" * 64, text: str = TEXT) -> Record:
    s = text.index("shelled")
    return Record(
        document=Document(text=text, source=Source(path="/x/report.txt"), id=doc_id, title="Market shelled",
                          outlet="Example Wire", published="2021-03-10"),
        provenance=Provenance(pipeline="test", model="test"),
        entities=[Entity(name="Militia", type="ORG", id="E1", mentions=[Mention((0, 7), "Militia")])],
        places=[Place(name="Kafr Tala", id="P1", country="SY", lat=35.0, lon=36.0, precision="city",
                      mentions=[Mention((text.index("Kafr"), text.index("Kafr") + 9), "Kafr Tala")])],
        events=[Event(type="ASSAULT", mode="aerial", evidence=text[s:-1], span=(s, len(text) - 1),
                      actor="Militia", place="Kafr Tala", place_id="P1", start="2021-03-08", end="2021-03-08",
                      id="V1", numbers=[Number(text="12 civilians", span=(text.index("12"), text.index("12") + 12),
                                               kind="killed", value=12)])],
    )


def test_a_document_round_trips_with_its_original_bytes(tmp_path):
    with Store(tmp_path / "s.db") as st:
        assert st.add(_record(), b"original \xff bytes", "text/plain")
        assert st.original("a" * 64) == (b"original \xff bytes", "text/plain")
        rec = st.record(st.resolve("aaaaaaaa"))
        assert rec.events[0].numbers[0].value == 12
        assert rec.document.text[slice(*rec.events[0].span)] == rec.events[0].evidence


def test_adding_the_same_document_twice_is_a_no_op(tmp_path):
    with Store(tmp_path / "s.db") as st:
        assert st.add(_record(), b"x", "text/plain")
        assert not st.add(_record(), b"x", "text/plain")
        assert st.count() == 1


def test_search_finds_words_and_survives_fts_syntax_in_user_text(tmp_path):
    with Store(tmp_path / "s.db") as st:
        st.add(_record(), b"x", "text/plain")
        assert [r["id"] for r in st.search("market shelled")] == ["a" * 64]
        assert st.search('unbalanced " quote AND (') == []


def test_events_filter_by_type_actor_place_and_dates(tmp_path):
    with Store(tmp_path / "s.db") as st:
        st.add(_record(), b"x", "text/plain")
        assert len(st.events(type="assault")) == 1
        assert st.events(type="COERCE") == []
        assert len(st.events(actor="milit", place="Kafr")) == 1
        assert len(st.events(since="2021-03-01", until="2021-03-31")) == 1
        assert st.events(since="2021-04-01") == []
        assert st.events()[0]["fatalities"] == 12


def test_a_failed_write_leaves_nothing_half_written(tmp_path):
    rec = _record()
    rec.events[0].type = None  # violates NOT NULL after the document row was written
    with Store(tmp_path / "s.db") as st:
        with pytest.raises(sqlite3.IntegrityError):
            st.add(rec, b"x", "text/plain")
        assert st.count() == 0
        assert st.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 0


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "s.db"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)
