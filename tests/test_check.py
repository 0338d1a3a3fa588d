"""Integrity check, backup and restore: what a user sees when evidence is intact, damaged or copied."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from click.testing import CliRunner

from eventledger.cli import main
from eventledger.ingest import RawDocument
from eventledger.pipeline import ingest
from eventledger.record import Source
from eventledger.store import Store
from eventledger.store.backup import BackupError, backup, restore
from eventledger.store.check import CheckError, check_file
from eventledger.store.cli import register
from eventledger.store.migrations import SCHEMA_VERSION

if "check" not in main.commands:  # until eventledger.cli registers the store commands itself
    register(main)

REPORTS = [
    "Government forces shelled the town of Ras Hamra on Tuesday, killing four civilians, "
    "local medics told the Northern Observer.\n\n\"The market was full,\" said Leyla Haddad, a shopkeeper.",
    "An armed group abducted two aid workers near Kassala on 3 March, the United Nations said.",
    "Police arrested 12 protesters in central Mandalay on Friday, according to witnesses.",
]


def raw(text: str, name: str) -> RawDocument:
    return RawDocument(data=text.encode(), source=Source(path=name, kind="txt"), media_type="text/plain")


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "ledger.db"
    with Store(path) as st:
        summary = ingest(st, [raw(t, f"r{i}.txt") for i, t in enumerate(REPORTS)])
    assert summary.ingested == len(REPORTS)
    return path


def damage(path, *sql: str) -> None:
    """Change the store behind eventledger's back, as a disk fault or a careless script would."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA foreign_keys=OFF")
    for stmt in sql:
        db.execute(stmt)
    db.close()


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# ------------------------------------------------------------------ check


def test_an_intact_store_passes_with_a_count_of_what_was_checked(store_path):
    result = check_file(store_path)
    assert result.ok and result.documents == 3 and result.spans >= 8
    out = run("check", "--db", str(store_path))
    assert out.exit_code == 0
    assert out.output.strip() == f"ok: 3 documents, {result.spans} spans checked"


@pytest.mark.parametrize(("sql", "expected"), [
    (["UPDATE spans SET start = start + 1 WHERE rowid = (SELECT min(rowid) FROM spans)"], "span ["),
    (["UPDATE originals SET bytes = x'00' WHERE rowid = 1"], "original bytes hash to"),
    (["UPDATE originals SET sha256 = 'beef' WHERE rowid = 1"], "stored hash is beef"),
    (["DELETE FROM records WHERE rowid = 2"], "record missing"),
    (["DELETE FROM originals WHERE rowid = 2"], "original bytes missing"),
    (["UPDATE records SET json = '{not json' WHERE rowid = 1"], "record does not parse"),
    (["UPDATE records SET json = json_set(json, '$.events[0].evidence', 'forged words') WHERE rowid = 1"],
     "record event"),
    (["DELETE FROM spans WHERE rowid = (SELECT max(rowid) FROM spans)"], "span rows are stored"),
    (["INSERT INTO spans VALUES ('nosuchdoc', 'entity', 'E1', 0, 1, 'x')"], "foreign key: spans"),
    (["INSERT INTO documents_fts(rowid, title, text) VALUES (999, 'x', 'words never stored')"], "full-text index"),
    ([f"PRAGMA user_version = {SCHEMA_VERSION + 1}"], "schema version"),
])
def test_each_kind_of_damage_is_reported_on_its_own_line_and_fails_the_command(store_path, sql, expected):
    damage(store_path, *sql)
    result = check_file(store_path)
    assert any(expected in p for p in result.problems), result.problems
    out = run("check", "--db", str(store_path))
    assert out.exit_code == 1
    assert expected in out.output
    assert "ok:" not in out.output


def test_a_missing_or_foreign_file_is_a_clear_error_not_a_new_empty_store(tmp_path):
    missing = tmp_path / "nowhere.db"
    with pytest.raises(CheckError, match="no store at"):
        check_file(missing)
    assert not missing.exists()
    junk = tmp_path / "notes.db"
    junk.write_text("these are not the droids")
    out = run("check", "--db", str(junk))
    assert out.exit_code == 1 and "not a readable SQLite store" in out.output


# ------------------------------------------------------------------ backup and restore


def originals(path) -> dict[str, bytes]:
    with Store(path) as st:
        return {r[0]: bytes(r[1]) for r in st.db.execute("SELECT doc_id, bytes FROM originals")}


def test_backup_and_restore_round_trip_keeps_every_byte(store_path, tmp_path):
    copy, restored = tmp_path / "backup.db", tmp_path / "elsewhere" / "restored.db"
    out = run("backup", str(copy), "--db", str(store_path))
    assert out.exit_code == 0 and "backed up 3 documents" in out.output
    assert not (tmp_path / "backup.db-wal").exists()  # one self-contained file
    out = run("restore", str(copy), "--db", str(restored))
    assert out.exit_code == 0 and "restored 3 documents" in out.output
    assert check_file(restored).ok
    assert originals(restored) == originals(store_path)
    with Store(restored) as st:
        assert [r["title"] for r in st.search("shelled")] == [r["title"] for r in Store(store_path).search("shelled")]


def test_backup_never_replaces_a_file_unless_asked(store_path, tmp_path):
    copy = tmp_path / "backup.db"
    copy.write_text("an older backup")
    with pytest.raises(BackupError, match="--force"):
        backup(store_path, copy)
    assert copy.read_text() == "an older backup"
    assert backup(store_path, copy, force=True).documents == 3
    with pytest.raises(BackupError, match="cannot be the store itself"):
        backup(store_path, store_path, force=True)


def test_restore_refuses_to_overwrite_a_store_holding_documents_without_force(store_path, tmp_path):
    copy, other = tmp_path / "backup.db", tmp_path / "other.db"
    backup(store_path, copy)
    with Store(other) as st:
        ingest(st, [raw("Rebels seized the airport in Kidal on Sunday, officials said.", "x.txt")])
    out = run("restore", str(copy), "--db", str(other))
    assert out.exit_code == 1 and "holds 1 documents" in out.output and "--force" in out.output
    assert Store(other).count() == 1
    assert restore(copy, other, force=True).documents == 3
    assert set(originals(other)) == set(originals(store_path))


def test_restore_refuses_a_damaged_backup_and_leaves_the_store_alone(store_path, tmp_path):
    copy, target = tmp_path / "backup.db", tmp_path / "target.db"
    backup(store_path, copy)
    damage(copy, "UPDATE originals SET bytes = x'00' WHERE rowid = 1")
    with pytest.raises(BackupError, match="fails the integrity check: document .* hash"):
        restore(copy, target)
    assert not target.exists()


def test_a_backup_taken_while_another_process_writes_is_consistent(store_path, tmp_path):
    stop = threading.Event()

    def writer() -> None:
        with Store(store_path) as st:
            n = 0
            while not stop.is_set():
                n += 1
                ingest(st, [raw(f"Militiamen burned {n} houses in Bor on Monday, residents said.", f"w{n}.txt")])

    t = threading.Thread(target=writer)
    t.start()
    try:
        results = [backup(store_path, tmp_path / f"b{i}.db") for i in range(3)]
    finally:
        stop.set()
        t.join()
    assert all(r.ok and r.documents >= 3 for r in results)
